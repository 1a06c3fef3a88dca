"""The free check of one case (--llm-check-cases): its suite must be sound (suites.py: the
static check, and the reference passing its own hidden tests) and every known-wrong answer
must fail at least one hidden test. No model is asked; verdicts are reused across runs."""

from __future__ import annotations

from dataclasses import dataclass

from ..cases import EvalCase
from ..status import ERROR, PASSED
from ..verdicts.suites import Suites, broken_message


@dataclass(frozen=True)
class CaseCheck:
    problems: tuple[str, ...] = ()  # empty: the case is sound
    error: str | None = None  # it could not be checked (infrastructure)
    reference_cached: bool = False
    tests: int = 0  # hidden tests the reference passed
    wrong: int = 0  # known-wrong answers that failed, as they must

    @property
    def sound(self) -> bool:
        return not self.problems and self.error is None


def check_case(case: EvalCase, suites: Suites) -> CaseCheck:
    suite = suites.get(case).result()
    if suite.error and not suite.broken:
        return CaseCheck(error=suite.error)
    problems = list(suite.problems)
    failing = 0
    if suite.ids is not None:
        for wrong in case.known_wrong():
            grade = suites.grade(case, wrong.code, suite.ids)
            if grade.verdict == ERROR:
                return CaseCheck(error=f"the known-wrong answer {wrong.origin} could not be "
                                       f"graded: {grade.message}")
            if grade.verdict == PASSED:
                problems.append(f"the known-wrong answer {wrong.origin} passes every hidden "
                                "test: add a test that it fails (or drop it if it is right)")
            else:
                failing += 1
    return CaseCheck(tuple(problems), None, suite.cached, len(suite.ids or ()), failing)


def check_message(case: EvalCase, check: CaseCheck) -> str:
    if check.error is not None:
        return check.error
    if check.problems:
        return broken_message(case, list(check.problems))
    return (f"case {case.name} is sound: its reference passes its {check.tests} hidden tests "
            f"and its {check.wrong} known-wrong answer{'s' * (check.wrong != 1)} fail")
