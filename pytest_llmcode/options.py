"""Command-line options and their ini twins: names, help and defaults, stated once here.

Reading them into typed settings is settings.py's job. This module imports nothing but
pytest, so the plugin costs nothing in a run that does not evaluate models.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import pytest

DEFAULT_BASE_URL = "https://global-apis.com/v1"
CASES_INI = "llm_cases"


@dataclass(frozen=True)
class Option:
    name: str  # without the leading --llm-
    help: str
    default: str | None = None  # the value used when none is given
    shown_default: str | None = None  # what --help says when `default` is not the whole story
    env: str | None = None  # an environment variable read before the ini file
    switch: bool = False  # a flag without a value (its ini twin is true or false)

    @property
    def flag(self) -> str:
        return "--llm-" + self.name

    @property
    def ini(self) -> str:
        return "llm_" + self.name.replace("-", "_")

    @property
    def dest(self) -> str:
        return "llm_" + self.name.replace("-", "_")

    @property
    def help_text(self) -> str:
        return f"{self.help} (default: {self.shown_default or self.default})"


OPTIONS = (
    Option("models", "comma-separated model ids to evaluate, e.g. deepseek-v4-flash,"
           "qwen3-coder-30b; `reference` answers with each case's reference solution",
           shown_default="none, the plugin stays off"),
    Option("base-url", "OpenAI-compatible endpoint", DEFAULT_BASE_URL, env="LLMCODE_BASE_URL"),
    Option("api-key-env", "name of the environment variable holding the key for "
           "--llm-base-url (a catalog entry's api_key_env names its own)",
           shown_default="GLOBAL_API_KEY or GLOBAL_APIS_KEY for the default endpoint, "
           "OPENAI_API_KEY for api.openai.com and a base URL you choose"),
    Option("system-prompt", "system message sent before each case's prompt (a case's or "
           "catalog entry's system_prompt wins)", shown_default="none"),
    Option("concurrency", "requests in flight at once to the endpoint, shared by pytest-xdist "
           "workers and concurrent runs on this machine", "8"),
    Option("rpm", "requests per minute to the endpoint, shared like --llm-concurrency",
           shown_default="no limit"),
    Option("grading-workers", "containers grading at once on each engine, shared by "
           "pytest-xdist workers",
           shown_default="one more than the number of cores, fewer where memory holds fewer "
                         "at 2 GiB each"),
    Option("docker-hosts", "Docker engines that grade, URL[=WORKERS] comma-separated "
           "(unix://, tcp:// with TLS from DOCKER_TLS_VERIFY and DOCKER_CERT_PATH, ssh://); "
           "an engine without WORKERS gets --llm-grading-workers; pytest-xdist workers "
           "share each engine's workers",
           shown_default="the engine DOCKER_HOST names, else the local one"),
    Option("samples", "answers drawn per case and model", "1"),
    Option("temperature", "sampling temperature", "0.0"),
    Option("max-tokens", "max_tokens sent with each request", shown_default="not sent"),
    Option("timeout", "seconds for one request's whole answer", "120"),
    Option("retries", "retries of a request after a connection error, timeout, 408, 409, "
           "429 or 5xx", "2"),
    Option("fallback", "MODEL=FALLBACK[=NEXT...], comma-separated: models asked instead when "
           "MODEL's request still fails after its retries", shown_default="none"),
    Option("record-mode", "none|once|new|all: replay answers from cassettes and record new "
           "ones", shown_default="none when the environment variable CI is set, else once"),
    Option("cassette-dir", "directory for cassettes, one folder per case",
           shown_default=".cassettes/ inside each case's folder"),
    Option("max-cost", "USD the whole run may spend; no request is sent that could exceed it",
           shown_default="no limit"),
    Option("resume", "an earlier --llm-report (or its .partial.jsonl): rerun only the items "
           "that did not finish or errored", shown_default="none"),
    Option("report", "write a JSON report of every result to this path",
           shown_default="none"),
    Option("catalog", "YAML/JSON file adding or overriding models and prices",
           shown_default="none"),
    Option("image", "sandbox image", shown_default="the image built from the bundled Dockerfile",
           env="LLMCODE_IMAGE"),
    # scores, statistics and gates
    Option("seed", "seed sent with each request, plus the sample number minus one, where "
           "the server honours it; recorded in the report", shown_default="not sent"),
    Option("judge-model", "model that rates code quality and documentation with a fixed "
           "rubric, in place of the static measures", shown_default="none"),
    Option("min-pass-rate", "fail the run when a model's pass rate is below this: 0.8 for "
           "every model, MODEL=0.8 for one, comma-separated", shown_default="no gate"),
    Option("min-score", "fail the run when a model's mean score (0-10) is below this: 7.5 "
           "or MODEL=7.5, comma-separated", shown_default="no gate"),
    Option("baseline", "previous --llm-report JSON to compare with: per-model deltas and "
           "per-case flips", shown_default="none"),
    Option("max-regression", "with --llm-baseline, fail when a model's pass rate drops by "
           "more than this", "0.05"),
    Option("report-md", "write the summary as Markdown to this path, e.g. for a CI job "
           "summary", shown_default="none"),
    # authoring eval cases
    Option("check-cases", "check every eval case without asking any model: each reference "
           "answer must pass its hidden tests, each known-wrong answer must fail, and exports "
           "must match the reference, the tests and the prompt; exits non-zero when a case "
           "is broken", shown_default="off", switch=True),
    Option("report-html", "write the run as one self-contained HTML file to this path: "
           "tables, value frontier, case x model matrix, every answer in full",
           shown_default="none"),
    Option("report-url", "where the HTML report will be published (a CI artifact's URL): "
           "the Markdown report links it there instead of by its path",
           shown_default="the --llm-report-html path"),
)
BY_NAME = {option.name: option for option in OPTIONS}


def add_options(parser: pytest.Parser) -> None:
    group = parser.getgroup("llmcode", "LLM code-generation evaluation (pytest-llmcode)")
    for option in OPTIONS:
        if option.switch:
            group.addoption(option.flag, dest=option.dest, default=None, action="store_true",
                            help=option.help_text)
        else:
            group.addoption(option.flag, dest=option.dest, default=None, metavar="VALUE",
                            help=option.help_text)
        parser.addini(option.ini, option.help_text + " (ini twin of " + option.flag + ")",
                      type="bool" if option.switch else None, default=None)
    parser.addini("llm_prices", "lines of MODEL=OUTPUT_USD_PER_M or MODEL=OUTPUT/INPUT",
                  type="linelist", default=[])
    parser.addini(CASES_INI, "folders of eval cases, relative to the ini file: what `pytest "
                  "--llm-models=...` (or --llm-check-cases) collects when no path is given "
                  "(default: none, pytest's own testpaths)", type="paths", default=[])


def given(config: pytest.Config, name: str) -> str | None:
    """The value the user gave: command line, then environment variable, then ini."""
    option = BY_NAME[name]
    value = config.getoption(option.dest)
    if value is None and option.env:
        value = os.environ.get(option.env) or None
    if value is None:
        ini = config.getini(option.ini)
        value = ini if ini not in (None, "", []) else None
    return None if value is None else str(value).strip()


def raw(config: pytest.Config, name: str) -> str | None:
    """The value given, else the option's default."""
    value = given(config, name)
    return value if value is not None else BY_NAME[name].default


def switched_on(config: pytest.Config, name: str) -> bool:
    """A switch given on the command line, else its ini twin (false by default)."""
    option = BY_NAME[name]
    if config.getoption(option.dest):
        return True
    return bool(config.getini(option.ini))


def active(config: pytest.Config) -> bool:
    """Does this run evaluate models or check cases? Otherwise the plugin does nothing."""
    return bool(models_requested(config)) or switched_on(config, "check-cases")


def models_requested(config: pytest.Config) -> tuple[str, ...]:
    value = raw(config, "models") or ""
    return tuple(m.strip() for m in value.split(",") if m.strip())
