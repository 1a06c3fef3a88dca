"""Everything the end of a run reports, computed once on the controller from the rows
(pytest-xdist workers send rows in their reports' user_properties): per-model figures,
the judge's own bill, the comparison with a baseline, the gates and the run's notes. The
terminal, Markdown and JSON reports all render this one object."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Mapping

from ..status import NOT_RUN
from .aggregate import (
    JudgeTotals,
    ModelSummary,
    judge_totals,
    percentile,
    ranked,
    recorded_cost,
    summarize,
)
from .baseline import Baseline, Comparison, compare
from .gates import GateContext, GateResult, GateSettings, evaluate
from .rows import Row
from .tables import num


@dataclass(frozen=True)
class RunSummary:
    rows: tuple[Row, ...]
    models: dict[str, ModelSummary]
    judge: JudgeTotals | None
    comparison: Comparison | None
    gates: tuple[GateResult, ...]
    gates_set: bool
    notes: tuple[str, ...] = ()  # consistency, unscored items, judge, baseline
    run_notes: tuple[str, ...] = ()  # replays, waits, unanswered requests, items not run
    interrupted: bool = False
    budget_failure: str | None = None  # --llm-max-cost stopped the run's requests

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
    baseline: Baseline | None = None,
    gate_settings: GateSettings | None = None,
    interrupted: bool = False,
    budget_failure: str | None = None,
    recorded_comparison: Comparison | None = None,
) -> RunSummary:
    """`recorded_comparison`: a report's own comparison with its baseline, taken as it is
    when no baseline is given (rebuilding a report)."""
    ordered = sorted(rows, key=lambda r: (_rank(model_order, r.model), r.case, r.sample))
    models = ranked(summarize(ordered, prices, k))
    comparison = (compare(baseline, ordered, models, case_hashes(ordered)) if baseline
                  else recorded_comparison)
    gates = gate_settings.gates() if gate_settings else []
    results = evaluate(gates, GateContext(models, comparison))
    judge = judge_totals(ordered, judge_model)
    return RunSummary(
        tuple(ordered), models, judge, comparison, tuple(results), bool(gates),
        notes=tuple(_notes(models, judge, comparison)), run_notes=tuple(run_notes(ordered)),
        interrupted=interrupted, budget_failure=budget_failure,
    )


def _rank(order: tuple[str, ...], model: str) -> int:
    return order.index(model) if model in order else len(order)


def case_hashes(rows: list[Row]) -> dict[str, str]:
    return {r.case: r.case_hash for r in sorted(rows, key=lambda r: r.case) if r.case_hash}


def _notes(models: Mapping[str, ModelSummary], judge: JudgeTotals | None,
           comparison: Comparison | None) -> list[str]:
    """Consistency, judge, baseline and unscored items, one sentence each."""
    out = []
    for s in models.values():
        if s.repeated_cases:
            cases = ", ".join(s.inconsistent_cases) or "none"
            out.append(f"consistency {s.model}: {len(s.inconsistent_cases)} of "
                       f"{s.repeated_cases} repeated cases disagree across samples: {cases}")
        unscored = s.passed + s.failed - s.scored
        if unscored > 0:
            out.append(f"score {s.model}: {unscored} graded item(s) not scored (a measure is "
                       "missing; see score_note in the JSON report)")
    if judge is not None:
        cost = "unknown" if judge.cost_usd is None else f"{judge.cost_usd:.6f}"
        out.append(f"judge {judge.model}: {judge.calls} calls, {judge.errors} errors, "
                   f"{judge.prompt_tokens} prompt + {judge.completion_tokens} completion "
                   f"tokens, cost USD {cost} (not included in the models' cost)")
    if comparison is not None:
        out.append(f"baseline {comparison.baseline}: {comparison.scope()}")
        for d in comparison.deltas:
            before = "-" if d.before is None else f"{d.before:.3f}"
            after = "-" if d.after is None else f"{d.after:.3f}"
            delta = "" if d.delta is None else f" ({d.delta:+.3f})"
            out.append(f"baseline {d.model}: pass rate {before} -> {after}{delta} on "
                       f"{d.compared_items} item(s) in {d.compared_cases} case(s)")
        for flip in comparison.regressions:
            out.append(f"flip {flip.case}[{flip.model}] sample {flip.sample}: passed in the "
                       "baseline, failed now")
        for flip in comparison.fixes:
            out.append(f"fix {flip.case}[{flip.model}] sample {flip.sample}: failed in the "
                       "baseline, passed now")
        for listed, what in ((comparison.added_cases, "added since the baseline"),
                             (comparison.removed_cases, "in the baseline, not run now"),
                             (comparison.changed_cases, "changed since the baseline")):
            if listed:
                out.append(f"baseline: {what} (not compared): {', '.join(listed)}")
    return out


def run_notes(rows: list[Row]) -> list[str]:
    """What the table does not say: replayed answers (this run's spend against what they
    cost when recorded), waits, unanswered requests, items that never ran."""
    notes = []
    replayed = [r for r in rows if r.replayed]
    if replayed:
        cost = recorded_cost(replayed)
        latencies = [r.recorded_latency_s for r in replayed if r.recorded_latency_s is not None]
        notes.append(
            f"{len(replayed)} answers replayed from cassettes: this run spent $0 on them; "
            "when recorded they cost "
            + ("an unknown amount" if cost is None else f"${cost:.6f}")
            + f" (recorded latency p50 {num(percentile(latencies, 0.5))} s, "
            f"p95 {num(percentile(latencies, 0.95))} s)"
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
    engines = Counter(r.engine for r in rows if r.engine)
    if len(engines) > 1:
        notes.append(f"graded on {len(engines)} Docker engines: "
                     + ", ".join(f"{e} ({n} items)" for e, n in sorted(engines.items())))
    not_run = sum(1 for r in rows if r.outcome == NOT_RUN)
    if not_run:
        notes.append(f"{not_run} items not run: the run ended before they finished")
    return notes
