"""One row per item (case × model × sample): what the reports are made of.

A row travels in pytest's user_properties (so --junitxml and pytest-xdist carry it), in the
partial log and in the JSON report, and is rebuilt from any of them. Besides the figures it
carries the answer itself (the messages sent, the reply, the extracted code, each hidden
test's result), so a report can be rebuilt from the JSON alone
(`python -m pytest_llmcode report run.json --html report.html`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any, Iterable

from ..status import Status

PREFIX = "llmcode_"

Key = tuple[str, str, int]  # case, model, sample


@dataclass(frozen=True)
class Row:
    case: str
    model: str
    sample: int
    outcome: Status
    # What this run sent and spent for the item (zero for a replayed answer): every
    # attempt counts, failed ones and those of fallback models included.
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float | None = None
    latency_s: float | None = None
    served_model: str | None = None
    endpoint: str | None = None  # host/path of the endpoint that served the answer
    finish_reason: str | None = None  # as the endpoint gave it; "length": cut off
    reasoning_tokens: int = 0  # of the answer's completion tokens, where reported
    attempts: int = 0
    grading_s: float | None = None
    isolation: str | None = None  # where the verdict was obtained, as the host knows it
    engine: str | None = None  # the Docker engine that graded it, its URL without credentials
    failure: str | None = None
    # scores (0..10) and what they were measured from
    score: float | None = None
    correctness: float | None = None
    edge_cases: float | None = None
    code_quality: float | None = None
    documentation: float | None = None
    core_passed: int = 0
    core_total: int = 0
    edge_passed: int = 0
    edge_total: int = 0
    quality_source: str | None = None
    quality_findings: int | None = None
    quality_notes: str | None = None
    score_note: str | None = None
    judge_prompt_tokens: int = 0
    judge_completion_tokens: int = 0
    judge_cost_usd: float | None = None
    judge_error: str | None = None
    seed: int | None = None
    case_hash: str | None = None
    waited_s: float = 0.0  # backoff, Retry-After and requests-per-minute waits
    answered_by: str | None = None  # the model that answered: the item's own or a fallback
    unanswered_attempts: int = 0  # sent but never answered: their cost is unknown
    # A replayed answer: what it cost and how long it took when it was recorded.
    replayed: bool = False
    recorded_prompt_tokens: int | None = None
    recorded_completion_tokens: int | None = None
    recorded_cost_usd: float | None = None
    recorded_latency_s: float | None = None
    recorded_at: str | None = None
    # The case, and the answer in full, as the outcome holds them (the API layer redacts
    # secrets before they get there).
    language: str | None = None
    tags: tuple[str, ...] = ()
    messages: list[dict[str, str]] | None = None  # the chat messages sent
    reply: str | None = None  # the model's reply
    code: str | None = None  # what was extracted from it and graded
    tests: list[dict[str, str]] | None = None  # each hidden test: id, outcome, message
    grading_stage: str | None = None  # where grading stopped: compile, test, timeout, ...
    grading_output: str | None = None  # the runner's output (compiler errors, say)

    @property
    def judged(self) -> bool:
        return bool(self.judge_prompt_tokens or self.judge_completion_tokens or self.judge_error)

    @classmethod
    def from_mapping(cls, data: dict[str, Any]) -> Row | None:
        """A row read back from a report (unknown keys ignored), or None if it is not one."""
        names = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in names}
        if not {"case", "model", "sample", "outcome"} <= set(values):
            return None
        return cls(**_tuples(values))

    def properties(self) -> list[tuple[str, object]]:
        return [(PREFIX + k, v) for k, v in asdict(self).items()]

    @classmethod
    def from_properties(cls, properties: Iterable[tuple[str, object]]) -> Row | None:
        names = {f.name for f in fields(cls)}
        values = {
            k[len(PREFIX):]: v
            for k, v in properties
            if k.startswith(PREFIX) and k[len(PREFIX):] in names
        }
        if "case" not in values or "model" not in values:
            return None
        return cls(**_tuples(values))

    @property
    def key(self) -> Key:
        return (self.case, self.model, int(self.sample))


def _tuples(values: dict[str, Any]) -> dict[str, Any]:
    """JSON gives lists where the row holds tuples."""
    if isinstance(values.get("tags"), list):
        values["tags"] = tuple(str(t) for t in values["tags"])
    return values
