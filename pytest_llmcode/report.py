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
from typing import Any, Iterable, Mapping

from .outcome import ERROR, FAILED, NOT_RUN, PASSED, SKIPPED, Outcome
from .stats import disagreeing, mean_pass_at_k, wilson_interval

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
    isolation: str | None = None  # container | process: how strongly the verdict is isolated
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

    @classmethod
    def from_outcome(cls, outcome: Outcome, case_hash: str | None = None) -> Row:
        completion = outcome.completion
        score = outcome.score
        judgement = outcome.judgement
        quality = outcome.grade.quality if outcome.grade else None
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
            isolation=(outcome.grade.isolation or None) if outcome.grade else None,
            failure=None if outcome.status == PASSED else outcome.message,
            score=score.score if score else None,
            correctness=score.correctness if score else None,
            edge_cases=score.edge_cases if score else None,
            code_quality=score.code_quality if score else None,
            documentation=score.documentation if score else None,
            core_passed=score.core_passed if score else 0,
            core_total=score.core_total if score else 0,
            edge_passed=score.edge_passed if score else 0,
            edge_total=score.edge_total if score else 0,
            quality_source=score.quality_source if score else None,
            quality_findings=quality.finding_count if quality and quality.measured else None,
            quality_notes=quality.summary() if quality else None,
            score_note=(score.note or None) if score else None,
            judge_prompt_tokens=judgement.prompt_tokens if judgement else 0,
            judge_completion_tokens=judgement.completion_tokens if judgement else 0,
            judge_cost_usd=judgement.cost_usd if judgement else None,
            judge_error=judgement.error if judgement else None,
            seed=outcome.seed,
            case_hash=case_hash,
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
    latency_p99_s: float | None = None
    pass_rate_ci95: tuple[float, float] | None = None  # Wilson interval
    pass_at_1: float | None = None
    pass_at_k: float | None = None
    k: int = 1
    score: float | None = None  # mean item score, 0..10
    scored: int = 0  # items with a score
    correctness: float | None = None  # mean of each criterion, 0..10
    edge_cases: float | None = None
    code_quality: float | None = None
    documentation: float | None = None
    output_price_per_m: float | None = None
    value: float | None = None  # score / output price per million tokens
    cost_per_pass_usd: float | None = None
    prompt_tokens_per_item: float | None = None
    completion_tokens_per_item: float | None = None
    repeated_cases: int = 0  # cases with two or more graded samples
    inconsistent_cases: tuple[str, ...] = ()  # of those, the ones whose samples disagree
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


def summarize(
    rows: list[Row], prices: Mapping[str, float | None] | None = None, k: int | None = None
) -> dict[str, ModelSummary]:
    """Per-model figures. prices: output USD per million tokens by model (for value); k:
    the k of pass@k (default: the most samples drawn for any item)."""
    by_model: dict[str, list[Row]] = {}
    for row in rows:
        by_model.setdefault(row.model, []).append(row)
    k = k or max((r.sample for r in rows), default=1)
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
            **_extended(items, count[PASSED], (prices or {}).get(model), k),
            not_run=count[NOT_RUN],
            waited_s=round(sum(r.waited_s for r in items), 3),
            unanswered_attempts=sum(r.unanswered_attempts for r in items),
            replayed=sum(1 for r in items if r.replayed),
            recorded_cost_usd=_recorded_cost([r for r in items if r.replayed]),
        )
    return summaries


def _extended(
    items: list[Row], passed: int, price: float | None, k: int
) -> dict[str, Any]:
    graded = [r for r in items if r.outcome in (PASSED, FAILED)]
    per_case: dict[str, list[bool]] = {}
    for row in graded:
        per_case.setdefault(row.case, []).append(row.outcome == PASSED)
    counts = {case: (len(v), sum(v)) for case, v in per_case.items()}
    repeated = {case: v for case, v in per_case.items() if len(v) > 1}
    answered = [r for r in items if r.attempts > 0]
    latencies = [r.latency_s for r in answered if r.latency_s is not None]
    costs = [r.cost_usd for r in answered]
    cost = None if not costs or any(c is None for c in costs) else sum(c or 0.0 for c in costs)
    score = _mean([r.score for r in items])
    return {
        "latency_p99_s": percentile(latencies, 0.99),
        "pass_rate_ci95": wilson_interval(passed, len(graded)),
        "pass_at_1": mean_pass_at_k(counts, 1),
        "pass_at_k": mean_pass_at_k(counts, k) if k > 1 else None,
        "k": k,
        "score": score,
        "scored": sum(1 for r in items if r.score is not None),
        "correctness": _mean([r.correctness for r in items if r.score is not None]),
        "edge_cases": _mean([r.edge_cases for r in items if r.score is not None]),
        "code_quality": _mean([r.code_quality for r in items if r.score is not None]),
        "documentation": _mean([r.documentation for r in items if r.score is not None]),
        "output_price_per_m": price,
        "value": score / price if score is not None and price else None,
        "cost_per_pass_usd": cost / passed if cost is not None and passed else None,
        "prompt_tokens_per_item": _mean([float(r.prompt_tokens) for r in answered]),
        "completion_tokens_per_item": _mean([float(r.completion_tokens) for r in answered]),
        "repeated_cases": len(repeated),
        "inconsistent_cases": tuple(disagreeing(repeated)),
    }


