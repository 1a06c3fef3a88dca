"""The tester: one long-lived trusted container runs the hidden tests of isolated gradings,
several at once, each against an answer in a fresh sandbox of its own in an answer host."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from typing import Iterator

import docker
import pytest
from support.chat_server import bundled_cases
from support.grading import open_grader

from pytest_llmcode.cases import EvalCase
from pytest_llmcode.grading import tester_client as tester_module
from pytest_llmcode.grading.containers import ANSWER_USER, TESTER_USER
from pytest_llmcode.grading.grade import Grade
from pytest_llmcode.grading.grader import Grader

CASES = {case.name: case for case in bundled_cases()}


@pytest.fixture
def grader(sandbox_image: str) -> Iterator[Grader]:
    """A grader of each test's own (these tests kill or retire its tester), sized as the
    shared one."""
    with open_grader(sandbox_image, workers=2, spares=2) as own:
        yield own


def outcome(grade: Grade) -> tuple[str, tuple[str, ...]]:
    return grade.verdict, tuple(sorted(t.id for t in grade.failed_tests))


def test_concurrent_gradings_share_one_tester_and_match_a_serial_run(grader: Grader) -> None:
    """Right and wrong answers of three cases graded four at a time give exactly the
    verdicts and failing tests of the same answers graded one by one."""
    answers: list[tuple[EvalCase, str]] = []
    for name in ("flatten", "race_fix", "users_api"):
        case = CASES[name]
        answers.append((case, case.reference_file.read_text()))
        answers += [(case, wrong.read_text()) for wrong in case.wrong_answers()[:2]]

    serial = [outcome(grader.grade(case, code, None)) for case, code in answers]
    tester = grader.tester.container
    with ThreadPoolExecutor(4) as pool:
        parallel = list(pool.map(lambda pair: outcome(grader.grade(*pair, None)), answers))

    assert parallel == serial
    assert [verdict for verdict, _ in serial].count("passed") == 3, serial
    assert grader.tester.container == tester, "every grading went to the same tester"


def test_a_dead_tester_is_replaced(grader: Grader) -> None:
    case = CASES["flatten"]
    first = grader.grade(case, case.reference_file.read_text(), None)
    assert first.verdict == "passed", first.message
    dead = grader.tester.container
    assert dead is not None
    client = docker.from_env()
    try:
        client.api.kill(dead)
    finally:
        client.close()

    again = grader.grade(case, case.reference_file.read_text(), None)
    assert again.verdict == "passed", again.message
    assert grader.tester.container not in (None, dead)


def test_a_tester_retires_when_old_and_the_next_job_starts_another(
    grader: Grader, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = CASES["flatten"]
    assert grader.grade(case, case.reference_file.read_text(), None).verdict == "passed"
    retired = grader.tester.container
    assert retired is not None
    monkeypatch.setattr(tester_module, "MAX_AGE_S", 0.0)
    again = grader.grade(case, case.reference_file.read_text(), None)
    assert again.verdict == "passed", again.message
    assert grader.tester.container not in (None, retired)
    # Its standard input closed, the retired tester ended by itself.
    client = docker.from_env()
    try:
        deadline = time.monotonic() + 30
        while client.api.containers(all=True, filters={"id": retired}) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not client.api.containers(all=True, filters={"id": retired})
    finally:
        client.close()


def test_answer_hosts_and_tester_mount_the_grading_volume_only(grader: Grader) -> None:
    case = CASES["flatten"]
    assert grader.grade(case, case.reference_file.read_text(), None).verdict == "passed"
    host = grader.hosts.take()
    client = docker.from_env()
    try:
        details = client.api.inspect_container(host.container)
        tester = client.api.inspect_container(grader.tester.container)
    finally:
        client.close()
        grader.hosts.release(host, healthy=True)
    for container in (details, tester):
        assert container["HostConfig"]["NetworkMode"] == "none"
        assert container["HostConfig"]["ReadonlyRootfs"] is True
        assert container["HostConfig"]["CapDrop"] == ["ALL"]
        assert not container["HostConfig"].get("Binds")
        assert [(m["Type"], m["Destination"], m["RW"]) for m in container["Mounts"]] == [
            ("volume", "/grading", True)]
    # Answers run as another user than the tests: no process or file of the tester's is
    # the answer's own.
    assert details["Config"]["User"] == ANSWER_USER
    assert tester["Config"]["User"] == TESTER_USER != ANSWER_USER


def test_an_answer_dialing_back_silently_holds_up_nothing(grader: Grader) -> None:
    """Connections an answer opens to back.sock without naming a port are read as their
    bytes come: the answer's own calls to the tests' fake server still get through at once
    (each silent one used to hold the grading's relay for a second: 40 of them outlast the
    case's 30 s limit)."""
    case = CASES["race_fix"]
    dial_silently = (
        "const silent = [];\n"
        "function dialSilently() {\n"
        "  for (let i = 0; i < 40; i++) {\n"
        "    silent.push(require('net').createConnection('/answer/back.sock').on('error', () => {}));\n"
        "  }\n"
        "}\n\n"
    )
    code = case.reference_file.read_text().replace(
        "async function loadData(url) {\n",
        dial_silently + "async function loadData(url) {\n  if (!silent.length) dialSilently();\n",
        1,
    )
    assert "dialSilently()" in code
    grade = grader.grade(case, code, None)
    assert grade.verdict == "passed", grade.message + "\n" + grade.output
