"""Reports: per-item rows (carried in pytest's user_properties) aggregated per model.

Rows are rebuilt from test reports on the controller, so the figures are the same with or
without pytest-xdist.
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any, Iterable

from .outcome import ERROR, FAILED, NOT_RUN, PASSED, SKIPPED, Outcome

PREFIX = "llmcode_"


@dataclass(frozen=True)
class Row:
    case: str
    model: str
    sample: int
    outcome: str
    # What this run sent and spent for the item (zero for a replayed answer): every
    # attempt counts, failed ones and those of fallback models included.
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float | None = None
    latency_s: float | None = None
    served_model: str | None = None
    attempts: int = 0
    grading_s: float | None = None
    failure: str | None = None
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

    @classmethod
    def from_outcome(cls, outcome: Outcome) -> Row:
        completion = outcome.completion
        spend = outcome.spend
        recorded = outcome.recorded
        return cls(
            case=outcome.case,
            model=outcome.model,
            sample=outcome.sample,
            outcome=outcome.status,
            prompt_tokens=spend.prompt_tokens,
            completion_tokens=spend.completion_tokens,
            cost_usd=outcome.cost_usd,
            latency_s=(round(completion.latency_s, 4)
                       if completion is not None and recorded is None else None),
            served_model=completion.served_model if completion else None,
            attempts=spend.attempts,
            grading_s=round(outcome.grade.duration_s, 4) if outcome.grade else None,
            failure=None if outcome.status == PASSED else outcome.message,
            waited_s=round(spend.waited_s, 3),
            answered_by=outcome.answered_by if spend.attempts or recorded else None,
            unanswered_attempts=spend.unanswered,
            replayed=recorded is not None,
            recorded_prompt_tokens=recorded.spend.prompt_tokens if recorded else None,
            recorded_completion_tokens=recorded.spend.completion_tokens if recorded else None,
            recorded_cost_usd=recorded.spend.cost_usd if recorded else None,
            recorded_latency_s=round(recorded.latency_s, 4) if recorded else None,
            recorded_at=recorded.recorded_at if recorded else None,
        )

    @classmethod
    def from_mapping(cls, data: dict[str, Any]) -> Row | None:
        """A row read back from a report (unknown keys ignored), or None if it is not one."""
        names = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in names}
        if not {"case", "model", "sample", "outcome"} <= set(values):
            return None
        return cls(**values)

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
        return cls(**values)  # type: ignore[arg-type]


@dataclass(frozen=True)
class ModelSummary:
    model: str
    passed: int
    failed: int
    errors: int
    skipped: int
    pass_rate: float | None
    prompt_tokens: int
    completion_tokens: int
    cost_usd: float | None
    latency_p50_s: float | None
    latency_p95_s: float | None
    not_run: int = 0
    waited_s: float = 0.0
    unanswered_attempts: int = 0
    replayed: int = 0
    recorded_cost_usd: float | None = None  # what the replayed answers cost when recorded


def percentile(values: list[float], q: float) -> float | None:
    """Linear interpolation between closest ranks (numpy's default)."""
    if not values:
        return None
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q
    low, high = math.floor(pos), math.ceil(pos)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def summarize(rows: list[Row]) -> dict[str, ModelSummary]:
    by_model: dict[str, list[Row]] = {}
    for row in rows:
        by_model.setdefault(row.model, []).append(row)
    summaries = {}
    for model, items in by_model.items():
        count = {
            s: sum(1 for r in items if r.outcome == s)
            for s in (PASSED, FAILED, ERROR, SKIPPED, NOT_RUN)
        }
        graded = count[PASSED] + count[FAILED]
        latencies = [r.latency_s for r in items if r.latency_s is not None and r.attempts > 0]
        costs = [r.cost_usd for r in items if r.attempts > 0 or r.cost_usd is not None]
        summaries[model] = ModelSummary(
            model=model,
            passed=count[PASSED],
            failed=count[FAILED],
            errors=count[ERROR],
            skipped=count[SKIPPED],
            pass_rate=count[PASSED] / graded if graded else None,
            prompt_tokens=sum(r.prompt_tokens for r in items),
            completion_tokens=sum(r.completion_tokens for r in items),
            cost_usd=None if any(c is None for c in costs) else sum(c for c in costs if c),
            latency_p50_s=percentile(latencies, 0.50),
            latency_p95_s=percentile(latencies, 0.95),
            not_run=count[NOT_RUN],
            waited_s=round(sum(r.waited_s for r in items), 3),
            unanswered_attempts=sum(r.unanswered_attempts for r in items),
            replayed=sum(1 for r in items if r.replayed),
            recorded_cost_usd=_recorded_cost([r for r in items if r.replayed]),
        )
    return summaries


def _recorded_cost(replayed: list[Row]) -> float | None:
    costs = [r.recorded_cost_usd for r in replayed]
    if not costs or any(c is None for c in costs):
        return None
    return sum(c for c in costs if c is not None)


def table(summaries: dict[str, ModelSummary]) -> list[str]:
    header = ("model", "passed", "failed", "errors", "pass rate", "prompt tok", "compl tok",
              "cost USD", "p50 s", "p95 s")
    body = [
        (
            s.model,
            str(s.passed),
            str(s.failed),
            str(s.errors),
            _pct(s.pass_rate),
            str(s.prompt_tokens),
            str(s.completion_tokens),
            "unknown" if s.cost_usd is None else f"{s.cost_usd:.6f}",
            _num(s.latency_p50_s),
            _num(s.latency_p95_s),
        )
        for s in summaries.values()
    ]
    return aligned([header, *body])


def run_notes(rows: list[Row]) -> list[str]:
    """What the table does not say: replayed answers (this run's spend against what they
    cost when recorded), waits, unanswered requests, items that never ran."""
    notes = []
    replayed = [r for r in rows if r.replayed]
    if replayed:
        cost = _recorded_cost(replayed)
        latencies = [r.recorded_latency_s for r in replayed if r.recorded_latency_s is not None]
        notes.append(
            f"{len(replayed)} answers replayed from cassettes: this run spent $0 on them; "
            "when recorded they cost "
            + ("an unknown amount" if cost is None else f"${cost:.6f}")
            + f" (recorded latency p50 {_num(percentile(latencies, 0.5))} s, "
            f"p95 {_num(percentile(latencies, 0.95))} s)"
        )
    waited = sum(r.waited_s for r in rows)
    if waited:
        attempts = sum(r.attempts for r in rows)
        notes.append(f"{attempts} requests sent; {waited:.1f} s spent waiting "
                     "(backoff, Retry-After, requests per minute)")
    unanswered = sum(r.unanswered_attempts for r in rows)
    if unanswered:
        notes.append(f"{unanswered} requests were sent but never answered: what the endpoint "
                     "billed for them is unknown and not in the cost figures")
    not_run = sum(1 for r in rows if r.outcome == NOT_RUN)
    if not_run:
        notes.append(f"{not_run} items not run: the run ended before they finished")
    return notes


def aligned(rows: list[tuple[str, ...]]) -> list[str]:
    """Columns padded to their widest cell: the first left-aligned, the rest right-aligned."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return [
        "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths)))
        for row in rows
    ]


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.1%}"


def _num(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def write_json(path: Path, rows: list[Row], meta: dict[str, Any]) -> None:
    """Write atomically, so a reader never sees half a report."""
    data = {
        **meta,
        "models": {
            m: {k: v for k, v in asdict(s).items() if k != "model"}
            for m, s in summarize(rows).items()
        },
        "results": [asdict(r) for r in rows],
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, path)