def _mean(values: Iterable[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return sum(present) / len(present) if present else None


def _recorded_cost(replayed: list[Row]) -> float | None:
    costs = [r.recorded_cost_usd for r in replayed]
    if not costs or any(c is None for c in costs):
        return None
    return sum(c for c in costs if c is not None)


def model_table(summaries: Mapping[str, ModelSummary]) -> list[tuple[str, ...]]:
    """The per-model table, header first: the published comparison's columns (score, price,
    value) next to the measured ones. Shared by the terminal and the Markdown report."""
    k = max((s.k for s in summaries.values()), default=1)
    header = ("model", "passed", "failed", "errors", "pass rate", "95% CI",
              *(("pass@1", f"pass@{k}") if k > 1 else ()),
              "score", "$/M out", "value", "out tok/item", "cost USD", "$/pass",
              "p50 s", "p95 s", "p99 s")
    body = [
        (
            s.model,
            str(s.passed),
            str(s.failed),
            str(s.errors),
            _pct(s.pass_rate),
            _interval(s.pass_rate_ci95),
            *((_pct(s.pass_at_1), _pct(s.pass_at_k)) if k > 1 else ()),
            _num(s.score, 1),
            _num(s.output_price_per_m),
            _num(s.value, 1),
            _num(s.completion_tokens_per_item, 0),
            "unknown" if s.cost_usd is None else f"{s.cost_usd:.6f}",
            _num(s.cost_per_pass_usd, 6),
            _num(s.latency_p50_s),
            _num(s.latency_p95_s),
            _num(s.latency_p99_s),
        )
        for s in summaries.values()
    ]
    return [header, *body]


def matrix(rows: list[Row]) -> list[tuple[str, ...]]:
    """Case x model outcomes, header first. A cell is the outcome (or passed/graded over
    samples) and the mean score."""
    models = list(dict.fromkeys(r.model for r in rows))
    cases = sorted({r.case for r in rows})
    cells: dict[tuple[str, str], list[Row]] = {}
    for row in rows:
        cells.setdefault((row.case, row.model), []).append(row)
    body = [(case, *(_cell(cells.get((case, m), [])) for m in models)) for case in cases]
    return [("case", *models), *body]


def _cell(rows: list[Row]) -> str:
    if not rows:
        return "-"
    graded = [r for r in rows if r.outcome in (PASSED, FAILED)]
    passed = sum(r.outcome == PASSED for r in graded)
    errors = sum(r.outcome == ERROR for r in rows)
    if len(rows) == 1:
        text = {PASSED: "pass", FAILED: "FAIL", ERROR: "error", SKIPPED: "skip",
                NOT_RUN: "not run"}[rows[0].outcome]
    else:
        text = f"{passed}/{len(graded)}" if graded else "-"
        if errors:
            text += f" +{errors} err"
    score = _mean([r.score for r in rows])
    return text if score is None else f"{text} {score:.1f}"


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


def _num(value: float | None, digits: int = 2) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def _interval(value: tuple[float, float] | None) -> str:
    return "-" if value is None else f"{value[0]:.0%}-{value[1]:.0%}"


def write_json(
    path: Path,
    rows: list[Row],
    meta: dict[str, Any],
    summaries: Mapping[str, ModelSummary] | None = None,
    sections: Mapping[str, Any] | None = None,
) -> None:
    """Write atomically, so a reader never sees half a report."""
    summaries = summaries if summaries is not None else summarize(rows)
    data = {
        **meta,
        "models": {
            m: {k: v for k, v in asdict(s).items() if k != "model"}
            for m, s in summaries.items()
        },
        **(sections or {}),
        "results": [asdict(r) for r in sorted(rows, key=_row_key)],
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def _row_key(row: Row) -> tuple[str, str, int]:
    return (row.case, row.model, row.sample)
