"""The value frontier: what each model's answers are worth against what they cost.

A model is a point: its pass rate (or mean score) against its cost per answered item.
Pareto-optimal models are those no other model beats on both at once: as cheap or cheaper
and as good or better, strictly on one of the two. A model whose cost is unknown (no
price for it) has no place on the cost axis and is kept apart, never put at zero.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Mapping

from ..status import GRADED
from .aggregate import ModelSummary
from .rows import Row


@dataclass(frozen=True)
class Point:
    model: str
    cost_per_item: float | None  # USD per answered item; None when unknown
    pass_rate: float | None
    pass_rate_ci95: tuple[float, float] | None
    score: float | None
    answered: int  # items with an answer (graded, or requests billed)

    def value(self, metric: str) -> float | None:
        return self.pass_rate if metric == "pass_rate" else self.score

    @property
    def priced(self) -> bool:
        return self.cost_per_item is not None


def answer_cost(row: Row) -> float | None:
    """What the item's answer cost: this run's spend, or for a replayed answer what it cost
    when it was recorded (replaying is free, the answer was not)."""
    return row.recorded_cost_usd if row.replayed else row.cost_usd


def points(rows: Iterable[Row], models: Mapping[str, ModelSummary]) -> list[Point]:
    """One point per model that has answers, in the summary's model order."""
    by_model: dict[str, list[Row]] = {}
    for row in rows:
        if row.outcome in GRADED or row.attempts > 0 or row.replayed:
            by_model.setdefault(row.model, []).append(row)
    out = []
    for model, summary in models.items():
        answered = by_model.get(model, [])
        if not answered:
            continue
        costs = [answer_cost(r) for r in answered]
        known = summary.output_price_per_m is not None and all(c is not None for c in costs)
        out.append(Point(
            model=model,
            cost_per_item=sum(c or 0.0 for c in costs) / len(answered) if known else None,
            pass_rate=summary.pass_rate,
            pass_rate_ci95=summary.pass_rate_ci95,
            score=summary.score,
            answered=len(answered),
        ))
    return out


def optimal(candidates: Iterable[Point], metric: str) -> list[Point]:
    """The Pareto-optimal priced points for `metric`, cheapest first."""
    priced = [p for p in candidates
              if p.cost_per_item is not None and p.value(metric) is not None]
    front = [p for p in priced if not any(_dominates(q, p, metric) for q in priced)]
    return sorted(front, key=lambda p: (p.cost_per_item, -(p.value(metric) or 0.0)))


def _dominates(a: Point, b: Point, metric: str) -> bool:
    assert a.cost_per_item is not None and b.cost_per_item is not None
    va, vb = a.value(metric), b.value(metric)
    assert va is not None and vb is not None
    no_worse = a.cost_per_item <= b.cost_per_item and va >= vb
    return no_worse and (a.cost_per_item < b.cost_per_item or va > vb)
