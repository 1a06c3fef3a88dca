"""The run's settings: every option read, checked and typed in one place.

Resolution order: command line, then environment variable (where one exists), then ini,
then the option's default (options.py). A bad value raises pytest.UsageError with a message
that names the option and what to write instead.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping, TypeVar
from urllib.parse import urlsplit

import pytest

from .api.cassettes import MODES
from .api.endpoints import KNOWN_KEYS, Endpoint, Route, resolve_endpoint
from .api.fallback import Chains, FallbackError, parse_fallbacks
from .catalog import Catalog, CatalogError, Model
from .grading.engine_spec import EngineSpec, EngineSpecError, parse_hosts, share
from .options import CASES_INI, DEFAULT_BASE_URL, given, models_requested, raw, switched_on
from .reporting.gates import GateSettings, Thresholds
from .reporting.resultlog import partial_path

T = TypeVar("T")


@dataclass(frozen=True)
class Settings:
    models: tuple[str, ...]
    catalog: Catalog
    base_url: str
    concurrency: int
    grading_workers: int  # this process's gradings at once, over all its engines
    samples: int
    temperature: float
    max_tokens: int | None
    timeout_s: float
    retries: int
    report: Path | None
    image: str | None
    endpoints: Mapping[str, Endpoint]  # by model id, for every model the run may ask
    secrets: tuple[str, ...] = field(repr=False)  # every key the run knows, for redaction
    system_prompt: str | None
    gates: GateSettings
    seed: int | None
    judge_model: str | None
    report_md: Path | None
    rpm: int | None
    fallbacks: Chains
    record_mode: str
    record_mode_from_ci: bool  # no mode was given and CI is set
    cassette_dir: Path | None
    max_cost: float | None
    resume: Path | None
    report_html: Path | None
    report_url: str | None
    # The engines that grade, each with this process's share of its workers.
    engines: tuple[EngineSpec, ...] = ()
    check_cases: bool = False  # check the cases; no model is asked
    case_paths: tuple[Path, ...] = ()  # collected when no path is given (ini llm_cases)

    def model_entries(self) -> list[Model]:
        return [self.catalog.get(m) for m in self.models]

    def route(self, model_id: str) -> Route:
        """The model's endpoint, and the run's request parameters under its own."""
        params: dict[str, Any] = {"temperature": self.temperature}
        if self.max_tokens is not None:
            params["max_tokens"] = self.max_tokens
        params.update(self.catalog.get(model_id).params)
        return Route(self.endpoints[model_id], params)

    def system_prompt_for(self, model_id: str, case_prompt: str | None) -> str | None:
        """The case's own, else the model's catalog entry's, else --llm-system-prompt."""
        return case_prompt or self.catalog.get(model_id).system_prompt or self.system_prompt

    def api_endpoints(self) -> list[tuple[Endpoint, list[str]]]:
        """Each endpoint that API models use, with those models, in the run's order."""
        grouped: dict[Endpoint, list[str]] = {}
        for model, endpoint in self.endpoints.items():
            if not self.catalog.get(model).is_reference:
                grouped.setdefault(endpoint, []).append(model)
        return list(grouped.items())


