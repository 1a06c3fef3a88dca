"""--llm-docker-hosts read and shared among pytest-xdist workers, and the dispatcher's rules,
without an engine: the engines here are stand-ins (the real ones are in test_engines.py)."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from support.chat_server import bundled_cases

from pytest_llmcode.grading.engine_spec import (
    EngineSpec,
    EngineSpecError,
    parse_hosts,
    share,
    shown_engine,
)
from pytest_llmcode.grading.engines import Engine, Engines
from pytest_llmcode.grading.grade import Grade
from pytest_llmcode.status import ERROR, FAILED, PASSED

CASE = bundled_cases()[0]


def test_hosts_with_and_without_workers() -> None:
    specs = parse_hosts("unix:///var/run/docker.sock=2, tcp://10.0.0.5:2376 ,ssh://me@b=8", 3)
    assert specs == (EngineSpec("unix:///var/run/docker.sock", 2),
                     EngineSpec("tcp://10.0.0.5:2376", 3), EngineSpec("ssh://me@b", 8))


@pytest.mark.parametrize("text, message", [
    ("10.0.0.5:2376", "is not an engine URL"),
    ("tcp://a:port", "is not an engine URL"),
    ("tcp://a:1=0", "gives the engine 0 workers"),
    ("tcp://a:1,tcp://a:1=2", "tcp://a:1 is listed twice"),
    (" , ", "no engine given"),
])
def test_bad_hosts_say_what_to_write(text: str, message: str) -> None:
    with pytest.raises(EngineSpecError, match=message):
        parse_hosts(text, 1)


def test_reports_never_show_credentials() -> None:
    assert shown_engine("ssh://me:secret@builder:2222") == "ssh://builder:2222"
    assert shown_engine("tcp://10.0.0.5:2376?token=x") == "tcp://10.0.0.5:2376"
    assert shown_engine("unix:///run/docker.sock") == "unix:///run/docker.sock"


@pytest.mark.parametrize("workers, processes", [((2, 3), 2), ((1, 1), 3), ((4,), 4), ((5, 1), 4)])
def test_xdist_workers_share_each_engine_without_oversubscribing(
    workers: tuple[int, ...], processes: int
) -> None:
    specs = tuple(EngineSpec(f"tcp://e{i}:1", n) for i, n in enumerate(workers))
    parts = [share(specs, index, processes) for index in range(processes)]
    for spec in specs:
        given = sum(s.workers for part in parts for s in part if s.url == spec.url)
        # Every worker slot is used once; a process dealt none gets one of its own.
        assert given <= spec.workers + max(0, processes - sum(workers))
    assert all(part and all(s.workers >= 1 for s in part) for part in parts)
    if sum(workers) >= processes:
        assert [sum(s.workers for s in part) for part in parts] == [
            len(range(i, sum(workers), processes)) for i in range(processes)]


def test_usage_error_names_the_option(pytester: pytest.Pytester) -> None:
    (pytester.path / "pytest.ini").write_text("[pytest]\nllm_docker_hosts = tcp://a:1=none\n")
    result = pytester.runpytest("--llm-models=reference")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--llm-docker-hosts: 'tcp://a:1=none': the engine's WORKERS*"])


class StandIn:
    """An engine's grader and sandbox in one: grades with `verdict` until it is `down`."""

    def __init__(self, verdict: str = PASSED) -> None:
        self.verdict = verdict
        self.down = False
        self.graded = 0
        self.closed = False
        self.client = self
        self.in_flight = threading.Semaphore(0)

    def grade(self, case: Any, code: str, expected: Any) -> Grade:
        self.graded += 1
        if self.down:
            raise ConnectionError("connection refused")
        return Grade(self.verdict, self.verdict)

    def ping(self) -> bool:
        if self.down:
            raise ConnectionError("connection refused")
        return True

    def start(self, *args: Any) -> str:
        return "probe"

    def remove(self, container: str) -> None:
        pass

    def close(self) -> None:
        self.closed = True


def engines(*stand_ins: StandIn) -> Engines:
    return Engines([Engine(f"tcp://e{i}:1", s, s, 1)  # type: ignore[arg-type]
                    for i, s in enumerate(stand_ins)])


def test_a_gone_engine_is_taken_out_and_its_grading_done_elsewhere() -> None:
    first, second = StandIn(), StandIn()
    first.down = True
    spread = engines(first, second)
    grades = [spread.grade(CASE, "code", None) for _ in range(3)]
    assert [g.verdict for g in grades] == [PASSED] * 3
    assert {g.engine for g in grades} == {"tcp://e1:1"}
    assert first.graded == 1 and spread.engines[0].gone
    spread.close()
    assert first.closed and second.closed


def test_an_error_on_a_working_engine_stands() -> None:
    spread = engines(StandIn(ERROR), StandIn())
    grade = spread.grade(CASE, "code", None)
    assert (grade.verdict, grade.engine) == (ERROR, "tcp://e0:1")
    assert all(e.gone is None for e in spread.engines)


def test_a_failure_on_an_engine_that_went_away_is_graded_again() -> None:
    first = StandIn(FAILED)
    spread = engines(first, StandIn())

    def failed_as_it_went_down(case: Any, code: str, expected: Any) -> Grade:
        first.down = True
        return Grade(FAILED, "the answer's container went away")

    first.grade = failed_as_it_went_down  # type: ignore[method-assign]
    grade = spread.grade(CASE, "code", None)
    assert (grade.verdict, grade.engine) == (PASSED, "tcp://e1:1")


def test_no_engine_left_is_an_error_naming_each() -> None:
    first, second = StandIn(), StandIn()
    first.down = second.down = True
    grade = engines(first, second).grade(CASE, "code", None)
    assert grade.verdict == ERROR
    assert "no Docker engine is left" in grade.message
    assert "tcp://e0:1: taken out mid-run" in grade.message and "tcp://e1:1" in grade.message


def test_gradings_wait_for_a_free_worker_and_go_to_the_least_busy_engine(tmp_path: Path) -> None:
    first, second = StandIn(), StandIn()
    spread = engines(first, second)
    release = threading.Event()
    started = threading.Barrier(3)

    def slow(case: Any, code: str, expected: Any) -> Grade:
        started.wait()
        release.wait()
        return Grade(PASSED, "")

    first.grade = second.grade = slow  # type: ignore[method-assign]
    results: list[Grade] = []
    threads = [threading.Thread(target=lambda: results.append(spread.grade(CASE, "c", None)))
               for _ in range(2)]
    for thread in threads:
        thread.start()
    started.wait()  # both engines busy at once: one grading each
    assert [e.busy for e in spread.engines] == [1, 1]
    release.set()
    for thread in threads:
        thread.join()
    assert sorted(g.engine for g in results) == ["tcp://e0:1", "tcp://e1:1"]
