"""Every bundled case validates itself in the real sandbox: the reference answer passes every
hidden test and each known-wrong answer fails at least one."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.chat_server import bundled_cases

from pytest_llmcode.cases import EvalCase
from pytest_llmcode.grading.grade import Grade
from pytest_llmcode.grading.grader import Grader

CASES = bundled_cases()


def test_the_five_seed_cases_are_bundled() -> None:
    assert {c.name for c in CASES} >= {"flatten", "race_fix", "dijkstra", "go_review", "users_api"}
    assert {c.language for c in CASES} == {"python", "javascript", "typescript", "go"}


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_case_is_well_formed(case: EvalCase) -> None:
    assert len(case.wrong_answers()) >= 2
    assert all(p.suffix == Path(case.solution_file).suffix for p in case.wrong_answers())
    for test_file in case.test_files():
        # The hidden tests never leak into the prompt.
        assert test_file.read_text()[:200] not in case.prompt


@pytest.fixture(scope="module")
def reference_grades(grader: Grader) -> dict[str, Grade]:
    """Graded once per case, lazily: the reference run defines the suite's test ids."""

    class Grades(dict[str, Grade]):
        def __missing__(self, name: str) -> Grade:
            case = next(c for c in CASES if c.name == name)
            self[name] = grader.grade(case, case.reference_file.read_text(), None)
            return self[name]

    return Grades()


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_reference_passes_every_hidden_test(reference_grades: dict[str, Grade], case: EvalCase) -> None:
    grade = reference_grades[case.name]
    assert grade.verdict == "passed", grade.message + "\n" + grade.output
    assert len(grade.tests) >= 8
    assert any(_is_edge(t.id) for t in grade.tests), "the suite has no edge tests"


WRONG = [(c, p) for c in CASES for p in c.wrong_answers()]


@pytest.mark.parametrize("case, answer", WRONG, ids=[f"{c.name}-{p.stem}" for c, p in WRONG])
def test_wrong_answer_fails(
    grader: Grader, reference_grades: dict[str, Grade], case: EvalCase, answer: Path
) -> None:
    expected = frozenset(t.id for t in reference_grades[case.name].tests)
    grade = grader.grade(case, answer.read_text(), expected)
    assert grade.verdict == "failed", grade.message


def _is_edge(test_id: str) -> bool:
    name = test_id.split("::")[-1].lower()
    return name.startswith(("test_edge", "testedge", "edge:"))
