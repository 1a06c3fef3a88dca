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

from .outcome import ERROR, FAILED, PASSED, SKIPPED, Outcome

PREFIX = "llmcode_"


@dataclass(frozen=True)
class Row:
    case: str
    model: str
    sample: int
    outcome: str
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float | None = None
    latency_s: float | None = None
    served_model: str | None = None
    attempts: int = 0
    grading_s: float | None = None
    isolation: str | None = None  # container | process: how strongly the verdict is isolated
    failure: str | None = None

    @classmethod
    def from_outcome(cls, outcome: Outcome) -> Row:
        completion = outcome.completion
        return cls(
            case=outcome.case,
            model=outcome.model,
            sample=outcome.sample,
            outcome=outcome.status,
            prompt_tokens=completion.prompt_tokens if completion else 0,
            completion_tokens=completion.completion_tokens if completion else 0,
            cost_usd=outcome.cost_usd,
            latency_s=round(completion.latency_s, 4) if completion else None,
            served_model=completion.served_model if completion else None,
            attempts=completion.attempts if completion else 0,
            grading_s=round(outcome.grade.duration_s, 4) if outcome.grade else None,
            isolation=(outcome.grade.isolation or None) if outcome.grade else None,
            failure=None if outcome.status == PASSED else outcome.message,
        )

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
        count = {s: sum(1 for r in items if r.outcome == s) for s in (PASSED, FAILED, ERROR, SKIPPED)}
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
        )
    return summaries


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
