"""What grading one answer decided, and on what evidence: plain data for the layers above."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from ..status import PASSED, Verdict
from .quality_report import Quality

if TYPE_CHECKING:
    from ..cases import EvalCase


@dataclass(frozen=True)
class TestResult:
    id: str
    outcome: str  # passed | failed | error | skipped | xfailed | ...: one hidden test's
    message: str = ""


@dataclass(frozen=True)
class Grade:
    verdict: Verdict
    message: str
    stage: str = ""
    tests: tuple[TestResult, ...] = ()
    output: str = ""
    duration_s: float = 0.0
    missing: tuple[str, ...] = field(default=())
    isolation: str = ""  # where the verdict was obtained, as the host knows it ("container")
    timings: dict[str, float] = field(default_factory=dict)
    quality: Quality | None = None  # the sandbox's static measure of the answer
    # The answer prevented its own grading (Grader.grade): failed, nothing measured.
    forfeited: bool = False
    engine: str = ""  # the engine that graded it (its URL without credentials)

    @property
    def failed_tests(self) -> list[TestResult]:
        return [t for t in self.tests if t.outcome != PASSED]


class Grades(Protocol):
    """What grades answers: one engine's Grader, or the Engines that spread gradings."""

    def grade(self, case: EvalCase, code: str, expected_ids: frozenset[str] | None) -> Grade:
        ...
