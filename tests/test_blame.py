"""Who is blamed when a grading ends without a verdict: a fault of shared infrastructure is
nobody's, so the answer is graded once more; twice without a verdict, the case's reference
answer is graded on the same engine, and only if it does not pass either is the outcome an
infrastructure error. Otherwise the answer prevented its own grading: failed, score 0."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import docker
import pytest
from support.chat_server import bundled_cases
from support.grading import open_grader

from pytest_llmcode.cases import EvalCase
from pytest_llmcode.grading.containers import Sandbox
from pytest_llmcode.grading.grade import Grade
from pytest_llmcode.grading.grader import Grader, Unsettled, verdict
from pytest_llmcode.scoring.score import Scorer

CASES = {case.name: case for case in bundled_cases()}
FLATTEN = CASES["flatten"]
REFERENCE = FLATTEN.reference_file.read_text()


class Scripted(Grader):
    """A grader whose single gradings follow a script, per piece of code: the decision
    logic on its own, no engine."""

    def __init__(self, scratch: Path, script: dict[str, list[Grade | Unsettled]]) -> None:
        super().__init__(Sandbox("no-such-image"), scratch)
        self.script = script
        self.graded: list[str] = []

    def _grade_once(self, case: EvalCase, code: str, expected_ids: frozenset[str] | None
                    ) -> Grade | Unsettled:
        self.graded.append("reference" if code == REFERENCE else code)
        return self.script["reference" if code == REFERENCE else code].pop(0)


LOST = Unsettled("the tester stopped without a report (exit code 137)")


def test_a_verdict_on_the_second_try_is_the_verdict(tmp_path: Path) -> None:
    grader = Scripted(tmp_path, {"answer": [LOST, Grade("passed", "all 15 hidden tests passed")]})
    grade = grader.grade(FLATTEN, "answer", None)
    assert grade.verdict == "passed" and not grade.forfeited
    assert grader.graded == ["answer", "answer"]


def test_twice_without_a_verdict_while_the_reference_passes_blames_the_answer(tmp_path: Path) -> None:
    grader = Scripted(tmp_path, {"answer": [LOST, LOST],
                                 "reference": [Grade("passed", "all 15 hidden tests passed")]})
    grade = grader.grade(FLATTEN, "answer", None)
    assert grade.verdict == "failed" and grade.forfeited
    assert "exit code 137" in grade.message and "reference answer" in grade.message
    assert grader.graded == ["answer", "answer", "reference"]
    score, _ = Scorer().score(grade.verdict, grade, "answer", FLATTEN, None)
    assert score is not None and (score.score, score.correctness, score.code_quality) == (0, 0, 0)
    assert "prevented its own grading" in score.note


@pytest.mark.parametrize("reference", [LOST, Grade("failed", "2 of 15 hidden tests did not pass")])
def test_an_error_only_when_the_reference_does_not_pass_either(
    tmp_path: Path, reference: Grade | Unsettled
) -> None:
    grader = Scripted(tmp_path, {"answer": [LOST, LOST], "reference": [reference]})
    grade = grader.grade(FLATTEN, "answer", None)
    assert grade.verdict == "error" and not grade.forfeited
    assert "did not pass on the same engine either" in grade.message


def test_the_reference_itself_is_never_blamed(tmp_path: Path) -> None:
    grader = Scripted(tmp_path, {"reference": [LOST, LOST]})
    grade = grader.grade(FLATTEN, REFERENCE, None)
    assert grade.verdict == "error"
    assert grader.graded == ["reference", "reference"]


def test_the_isolation_of_a_verdict_is_the_hosts_word() -> None:
    """Whatever a report says about where it was obtained, the row says what the host knows."""
    report = {"nonce": "n", "stage": "test", "isolation": "process",
              "tests": [{"id": "t.py::test_a", "outcome": "passed"}]}
    grade = verdict(report, "n", frozenset({"t.py::test_a"}), FLATTEN, 1.0)
    assert (grade.verdict, grade.isolation) == ("passed", "container")


def test_a_tester_that_dies_mid_grading_costs_an_innocent_answer_nothing(sandbox_image: str) -> None:
    """The shared tester is killed while it grades a correct answer (slowed down so that the
    kill lands mid-grading): the answer is graded again on a new tester and passes."""
    slow = REFERENCE.replace('def flatten(', 'import time\n\n\ndef flatten(', 1).replace(
        '    """', '    time.sleep(0.3)\n    """', 1)
    assert "time.sleep" in slow
    with open_grader(sandbox_image, workers=1, spares=0) as grader:
        assert grader.grade(FLATTEN, REFERENCE, None).verdict == "passed"  # the tester runs
        first = grader.tester.container
        assert first is not None

        def kill_soon() -> None:
            time.sleep(2.0)
            client = docker.from_env()
            try:
                client.api.kill(first)
            finally:
                client.close()

        killer = threading.Thread(target=kill_soon)
        killer.start()
        grade = grader.grade(FLATTEN, slow, None)
        killer.join()
        assert grade.verdict == "passed", grade.message + "\n" + grade.output
        assert grader.tester.container not in (None, first)
