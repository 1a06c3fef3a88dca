"""Per-model figures from the rows: counts, pass rate and its interval, pass@k, scores,
cost, latency percentiles; and the judge's own bill."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Iterable, Mapping

from ..scoring.stats import disagreeing, mean_pass_at_k, wilson_interval
from ..status import ERROR, FAILED, NOT_RUN, PASSED, SKIPPED
from .rows import Row


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
    # What the answers cost (a replayed one at its recorded cost) per passing answer, and
    # passing answers per dollar of it: what a pass costs, whatever the score.
    cost_per_pass_usd: float | None = None
    passes_per_usd: float | None = None
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
            recorded_cost_usd=recorded_cost([r for r in items if r.replayed]),
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
    cost = answers_cost(items)
    score = mean([r.score for r in items])
    return {
        "latency_p99_s": percentile(latencies, 0.99),
        "pass_rate_ci95": wilson_interval(passed, len(graded)),
        "pass_at_1": mean_pass_at_k(counts, 1),
        "pass_at_k": mean_pass_at_k(counts, k) if k > 1 else None,
        "k": k,
        "score": score,
        "scored": sum(1 for r in items if r.score is not None),
        "correctness": mean([r.correctness for r in items if r.score is not None]),
        "edge_cases": mean([r.edge_cases for r in items if r.score is not None]),
        "code_quality": mean([r.code_quality for r in items if r.score is not None]),
        "documentation": mean([r.documentation for r in items if r.score is not None]),
        "output_price_per_m": price,
        "value": score / price if score is not None and price else None,
        "cost_per_pass_usd": cost / passed if cost is not None and passed else None,
        "passes_per_usd": passed / cost if cost and passed else (0.0 if cost else None),
        "prompt_tokens_per_item": mean([float(r.prompt_tokens) for r in answered]),
        "completion_tokens_per_item": mean([float(r.completion_tokens) for r in answered]),
        "repeated_cases": len(repeated),
        "inconsistent_cases": tuple(disagreeing(repeated)),
    }


def answers_cost(items: list[Row]) -> float | None:
    """What the items' answers cost: this run's spend for answers asked now, the recorded
    cost for replayed ones; None when any is unknown or no answer was paid for."""
    costs = [r.recorded_cost_usd if r.replayed else r.cost_usd
             for r in items if r.replayed or r.attempts > 0]
    if not costs or any(c is None for c in costs):
        return None
    return sum(c for c in costs if c is not None)


def ranked(summaries: Mapping[str, ModelSummary]) -> dict[str, ModelSummary]:
    """By pass rate, best first; models with nothing graded last; ties keep their order."""
    order = sorted(enumerate(summaries.values()),
                   key=lambda p: (p[1].pass_rate is None, -(p[1].pass_rate or 0.0), p[0]))
    return {s.model: s for _, s in order}


def mean(values: Iterable[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return sum(present) / len(present) if present else None


def recorded_cost(replayed: list[Row]) -> float | None:
    costs = [r.recorded_cost_usd for r in replayed]
    if not costs or any(c is None for c in costs):
        return None
    return sum(c for c in costs if c is not None)


@dataclass(frozen=True)
class JudgeTotals:
    model: str
    calls: int
    errors: int
    prompt_tokens: int
    completion_tokens: int
    cost_usd: float | None


def judge_totals(rows: list[Row], judge_model: str | None) -> JudgeTotals | None:
    if judge_model is None:
        return None
    judged = [r for r in rows if r.judged]
    costs = [r.judge_cost_usd for r in judged if r.judge_prompt_tokens or r.judge_completion_tokens]
    return JudgeTotals(
        model=judge_model,
        calls=len(judged),
        errors=sum(1 for r in judged if r.judge_error),
        prompt_tokens=sum(r.judge_prompt_tokens for r in judged),
        completion_tokens=sum(r.judge_completion_tokens for r in judged),
        cost_usd=None if any(c is None for c in costs) else sum(c or 0.0 for c in costs),
    )
