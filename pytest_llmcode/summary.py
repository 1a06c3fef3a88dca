"""Everything the end of a run reports, computed once on the controller from the rows
(pytest-xdist workers send rows in their reports' user_properties): per-model figures,
the judge's own bill, the comparison with a baseline, and the gates."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Mapping

from .baseline import Baseline, Comparison, compare
from .gates import GateContext, GateResult, GateSettings, evaluate
from .report import ModelSummary, Row, aligned, matrix, model_table, summarize


@dataclass(frozen=True)
class JudgeTotals:
    model: str
    calls: int
    errors: int
    prompt_tokens: int
    completion_tokens: int
    cost_usd: float | None


@dataclass(frozen=True)
class RunSummary:
    rows: tuple[Row, ...]
    models: dict[str, ModelSummary]
    judge: JudgeTotals | None
    comparison: Comparison | None
    gates: tuple[GateResult, ...]
    gates_set: bool

    @property
    def gates_failed(self) -> list[GateResult]:
        return [g for g in self.gates if not g.passed]

    @property
    def case_hashes(self) -> dict[str, str]:
        return case_hashes(list(self.rows))


def build(
    rows: list[Row],
    model_order: tuple[str, ...],
    prices: Mapping[str, float | None],
    k: int,
    judge_model: str | None = None,
    judge_price: tuple[float | None, float | None] = (None, None),
    baseline: Baseline | None = None,
    gate_settings: GateSettings = GateSettings(),
) -> RunSummary:
    ordered = sorted(rows, key=lambda r: (_rank(model_order, r.model), r.case, r.sample))
    models = summarize(ordered, prices, k)
    comparison = compare(baseline, ordered, models, case_hashes(ordered)) if baseline else None
    gates = gate_settings.gates()
    results = evaluate(gates, GateContext(models, comparison))
    return RunSummary(
        tuple(ordered), models, judge_totals(ordered, judge_model), comparison,
        tuple(results), bool(gates),
    )


def _rank(order: tuple[str, ...], model: str) -> int:
    return order.index(model) if model in order else len(order)


def case_hashes(rows: list[Row]) -> dict[str, str]:
    return {r.case: r.case_hash for r in sorted(rows, key=lambda r: r.case) if r.case_hash}


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


def json_sections(summary: RunSummary) -> dict[str, Any]:
    sections: dict[str, Any] = {}
    if summary.judge is not None:
        sections["judge"] = asdict(summary.judge)
    if summary.comparison is not None:
        sections["baseline"] = summary.comparison.as_json()
    if summary.gates_set:
        sections["gates"] = [
            {**asdict(g), "line": g.line()} for g in summary.gates
        ]
    return sections


def terminal_lines(summary: RunSummary) -> list[str]:
    lines = aligned(model_table(summary.models))
    lines += ["", *aligned(matrix(list(summary.rows)))]
    lines += [f"llmcode {line}" for line in notes(summary)]
    lines += [g.line() for g in summary.gates]
    if summary.gates_set and not summary.gates_failed:
        lines.append(f"llmcode gates: all {len(summary.gates)} passed; failed answers alone do "
                     "not fail the run while gates are set")
    return lines


def notes(summary: RunSummary) -> list[str]:
    """Consistency, judge, baseline and unscored items, one sentence each."""
    out = []
    for s in summary.models.values():
        if s.repeated_cases:
            cases = ", ".join(s.inconsistent_cases) or "none"
            out.append(f"consistency {s.model}: {len(s.inconsistent_cases)} of "
                       f"{s.repeated_cases} repeated cases disagree across samples: {cases}")
        unscored = s.passed + s.failed - s.scored
        if unscored > 0:
            out.append(f"score {s.model}: {unscored} graded item(s) not scored (a measure is "
                       "missing; see score_note in the JSON report)")
    judge = summary.judge
    if judge is not None:
        cost = "unknown" if judge.cost_usd is None else f"{judge.cost_usd:.6f}"
        out.append(f"judge {judge.model}: {judge.calls} calls, {judge.errors} errors, "
                   f"{judge.prompt_tokens} prompt + {judge.completion_tokens} completion "
                   f"tokens, cost USD {cost} (not included in the models' cost)")
    comparison = summary.comparison
    if comparison is not None:
        for d in comparison.deltas:
            before = "-" if d.before is None else f"{d.before:.3f}"
            after = "-" if d.after is None else f"{d.after:.3f}"
            delta = "" if d.delta is None else f" ({d.delta:+.3f})"
            out.append(f"baseline {d.model}: pass rate {before} -> {after}{delta}")
        for flip in comparison.regressions:
            out.append(f"flip {flip.case}[{flip.model}] sample {flip.sample}: passed in the "
                       "baseline, failed now")
        for flip in comparison.fixes:
            out.append(f"fix {flip.case}[{flip.model}] sample {flip.sample}: failed in the "
                       "baseline, passed now")
        if comparison.changed_cases:
            out.append("baseline: these cases changed since the baseline run: "
                       + ", ".join(comparison.changed_cases))
    return out