def resolve(config: pytest.Config) -> Settings:
    models = models_requested(config)
    if len(set(models)) != len(models):
        raise pytest.UsageError(f"--llm-models lists a model twice: {','.join(models)}")
    base_url = raw(config, "base-url") or DEFAULT_BASE_URL
    if urlsplit(base_url).scheme not in ("http", "https") or not urlsplit(base_url).netloc:
        raise pytest.UsageError(
            f"--llm-base-url {base_url!r} is not an http(s) URL, e.g. {DEFAULT_BASE_URL}"
        )
    api_key_env = raw(config, "api-key-env")
    if api_key_env is not None and not _is_variable_name(api_key_env):
        raise pytest.UsageError(
            f"--llm-api-key-env {api_key_env!r} is not an environment variable name: write "
            "the variable's name (e.g. MY_PROVIDER_KEY), never the key itself"
        )
    try:
        fallbacks = parse_fallbacks(raw(config, "fallback"))
    except FallbackError as exc:
        raise pytest.UsageError(str(exc)) from None
    record_mode = raw(config, "record-mode") or ("none" if in_ci() else "once")
    if record_mode not in MODES:
        raise pytest.UsageError(
            f"--llm-record-mode: {record_mode!r} is not one of {', '.join(MODES)}"
        )
    resume = raw(config, "resume")
    if resume and not (Path(resume).is_file() or partial_path(Path(resume)).is_file()):
        raise pytest.UsageError(
            f"--llm-resume {resume!r}: no such report (nor {partial_path(Path(resume))})"
        )
    max_cost = _optional(config, "max-cost", float, 0.0)
    catalog = _catalog(config)
    if max_cost is not None:
        _check_prices(catalog, models, fallbacks)
    concurrency = _number(config, "concurrency", int, 1)
    rpm = _optional(config, "rpm", int, 1)
    judge_model = raw(config, "judge-model") or None
    asked = [*models, *(m for chain in fallbacks.values() for m in chain),
             *([judge_model] if judge_model else [])]
    endpoints = {}
    for model_id in dict.fromkeys(asked):
        entry = catalog.get(model_id)
        own_url = entry.base_url is not None
        endpoints[model_id] = resolve_endpoint(
            entry.base_url or base_url,
            explicit=own_url or given(config, "base-url") is not None,
            named_key_env=entry.api_key_env or (None if own_url else api_key_env),
            environ=os.environ,
            concurrency=entry.concurrency or concurrency,
            rpm=entry.rpm or rpm,
        )
    engines = _engines(config)
    named = {e.key_env for e in endpoints.values() if e.key_env}
    secrets = tuple(os.environ[v] for v in sorted({*KNOWN_KEYS, *named}) if os.environ.get(v))
    return Settings(
        models=models,
        catalog=catalog,
        base_url=base_url,
        concurrency=concurrency,
        grading_workers=sum(e.workers for e in engines),
        engines=engines,
        samples=_number(config, "samples", int, 1),
        temperature=_number(config, "temperature", float, 0.0),
        max_tokens=_optional(config, "max-tokens", int, 1),
        timeout_s=_number(config, "timeout", float, 0.001),
        retries=_number(config, "retries", int, 0),
        report=_path(config, "report"),
        image=raw(config, "image"),
        endpoints=endpoints,
        secrets=secrets,
        system_prompt=raw(config, "system-prompt") or None,
        gates=_gates(config, models),
        seed=_optional(config, "seed", int, 0),
        judge_model=judge_model,
        report_md=_path(config, "report-md"),
        rpm=rpm,
        fallbacks=fallbacks,
        record_mode=record_mode,
        record_mode_from_ci=in_ci() and given(config, "record-mode") is None,
        cassette_dir=_path(config, "cassette-dir"),
        max_cost=max_cost,
        resume=Path(resume) if resume else None,
        report_html=_html_path(config),
        report_url=_report_url(config),
        check_cases=switched_on(config, "check-cases"),
        case_paths=_case_paths(config),
    )


def _engines(config: pytest.Config) -> tuple[EngineSpec, ...]:
    """--llm-docker-hosts (else the one engine of DOCKER_HOST), each engine's workers shared
    with the run's other pytest-xdist workers."""
    workers = _optional(config, "grading-workers", int, 1) or default_grading_workers()
    hosts = raw(config, "docker-hosts")
    try:
        specs = parse_hosts(hosts, workers) if hosts else (EngineSpec(None, workers),)
    except EngineSpecError as exc:
        raise pytest.UsageError(str(exc)) from None
    workerinput = getattr(config, "workerinput", {})
    worker = str(workerinput.get("workerid", "gw0")).removeprefix("gw")
    index = int(worker) if worker.isdigit() else 0
    return share(specs, index, int(workerinput.get("workercount", 1)))


def _case_paths(config: pytest.Config) -> tuple[Path, ...]:
    paths = tuple(Path(p) for p in config.getini(CASES_INI))
    for path in paths:
        if not path.exists():
            raise pytest.UsageError(
                f"{CASES_INI}: {path} does not exist; set the ini option {CASES_INI} (in "
                f"{config.inipath or 'pytest.ini'}) to the folders of your eval cases, relative "
                "to that file"
            )
    return paths


def verdict_dir(config: pytest.Config) -> Path | None:
    """Where verdicts are kept across runs: pytest's cache (none with -p no:cacheprovider)."""
    cache = getattr(config, "cache", None)
    return cache.mkdir("llmcode-verdicts") if cache is not None else None


