"""Per-item scores, 0 to 10, from the published comparison's four weighted criteria.

correctness (40%)    share of the hidden tests tagged core that pass
edge_cases (20%)     share of the hidden tests tagged edge that pass
code_quality (25%)   the sandbox's static measure (or the judge's, with --llm-judge-model)
documentation (15%)  doc comments on the public definitions (or the judge's)

A case's manifest may override weights; they are used relative to their sum. A criterion
that does not apply (a suite with no edge tests) drops out and the others share its weight.
A criterion that applies but could not be measured leaves the item without a score: a
score is measured, never guessed. The pass/fail outcome stays "every hidden test passes".
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Mapping

from ..cases import EvalCase
from ..grading.grade import Grade
from ..status import GRADED, PASSED, Status
from .judge import Judge, Judgement

CRITERIA = ("correctness", "edge_cases", "code_quality", "documentation")
DEFAULT_WEIGHTS: Mapping[str, float] = {
    "correctness": 0.40,
    "edge_cases": 0.20,
    "code_quality": 0.25,
    "documentation": 0.15,
}
EDGE_PREFIXES = ("test_edge", "testedge", "edge:")


def is_edge(test_id: str) -> bool:
    """A hidden test is an edge case when its own name (after the last `::`) starts with
    test_edge / TestEdge (Python, Go) or `edge:` (node:test), in any case."""
    return test_id.split("::")[-1].strip().lower().startswith(EDGE_PREFIXES)


def weights_for(overrides: Mapping[str, float]) -> dict[str, float]:
    return {name: float(overrides.get(name, DEFAULT_WEIGHTS[name])) for name in CRITERIA}


@dataclass(frozen=True)
class ItemScore:
    score: float | None  # 0..10; None when a criterion that applies was not measured
    correctness: float | None  # each criterion 0..10; None: not applicable or not measured
    edge_cases: float | None
    code_quality: float | None
    documentation: float | None
    core_passed: int = 0
    core_total: int = 0
    edge_passed: int = 0
    edge_total: int = 0
    quality_source: str = "static"  # static | judge | none
    note: str = ""  # why there is no score


def test_shares(grade: Grade, suite_ids: frozenset[str] | None) -> tuple[int, int, int, int]:
    """(core passed, core total, edge passed, edge total) over the hidden suite. A test the
    answer never reported counts as not passed."""
    suite = suite_ids if suite_ids is not None else frozenset(t.id for t in grade.tests)
    passed = {t.id for t in grade.tests if t.outcome == PASSED}
    core = [i for i in suite if not is_edge(i)]
    edge = [i for i in suite if is_edge(i)]
    return (sum(i in passed for i in core), len(core), sum(i in passed for i in edge), len(edge))


def combine(criteria: Mapping[str, float | None], weights: Mapping[str, float]) -> float | None:
    """The weighted mean of the criteria that apply; None when weights leave nothing."""
    used = {name: w for name, w in weights.items() if criteria.get(name) is not None and w > 0}
    total = sum(used.values())
    if total <= 0:
        return None
    return sum(w * float(criteria[name] or 0.0) for name, w in used.items()) / total


def score_item(
    grade: Grade,
    suite_ids: frozenset[str] | None,
    weights: Mapping[str, float],
    quality: tuple[float | None, float | None] | None = None,
    quality_source: str = "static",
) -> ItemScore:
    """Score a graded answer. `quality` is (code quality, documentation) on 0..10 from the
    judge; without it the grade's static measure is used."""
    core_passed, core_total, edge_passed, edge_total = test_shares(grade, suite_ids)
    if quality is None:
        measure = grade.quality
        quality = (measure.quality, measure.documentation) if measure else (None, None)
    criteria = {
        "correctness": 10.0 * core_passed / core_total if core_total else None,
        "edge_cases": 10.0 * edge_passed / edge_total if edge_total else None,
        "code_quality": quality[0],
        "documentation": quality[1],
    }
    missing = [
        name for name in ("code_quality", "documentation")
        if criteria[name] is None and weights.get(name, 0) > 0
    ]
    note = ""
    if missing:
        why = grade.quality.error if grade.quality and grade.quality.error else "no measure"
        note = f"not scored: {' and '.join(missing)} not measured ({why})"
    score = None if missing else combine(criteria, weights)
    return ItemScore(
        score=_round(score),
        correctness=_round(criteria["correctness"]),
        edge_cases=_round(criteria["edge_cases"]),
        code_quality=_round(criteria["code_quality"]),
        documentation=_round(criteria["documentation"]),
        core_passed=core_passed,
        core_total=core_total,
        edge_passed=edge_passed,
        edge_total=edge_total,
        quality_source=quality_source if not missing else "none",
        note=note,
    )


def zero_score(note: str) -> ItemScore:
    """An answer with no code to grade: every criterion is 0, the model's own doing."""
    return ItemScore(0.0, 0.0, 0.0, 0.0, 0.0, quality_source="none", note=note)


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


class Scorer:
    """Scores a finished item: its ItemScore and, with a judge, the judge's Judgement."""

    def __init__(self, judge: Judge | None = None) -> None:
        self.judge = judge

    def wants_judge(self, grade: Grade | None, code: str | None) -> bool:
        return self.judge is not None and grade is not None and bool(code)

    def score(
        self, status: Status, grade: Grade | None, code: str | None, case: EvalCase,
        suite_ids: frozenset[str] | None, use_judge: bool = False,
    ) -> tuple[ItemScore | None, Judgement | None]:
        """Only graded items (passed or failed) have a score; one with no code, or whose
        answer prevented its own grading, scores 0."""
        if status not in GRADED:
            return None, None
        if grade is None:
            return zero_score("no code to grade"), None
        if grade.forfeited:
            return zero_score("the answer prevented its own grading"), None
        weights = weights_for(case.weights)
        judgement = None
        if use_judge and self.judge is not None and code:
            judgement = self.judge.judge(case.prompt, case.language, code)
        if judgement is not None and judgement.error is None:
            score = score_item(grade, suite_ids, weights,
                               (judgement.code_quality, judgement.documentation), "judge")
        else:
            score = score_item(grade, suite_ids, weights)
            if judgement is not None:
                score = replace(score, note=_join(score.note, f"{judgement.error}; static "
                                                  "measures used"))
        return score, judgement


def _join(*parts: str) -> str:
    return "; ".join(p for p in parts if p)
