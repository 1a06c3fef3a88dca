"""A case's hidden suite as its reference answer sees it: the exact test ids every answer
must pass, or why the case is broken (its static check, then its reference's own error,
trimmed of the runners' frames). Validated once per case and run; a reference verdict is
reused across runs while the case and the sandbox image stay the same."""

from __future__ import annotations

import threading
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Callable

from ..cases import EvalCase, shown
from ..cases.static_check import static_problems
from ..grading.grade import Grade
from ..grading.grader import Grader
from ..status import ERROR, PASSED
from .cache import VerdictCache
from .runner_frames import without_runner_frames

BROKEN = "broken case"  # how the message of a broken case starts
ANSWER_OUTPUT = "--- the answer's own output"
DETAIL_LIMIT = 2500


@dataclass(frozen=True)
class Suite:
    ids: frozenset[str] | None  # None: the case cannot be graded
    reference_grade: Grade | None
    error: str | None = None  # why not: infrastructure, or a broken case
    problems: tuple[str, ...] = ()  # what is wrong with the case itself
    cached: bool = False  # the reference's verdict came from an earlier run

    @property
    def broken(self) -> bool:
        return bool(self.problems)


class Suites:
    """Validates each case once, in the background (`submit` runs a grading); with no
    grader, every suite carries the reason."""

    def __init__(self, grader: Grader | None, unavailable: str | None,
                 submit: Callable[[Callable[[], None]], object],
                 cache: VerdictCache | None = None, image_id: str | None = None) -> None:
        self._grader = grader
        self._unavailable = unavailable
        self._submit = submit
        self.cache = cache or VerdictCache(None)
        self._image_id = image_id
        self._suites: dict[str, Future[Suite]] = {}
        self._lock = threading.Lock()
        self.graded = 0  # references graded by this process (not taken from the cache)

    def get(self, case: EvalCase) -> Future[Suite]:
        with self._lock:
            suite = self._suites.get(case.name)
            if suite is not None:
                return suite
            suite = self._suites[case.name] = Future()
        if self._grader is None:
            suite.set_result(Suite(None, None, str(self._unavailable)))
        else:
            try:
                self._submit(lambda: self._validate(case, suite))
            except RuntimeError:  # the grading pool has shut down: the run is over
                suite.set_result(Suite(None, None, "the run ended before the case's reference "
                                                   "answer was graded"))
        return suite

    def peek(self, case: EvalCase) -> Suite | None:
        """The suite if it is known already."""
        with self._lock:
            suite = self._suites.get(case.name)
        return suite.result() if suite is not None and suite.done() else None

    def grade(self, case: EvalCase, code: str, expected: frozenset[str] | None) -> Grade:
        """Grade, or reuse the verdict of an identical grading (with a known image)."""
        return self.grade_or_reuse(case, code, expected)[0]

    def grade_or_reuse(self, case: EvalCase, code: str, expected: frozenset[str] | None
                       ) -> tuple[Grade, bool]:
        """The grade, and whether it was reused from an earlier run."""
        assert self._grader is not None
        cacheable = self._image_id is not None
        if cacheable:
            cached = self.cache.get(case, code, expected, str(self._image_id))
            if cached is not None:
                return cached, True
        try:
            grade = self._grader.grade(case, code, expected)
        except Exception as exc:  # noqa: BLE001 - a bug must not hang the item
            return Grade(ERROR, f"grading crashed: {exc!r}"), False
        if cacheable:
            self.cache.put(case, code, expected, str(self._image_id), grade)
        return grade, False

    def _validate(self, case: EvalCase, suite: Future[Suite]) -> None:
        try:
            problems = static_problems(case)
            reference = case.reference
            grade, cached = self.grade_or_reuse(case, reference.code, None)
        except Exception as exc:  # noqa: BLE001 - an unreadable case must not hang items
            problem = f"it cannot be read: {exc}"
            suite.set_result(Suite(None, None, broken_message(case, [problem]), (problem,)))
            return
        if not cached:
            with self._lock:
                self.graded += 1
        if grade.verdict == ERROR:
            if not problems:  # infrastructure: the case may well be sound
                suite.set_result(Suite(None, grade, grade.message))
                return
            problems.append(f"its reference answer could not be graded: {grade.message}")
        elif grade.verdict != PASSED:
            problems.append(f"its reference answer ({reference.origin}) fails its own hidden "
                            f"tests: {reference_failure(grade)}")
        if problems:
            suite.set_result(Suite(None, grade, broken_message(case, problems), tuple(problems),
                                   cached))
        else:
            suite.set_result(Suite(frozenset(t.id for t in grade.tests), grade, cached=cached))


def broken_message(case: EvalCase, problems: list[str]) -> str:
    items = "\n".join("- " + problem.replace("\n", "\n  ") for problem in problems)
    return f"{BROKEN} {case.name} ({shown(case.source)}):\n{items}"


def reference_failure(grade: Grade) -> str:
    """What went wrong, as the author needs it: the compiler's words, or the first failing
    test's trace, with the answer's own output where it has any."""
    output = grade.output
    if grade.stage != "test" or not grade.failed_tests:
        return f"{grade.message}\n{_clip(without_runner_frames(output))}"
    first = grade.failed_tests[0]
    lines = [f"{len(grade.failed_tests)} of {len(grade.tests)} hidden tests did not pass; "
             f"the first, {first.id} ({first.outcome}):",
             _clip(without_runner_frames(first.message))]
    if ANSWER_OUTPUT in output:
        answer_output = without_runner_frames(output.split(ANSWER_OUTPUT, 1)[1]).strip()
        if answer_output:
            lines += ["the answer's own output:", _clip(answer_output)]
    return "\n".join(lines)


def _clip(text: str) -> str:
    text = text.strip("\n")
    if len(text) <= DETAIL_LIMIT:
        return text
    half = DETAIL_LIMIT // 2
    return f"{text[:half]}\n...\n{text[-half:]}"
