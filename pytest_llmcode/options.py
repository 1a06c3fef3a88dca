"""Command-line options, their ini twins, and their resolution into one typed settings object.

Resolution order: command line, then environment variable (where one exists), then ini,
then default. Bad values raise pytest.UsageError with a message that names the option.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, TypeVar
from urllib.parse import urlsplit

import pytest

from .cassettes import MODES
from .fallback import FallbackError, parse_fallbacks
from .resultlog import partial_path
from .sandbox import Limits

DEFAULT_BASE_URL = "https://global-apis.com/v1"
KEY_VARIABLES = ("GLOBAL_API_KEY", "GLOBAL_APIS_KEY", "OPENAI_API_KEY")
T = TypeVar("T")


@dataclass(frozen=True)
class Option:
    name: str  # without the leading --llm-
    help: str
    default: str | None = None
    env: str | None = None

    @property
    def flag(self) -> str:
        return "--llm-" + self.name

    @property
    def ini(self) -> str:
        return "llm_" + self.name.replace("-", "_")


OPTIONS = (
    Option("models", "comma-separated model ids to evaluate, e.g. deepseek-v4-flash,"
           "qwen3-coder-30b; `reference` answers with each case's reference solution "
           "(default: none, the plugin stays off)"),
    Option("base-url", f"OpenAI-compatible endpoint (default: {DEFAULT_BASE_URL})",
           DEFAULT_BASE_URL, env="LLMCODE_BASE_URL"),
    Option("concurrency", "requests in flight at once to the endpoint, shared by pytest-xdist "
           "workers and concurrent runs on this machine (default: 8)", "8"),
    Option("rpm", "requests per minute to the endpoint, shared like --llm-concurrency "
           "(default: no limit)"),
    Option("grading-workers", "containers grading at once (default: the number of cores, "
           "fewer where memory holds fewer at 2 GiB each)"),
    Option("samples", "answers drawn per case and model (default: 1)", "1"),
    Option("temperature", "sampling temperature (default: 0.0)", "0.0"),
    Option("max-tokens", "max_tokens sent with each request (default: not sent)"),
    Option("timeout", "seconds for one request's whole answer (default: 120)", "120"),
    Option("retries", "retries of a request after a connection error, timeout, 408, 409, "
           "429 or 5xx (default: 2)", "2"),
    Option("fallback", "MODEL=FALLBACK[=NEXT...], comma-separated: models asked instead when "
           "MODEL's request still fails after its retries (default: none)"),
    Option("record-mode", "none|once|new|all: replay answers from cassettes and record new "
           "ones (default: none when the environment variable CI is set, else once)"),
    Option("cassette-dir", "directory for cassettes, one folder per case (default: "
           ".cassettes/ inside each case's folder)"),
    Option("max-cost", "USD the whole run may spend; no request is sent that could exceed it "
           "(default: no limit)"),
    Option("resume", "an earlier --llm-report (or its .partial.jsonl): rerun only the items "
           "that did not finish or errored (default: none)"),
    Option("report", "write a JSON report of every result to this path (default: none)"),
    Option("catalog", "YAML/JSON file adding or overriding models and prices (default: none)"),
    Option("image", "sandbox image (default: the image built from the bundled Dockerfile)",
           env="LLMCODE_IMAGE"),
    # scores, statistics and gates
    Option("seed", "seed sent with each request, plus the sample number minus one, where "
           "the server honours it; recorded in the report (default: not sent)"),
    Option("judge-model", "model that rates code quality and documentation with a fixed "
           "rubric, in place of the static measures (default: none)"),
    Option("min-pass-rate", "fail the run when a model's pass rate is below this: 0.8 for "
           "every model, MODEL=0.8 for one, comma-separated (default: no gate)"),
    Option("min-score", "fail the run when a model's mean score (0-10) is below this: 7.5 "
           "or MODEL=7.5, comma-separated (default: no gate)"),
    Option("baseline", "previous --llm-report JSON to compare with: per-model deltas and "
           "per-case flips (default: none)"),
    Option("max-regression", "with --llm-baseline, fail when a model's pass rate drops by "
           "more than this (default: 0.05)"),
    Option("report-md", "write the summary as Markdown to this path, e.g. for a CI job "
           "summary (default: none)"),
)


def add_options(parser: pytest.Parser) -> None:
    group = parser.getgroup("llmcode", "LLM code-generation evaluation (pytest-llmcode)")
    for option in OPTIONS:
        group.addoption(option.flag, dest="llm_" + option.name.replace("-", "_"),
                        default=None, metavar="VALUE", help=option.help)
        parser.addini(option.ini, option.help + " (ini twin of " + option.flag + ")",
                      default=None)
    parser.addini("llm_prices", "lines of MODEL=OUTPUT_USD_PER_M or MODEL=OUTPUT/INPUT",
                  type="linelist", default=[])


@dataclass(frozen=True)
class Settings:
    models: tuple[str, ...]
    base_url: str
    concurrency: int
    grading_workers: int
    samples: int
    temperature: float
    max_tokens: int | None
    timeout_s: float
    retries: int
    report: Path | None
    catalog: Path | None
    image: str | None
    api_key: str | None
    key_env: str
    seed: int | None = None
    judge_model: str | None = None
    report_md: Path | None = None
    rpm: int | None = None
    fallbacks: dict[str, tuple[str, ...]] = field(default_factory=dict)
    record_mode: str = "once"
    cassette_dir: Path | None = None
    max_cost: float | None = None
    resume: Path | None = None

    @property
    def endpoint_host(self) -> str:
        return urlsplit(self.base_url).netloc

    @property
    def missing_key_reason(self) -> str | None:
        """A key is required by the default endpoint; a custom one may not need it."""
        if self.api_key or self.base_url.rstrip("/") != DEFAULT_BASE_URL:
            return None
        return f"no API key for {self.endpoint_host}: set GLOBAL_API_KEY (or OPENAI_API_KEY)"


def raw(config: pytest.Config, name: str) -> str | None:
    option = next(o for o in OPTIONS if o.name == name)
    value = config.getoption("llm_" + name.replace("-", "_"))
    if value is None and option.env:
        value = os.environ.get(option.env) or None
    if value is None:
        ini = config.getini(option.ini)
        value = ini if ini not in (None, "", []) else None
    if value is None:
        value = option.default
    return None if value is None else str(value).strip()


def models_requested(config: pytest.Config) -> tuple[str, ...]:
    value = raw(config, "models") or ""
    return tuple(m.strip() for m in value.split(",") if m.strip())


def resolve(config: pytest.Config) -> Settings:
    models = models_requested(config)
    if len(set(models)) != len(models):
        raise pytest.UsageError(f"--llm-models lists a model twice: {','.join(models)}")
    base_url = raw(config, "base-url") or DEFAULT_BASE_URL
    if urlsplit(base_url).scheme not in ("http", "https") or not urlsplit(base_url).netloc:
        raise pytest.UsageError(
            f"--llm-base-url {base_url!r} is not an http(s) URL, e.g. {DEFAULT_BASE_URL}"
        )
    key_env = next((v for v in KEY_VARIABLES if os.environ.get(v)), KEY_VARIABLES[0])
    report = raw(config, "report")
    catalog = raw(config, "catalog")
    if catalog and not Path(catalog).is_file():
        raise pytest.UsageError(f"--llm-catalog {catalog!r}: no such file")
    workers = raw(config, "grading-workers")
    max_tokens = raw(config, "max-tokens")
    seed = raw(config, "seed")
    report_md = raw(config, "report-md")
    try:
        fallbacks = parse_fallbacks(raw(config, "fallback"))
    except FallbackError as exc:
        raise pytest.UsageError(str(exc)) from None
    record_mode = raw(config, "record-mode") or ("none" if in_ci() else "once")
    if record_mode not in MODES:
        raise pytest.UsageError(
            f"--llm-record-mode: {record_mode!r} is not one of {', '.join(MODES)}"
        )
    cassette_dir = raw(config, "cassette-dir")
    resume = raw(config, "resume")
    if resume and not (Path(resume).is_file() or partial_path(Path(resume)).is_file()):
        raise pytest.UsageError(
            f"--llm-resume {resume!r}: no such report (nor {partial_path(Path(resume))})"
        )
    return Settings(
        models=models,
        base_url=base_url,
        concurrency=_number(config, "concurrency", int, 1),
        grading_workers=(_number(config, "grading-workers", int, 1) if workers
                         else default_grading_workers()),
        samples=_number(config, "samples", int, 1),
        temperature=_number(config, "temperature", float, 0.0),
        max_tokens=_number(config, "max-tokens", int, 1) if max_tokens else None,
        timeout_s=_number(config, "timeout", float, 0.001),
        retries=_number(config, "retries", int, 0),
        report=Path(report) if report else None,
        catalog=Path(catalog) if catalog else None,
        image=raw(config, "image"),
        api_key=os.environ.get(key_env) or None,
        key_env=key_env,
        seed=_number(config, "seed", int, 0) if seed else None,
        judge_model=raw(config, "judge-model") or None,
        report_md=Path(report_md) if report_md else None,
        rpm=_number(config, "rpm", int, 1) if raw(config, "rpm") else None,
        fallbacks=fallbacks,
        record_mode=record_mode,
        cassette_dir=Path(cassette_dir) if cassette_dir else None,
        max_cost=_number(config, "max-cost", float, 0.0) if raw(config, "max-cost") else None,
        resume=Path(resume) if resume else None,
    )


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def _number(config: pytest.Config, name: str, kind: Callable[[str], T], minimum: T) -> T:
    value = raw(config, name)
    try:
        number = kind(str(value))
    except ValueError:
        raise pytest.UsageError(f"--llm-{name}: {value!r} is not a valid number") from None
    if number < minimum:  # type: ignore[operator]
        raise pytest.UsageError(f"--llm-{name}: must be at least {minimum}, got {value}")
    return number


def default_grading_workers() -> int:
    """One per core, but no more than the machine's memory holds at their limits: a grading
    may use its answer's container's memory and as much again in the tester."""
    cores = max(os.cpu_count() or 1, 1)
    try:
        memory = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError):
        return cores
    per_worker = 2 * Limits().memory_mb << 20
    return max(1, min(cores, memory // per_worker))
