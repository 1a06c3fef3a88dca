"""The run's parts, built from its settings: the sandbox and its grader (after the
confinement self-test), the chat client with its shared limits and budget, the answerer,
the judge, and the pipeline that joins them."""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from .api.answers import Answerer, Clients
from .api.budget import Budget
from .api.cassettes import Cassettes
from .api.client import ChatClient, ClientSettings
from .api.endpoints import Endpoint
from .api.ratelimit import RateLimiter, endpoint_dir
from .api.redact import Redactor
from .cases import EvalCase
from .grading.confinement import confirm_confined
from .grading.containers import Sandbox, SandboxError, sweep
from .grading.grader import Grader
from .outcome import Outcome
from .pipeline import GenerationSettings, Job, Pipeline
from .scoring.judge import Judge
from .scoring.score import Scorer
from .settings import Settings
from .verdicts.cache import VerdictCache


def image_name(settings: Settings) -> str:
    if settings.image:
        return settings.image
    from .grading.image import image_tag

    return image_tag()


def cassettes(settings: Settings) -> Cassettes:
    return Cassettes(settings.record_mode, settings.cassette_dir, Redactor(settings.secrets))


def budget_ledger(run_dir: Path) -> Path:
    """The run's spending, shared by its processes (pytest-xdist workers)."""
    return run_dir / "budget.json"


def manifest_parameters(settings: Settings) -> dict[str, Any]:
    s = settings
    return {"endpoint": s.base_url, "models": list(s.models), "temperature": s.temperature,
            "max_tokens": s.max_tokens, "seed": s.seed, "samples": s.samples,
            "judge_model": s.judge_model, "timeout_s": s.timeout_s, "retries": s.retries,
            "system_prompt": s.system_prompt,
            "endpoints": {m: e.key for m, e in s.endpoints.items()},
            "model_params": {m: dict(s.catalog.get(m).params) for m in s.endpoints
                             if s.catalog.get(m).params}}


@dataclass
class Parts:
    """What one process of the run uses, and closes at its end."""

    pipeline: Pipeline
    scratch: Path
    sandbox: Sandbox | None
    grader: Grader | None
    judge: Judge | None
    image_id: str | None

    def close(self, grace_s: float) -> None:
        try:
            self.pipeline.close(grace_s=grace_s)
        finally:
            if self.grader is not None:
                self.grader.close()
            if self.judge is not None:
                self.judge.close()
            if self.sandbox is not None:
                self.sandbox.close()
            shutil.rmtree(self.scratch, ignore_errors=True)


@dataclass
class Grading:
    """The sandbox and its grader, or why there are none."""

    scratch: Path
    sandbox: Sandbox | None
    grader: Grader | None
    image_id: str | None
    unavailable: str | None

    def close(self) -> None:
        try:
            if self.grader is not None:
                self.grader.close()
        finally:
            if self.sandbox is not None:
                self.sandbox.close()
            shutil.rmtree(self.scratch, ignore_errors=True)


def start_grading(settings: Settings) -> Grading:
    """The sandbox, once its image is there and its confinement confirmed."""
    scratch = Path(tempfile.mkdtemp(prefix="llmcode-"))
    sandbox = None
    try:
        sandbox = Sandbox(image_name(settings))
        sweep(sandbox.client)
        image_id = sandbox.check_image()
        confirm_confined(sandbox, scratch)
        grader = Grader(sandbox, scratch, workers=settings.grading_workers,
                        spares=settings.grading_workers)
    except SandboxError as exc:
        return Grading(scratch, sandbox, None, None, f"cannot grade: {exc}")
    return Grading(scratch, sandbox, grader, image_id, None)


def start(
    settings: Settings,
    run_dir: Path,
    messages: Callable[[Job], list[dict[str, str]]],
    extract: Callable[[str, EvalCase], str | None],
    on_outcome: Callable[[Outcome], None],
    verdicts: VerdictCache | None = None,
) -> Parts:
    """Start grading (or say why it cannot) and the pipeline that feeds it."""
    s = settings
    grading = start_grading(s)
    scratch, sandbox, grader = grading.scratch, grading.sandbox, grading.grader
    image_id, unavailable = grading.image_id, grading.unavailable
    budget = (None if s.max_cost is None else
              Budget(s.max_cost, budget_ledger(run_dir), s.catalog.get, s.max_tokens,
                     max_tokens_of=lambda model: s.route(model).max_tokens))
    redact = Redactor(s.secrets)

    def client(endpoint: Endpoint) -> ChatClient:
        return ChatClient(
            ClientSettings(endpoint.base_url, endpoint.api_key, endpoint.key_env,
                           s.timeout_s, s.retries, redact=redact),
            limiter=RateLimiter(endpoint_dir(endpoint.base_url), endpoint.concurrency,
                                endpoint.rpm),
            budget=budget,
        )

    answerer = Answerer(
        clients=Clients(client),
        price_of=s.catalog.get,
        route=s.route,
        fallbacks=s.fallbacks,
        cassettes=cassettes(s),
    )
    judge = (Judge(s.catalog.get(s.judge_model), client(s.endpoints[s.judge_model]), s.seed)
             if s.judge_model else None)
    # Each endpoint limits its own requests in flight; the pool can feed all at once.
    in_flight = sum(e.concurrency for e, _ in s.api_endpoints()) or s.concurrency
    pipeline = Pipeline(
        GenerationSettings(concurrency=in_flight, grading_workers=s.grading_workers),
        answerer,
        grader=grader,
        grading_unavailable=unavailable,
        on_outcome=on_outcome,
        messages=messages,
        extract=extract,
        scorer=Scorer(judge),
        verdicts=verdicts,
        image_id=image_id,
    )
    return Parts(pipeline, scratch, sandbox, grader, judge, image_id)


def engine_image_id(image: str) -> str | None:
    """The image's id asked of the engine, for a process that started no grading (the
    pytest-xdist controller); None when no engine answers or it lacks the image."""
    from .grading.containers import connect
    from .grading.image import image_id

    try:
        client = connect()
    except SandboxError:
        return None
    try:
        return image_id(client, image)
    except Exception:  # noqa: BLE001 - the manifest says "unknown" rather than failing
        return None
    finally:
        client.close()
