"""CI gates: thresholds on the per-model figures that decide the run's exit status.

Each gate checks a GateContext and returns one GateResult per model it judges. A new gate
(a cost ceiling, say) is one more entry in the list `GateSettings.gates()` returns:

    ThresholdGate("max-cost", thresholds, lambda s: s.cost_usd, at_most=True, digits=4)

When any gate is set, the gates decide the exit status of the models' answers: a failed
answer alone no longer fails the run, a failed gate does. Errors and failures of other
tests keep their usual effect.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Mapping, Protocol

import pytest

from .aggregate import ModelSummary
from .baseline import Comparison


@dataclass(frozen=True)
class Thresholds:
    """`0.8` for every model, `MODEL=0.8` for one; both may be given, comma-separated."""

    default: float | None = None
    per_model: Mapping[str, float] = field(default_factory=dict)

    def for_model(self, model: str) -> float | None:
        return self.per_model.get(model, self.default)

    def models(self, measured: Mapping[str, object]) -> list[str]:
        """The models to judge: every measured one when there is a default, and every one
        named, measured or not (a named model with no result fails its gate)."""
        names = list(measured) if self.default is not None else []
        return names + [m for m in self.per_model if m not in names]


@dataclass(frozen=True)
class GateResult:
    gate: str
    model: str
    measured: float | None
    required: float
    passed: bool
    at_most: bool = False
    digits: int = 3
    detail: str = ""

    def line(self) -> str:
        measured = "nothing" if self.measured is None else f"{self.measured:.{self.digits}f}"
        relation = "<=" if self.at_most else ">="
        detail = f" ({self.detail})" if self.detail else ""
        verdict = "passed" if self.passed else "failed"
        return (f"llmcode gate {verdict}: {self.gate} {self.model}: measured {measured}{detail}, "
                f"required {relation} {self.required:.{self.digits}f}")


@dataclass(frozen=True)
class GateContext:
    summaries: Mapping[str, ModelSummary]
    comparison: Comparison | None = None


class Gate(Protocol):
    @property
    def name(self) -> str: ...

    def check(self, context: GateContext) -> list[GateResult]: ...


@dataclass(frozen=True)
class ThresholdGate:
    name: str
    thresholds: Thresholds
    metric: Callable[[ModelSummary], float | None]
    at_most: bool = False
    digits: int = 3

    def check(self, context: GateContext) -> list[GateResult]:
        results = []
        for model in self.thresholds.models(context.summaries):
            required = self.thresholds.for_model(model)
            assert required is not None
            summary = context.summaries.get(model)
            measured = self.metric(summary) if summary is not None else None
            if measured is None:
                passed = False
            else:
                passed = measured <= required if self.at_most else measured >= required
            results.append(
                GateResult(self.name, model, measured, required, passed, self.at_most, self.digits)
            )
        return results


@dataclass(frozen=True)
class RegressionGate:
    """A model's pass rate on the cases compared with the baseline (same content hash,
    graded in both runs) may drop by at most `max_drop`."""

    max_drop: float
    name: str = "max-regression"

    def check(self, context: GateContext) -> list[GateResult]:
        comparison = context.comparison
        if comparison is None:
            return []
        results = []
        for delta in comparison.deltas:
            if delta.before is None:
                continue
            drop = None if delta.after is None else delta.before - delta.after
            detail = (f"pass rate {delta.before:.3f} -> "
                      + ("nothing graded" if delta.after is None else f"{delta.after:.3f}")
                      + f" on {delta.compared_items} item(s) of {comparison.scope()}")
            passed = drop is not None and drop <= self.max_drop + 1e-12
            results.append(GateResult(self.name, delta.model, drop, self.max_drop, passed,
                                      at_most=True, detail=detail))
        return results


@dataclass(frozen=True)
class GateSettings:
    min_pass_rate: Thresholds | None
    min_score: Thresholds | None
    baseline: Path | None
    max_regression: float  # used with a baseline

    def gates(self) -> list[Gate]:
        gates: list[Gate] = []
        if self.min_pass_rate is not None:
            gates.append(ThresholdGate("min-pass-rate", self.min_pass_rate, lambda s: s.pass_rate))
        if self.min_score is not None:
            gates.append(ThresholdGate("min-score", self.min_score, lambda s: s.score, digits=2))
        if self.baseline is not None:
            gates.append(RegressionGate(self.max_regression))
        return gates


def evaluate(gates: list[Gate], context: GateContext) -> list[GateResult]:
    results = [result for gate in gates for result in gate.check(context)]
    if gates and not context.summaries:
        results.append(GateResult("results", "all models", None, 1, False, digits=0,
                                   detail="no eval case item ran"))
    return results


def exit_status(
    current: int, results: list[GateResult], gates_set: bool, only_answers_failed: bool
) -> int:
    """The run's exit status once the gates have spoken (see the module doc)."""
    if not gates_set or current not in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED,
                                         pytest.ExitCode.NO_TESTS_COLLECTED):
        return current
    if any(not r.passed for r in results):
        return pytest.ExitCode.TESTS_FAILED
    if current == pytest.ExitCode.TESTS_FAILED and only_answers_failed:
        return pytest.ExitCode.OK
    return current
