"""Grading on other Docker engines than the local one, and on several at once, with a real
second dockerd on this machine reached over TCP (tests/support/second_engine.py)."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path
from typing import Any

import pytest
from support.chat_server import ChatServer, Reply, bundled_cases, right_answer
from support.llm_runs import run
from support.second_engine import SecondEngine, llmcode_containers, load_image

from pytest_llmcode.grading.engine_spec import LOCAL_ENGINE

CASES = len(bundled_cases())


def local_engine() -> str:
    return os.environ.get("DOCKER_HOST") or LOCAL_ENGINE


def rows(report: Path) -> list[dict[str, Any]]:
    data: dict[str, Any] = json.loads(report.read_text())
    return list(data["results"])


def test_the_seed_cases_graded_on_the_tcp_engine_alone(
    pytester: pytest.Pytester, eval_dir: Path, chat_server: ChatServer, second_engine: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DOCKER_HOST", second_engine)
    chat_server.script("deepseek-v4-flash", right_answer)
    report = pytester.path / "report.json"

    result = run(pytester, chat_server, "reference,deepseek-v4-flash", f"--llm-report={report}")

    result.assert_outcomes(passed=2 * CASES)
    assert {r["engine"] for r in rows(report)} == {second_engine}
    assert llmcode_containers(second_engine, os.getpid()) == []


def test_one_run_spread_over_two_engines(
    pytester: pytest.Pytester, eval_dir: Path, chat_server: ChatServer, second_engine: str,
) -> None:
    chat_server.script("deepseek-v4-flash", right_answer)
    report = pytester.path / "report.json"
    html = pytester.path / "report.html"

    result = run(pytester, chat_server, "reference,deepseek-v4-flash",
                 f"--llm-docker-hosts={local_engine()}=1,{second_engine}=1", "--llm-samples=2",
                 f"--llm-report={report}", f"--llm-report-html={html}")

    result.assert_outcomes(passed=4 * CASES)
    engines = [r["engine"] for r in rows(report)]
    assert set(engines) == {local_engine(), second_engine}, engines
    result.stdout.fnmatch_lines([f"llmcode: Docker engines {local_engine()} (1 worker), "
                                 f"{second_engine} (1 worker)",
                                 "*graded on 2 Docker engines: *"])
    assert f'"engine":"{second_engine}"' in html.read_text()
    for url in (local_engine(), second_engine):
        assert llmcode_containers(url, os.getpid()) == []


def test_an_engine_stopped_mid_run_leaves_its_items_to_the_other(
    pytester: pytest.Pytester, eval_dir: Path, chat_server: ChatServer, sandbox_image: str,
) -> None:
    """The second engine (one of this test's own: it is stopped) goes down while the run's
    answers are being graded; they finish on the first, none fails or errors, and no
    container of the run is left on either (the stopped engine is started again to look)."""
    engine = SecondEngine().start()
    try:
        load_image(engine.url, sandbox_image)
        stopped = threading.Event()

        def answer_then_stop(body: dict[str, Any]) -> Reply:
            if len(chat_server.requests) >= 2 * CASES and not stopped.is_set():
                stopped.set()
                threading.Thread(target=engine.stop).start()
            return right_answer(body)

        chat_server.script("deepseek-v4-flash", answer_then_stop)
        report = pytester.path / "report.json"

        result = run(pytester, chat_server, "reference,deepseek-v4-flash",
                     f"--llm-docker-hosts={local_engine()}=1,{engine.url}=1", "--llm-samples=3",
                     f"--llm-report={report}")

        assert stopped.is_set()
        result.assert_outcomes(passed=6 * CASES)
        engines = [r["engine"] for r in rows(report)]
        assert set(engines) == {local_engine(), engine.url}, engines
        assert llmcode_containers(local_engine(), os.getpid()) == []
        engine.start()  # what was left when it stopped, the engine removes as it starts
        assert llmcode_containers(engine.url) == []
    finally:
        engine.remove()


def test_an_engine_that_does_not_answer_is_named(
    pytester: pytest.Pytester, eval_dir: Path, chat_server: ChatServer, second_engine: str,
) -> None:
    """An engine of the run that cannot be reached grades nothing: the run's items error,
    naming it, and nothing is graded on the others either."""
    chat_server.script("deepseek-v4-flash", right_answer)
    nowhere = "tcp://127.0.0.1:9"

    result = run(pytester, chat_server, "deepseek-v4-flash",
                 f"--llm-docker-hosts={second_engine}=1,{nowhere}")

    result.assert_outcomes(errors=CASES)
    result.stdout.fnmatch_lines([f"*cannot grade: engine {nowhere}: no Docker engine answers*"])
    assert llmcode_containers(second_engine, os.getpid()) == []