def _is_variable_name(name: str) -> bool:
    return bool(name) and name.replace("_", "").isalnum() and not name[0].isdigit()


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def default_grading_workers() -> int:
    """One per core and one more (a grading spends part of its time waiting on its sandbox
    and its channels; the extra one keeps the cores busy meanwhile), but no more than the
    machine's memory holds at their limits: a grading may use its answer's container's
    memory and as much again in the tester."""
    from .grading.containers import Limits

    workers = max(os.cpu_count() or 1, 1) + 1
    try:
        memory = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError):
        return workers
    per_worker = 2 * Limits().memory_mb << 20
    return max(1, min(workers, memory // per_worker))


def _catalog(config: pytest.Config) -> Catalog:
    """The built-in catalog with --llm-catalog's file and the ini's llm_prices applied."""
    catalog = Catalog()
    path = raw(config, "catalog")
    if path and not Path(path).is_file():
        raise pytest.UsageError(f"--llm-catalog {path!r}: no such file")
    try:
        if path:
            catalog.load_file(Path(path))
        for line in config.getini("llm_prices"):
            catalog.apply_price_line(line)
    except CatalogError as exc:
        raise pytest.UsageError(str(exc)) from None
    return catalog


def _check_prices(catalog: Catalog, models: tuple[str, ...], fallbacks: Chains) -> None:
    """--llm-max-cost needs a price for every model the run may ask."""
    needed = {m for m in models if not catalog.get(m).is_reference}
    for model in list(needed):
        needed.update(fallbacks.get(model, ()))
    unpriced = sorted(m for m in needed if catalog.get(m).output_per_m is None)
    if unpriced:
        raise pytest.UsageError(
            f"--llm-max-cost needs a price for every model it may call; none is known for "
            f"{', '.join(unpriced)} (add one with the ini option llm_prices = MODEL=USD_PER_M "
            "or --llm-catalog)"
        )


def _gates(config: pytest.Config, models: tuple[str, ...]) -> GateSettings:
    baseline = raw(config, "baseline")
    if baseline and not Path(baseline).is_file():
        raise pytest.UsageError(f"--llm-baseline {baseline!r}: no such file")
    return GateSettings(
        min_pass_rate=_thresholds("min-pass-rate", raw(config, "min-pass-rate"), 1.0, models),
        min_score=_thresholds("min-score", raw(config, "min-score"), 10.0, models),
        baseline=Path(baseline) if baseline else None,
        max_regression=_bounded("max-regression", str(raw(config, "max-regression")), 1.0),
    )


def _thresholds(
    name: str, text: str | None, maximum: float, models: tuple[str, ...]
) -> Thresholds | None:
    """`0.8` for every model, `MODEL=0.8` for one, comma-separated."""
    if not text:
        return None
    default = None
    per_model: dict[str, float] = {}
    for entry in (e.strip() for e in text.split(",")):
        if not entry:
            continue
        model, sep, value = entry.rpartition("=")
        if not sep:
            default = _bounded(name, value, maximum)
            continue
        model = model.strip()
        if model not in models:
            raise pytest.UsageError(
                f"--llm-{name}: {model!r} is not one of the models evaluated "
                f"({', '.join(models) or 'none'})"
            )
        per_model[model] = _bounded(name, value, maximum)
    return Thresholds(default, per_model)


def _bounded(name: str, value: str, maximum: float) -> float:
    try:
        number = float(value)
    except ValueError:
        raise pytest.UsageError(
            f"--llm-{name}: {value.strip()!r} is not a number; write VALUE or MODEL=VALUE"
        ) from None
    if not 0 <= number <= maximum:
        raise pytest.UsageError(f"--llm-{name}: {number:g} is not between 0 and {maximum:g}")
    return number


def _html_path(config: pytest.Config) -> Path | None:
    path = _path(config, "report-html")
    if path is not None and path.is_dir():
        raise pytest.UsageError(
            f"--llm-report-html {str(path)!r} is a directory; give a file path, "
            f"e.g. {path / 'report.html'}"
        )
    return path


def _report_url(config: pytest.Config) -> str | None:
    """An http(s) URL or a relative path: the Markdown report links it."""
    url = raw(config, "report-url")
    if not url:
        return None
    scheme = urlsplit(url).scheme
    if scheme not in ("", "http", "https") or any(c.isspace() for c in url):
        raise pytest.UsageError(
            f"--llm-report-url {url!r}: give an http(s) URL or a relative path, e.g. "
            "https://ci.example.com/artifacts/report.html"
        )
    return url


def _path(config: pytest.Config, name: str) -> Path | None:
    value = raw(config, name)
    return Path(value) if value else None


def _optional(config: pytest.Config, name: str, kind: Callable[[str], T], minimum: T) -> T | None:
    return _number(config, name, kind, minimum) if raw(config, name) else None


def _number(config: pytest.Config, name: str, kind: Callable[[str], T], minimum: T) -> T:
    value = raw(config, name)
    try:
        number = kind(str(value))
    except ValueError:
        raise pytest.UsageError(f"--llm-{name}: {value!r} is not a valid number") from None
    if number < minimum:  # type: ignore[operator]
        raise pytest.UsageError(f"--llm-{name}: must be at least {minimum}, got {value}")
    return number
