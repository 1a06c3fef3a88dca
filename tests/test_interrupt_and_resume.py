"""Ctrl-C and SIGTERM in the middle of a run: a real pytest process, requests in flight on
the loopback server, a grading container running. Nothing finished is lost, no request
goes unaccounted, no container stays behind; --llm-resume then picks up the rest."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from support.chat_server import EVAL_CASES, ChatServer, Reply, fenced, right_answer

PACKAGE_ROOT = Path(__import__("pytest_llmcode").__file__).resolve().parent.parent
MODELS = "quick,sleeper,held,stuck"
SLEEPER = "import time\ntime.sleep(600)\n\n\ndef flatten(items):\n    return items\n"


def held_until(event: threading.Event) -> Any:
    def respond(body: dict[str, Any]) -> Reply:
        event.wait(300)  # the server keeps the request open until the test lets it go
        return right_answer(body)
    return respond


def pytest_process(workdir: Path, server: ChatServer, *args: str) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "PYTEST_ADDOPTS")}
    env["PYTHONPATH"] = str(PACKAGE_ROOT)
    with open(workdir / f"pytest-{time.monotonic_ns()}.log", "wb") as log:
        return subprocess.Popen(
            [sys.executable, "-m", "pytest", "eval_cases", f"--llm-models={MODELS}",
             f"--llm-base-url={server.base_url}", "--llm-report=report.json",
             "-p", "no:cacheprovider", *args],
            cwd=workdir, env=env, stdout=log, stderr=subprocess.STDOUT,
        )


def logged(partial: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in partial.read_text().splitlines()] \
        if partial.is_file() else []


def containers_of(pid: int) -> list[str]:
    out = subprocess.run(["docker", "ps", "-a", "-q", "--filter", f"label=llmcode.pid={pid}"],
                         capture_output=True, text=True, check=True).stdout
    return out.split()


def in_flight(server: ChatServer, model: str) -> bool:
    return any(not r.ended for r in server.requests_for(model))


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_interrupted_run_keeps_every_finished_item_and_leaves_nothing_behind(
    tmp_path: Path, chat_server: ChatServer, sandbox_image: str, signum: signal.Signals
) -> None:
    shutil.copytree(EVAL_CASES / "flatten", tmp_path / "eval_cases" / "flatten",
                    ignore=shutil.ignore_patterns(".*"))
    (tmp_path / "pytest.ini").write_text(
        "[pytest]\nllm_prices =\n    quick=1\n    sleeper=1\n    held=1\n    stuck=1\n")
    release_held, release_stuck = threading.Event(), threading.Event()
    chat_server.script("quick", right_answer)
    chat_server.script("sleeper", lambda body: Reply(fenced("python", SLEEPER)))
    chat_server.script("held", held_until(release_held))
    chat_server.script("stuck", held_until(release_stuck))
    partial, report = tmp_path / "report.partial.jsonl", tmp_path / "report.json"

    proc = pytest_process(tmp_path, chat_server)
    try:
        # Wait (polling, no fixed sleep) for the state to interrupt: one item finished and
        # logged, the sleeper's container grading, two requests in flight.
        deadline = time.monotonic() + 120
        while not (logged(partial) and in_flight(chat_server, "held")
                   and in_flight(chat_server, "stuck") and containers_of(proc.pid)):
            assert proc.poll() is None, "pytest ended before it could be interrupted"
            assert time.monotonic() < deadline, "the run never reached the state to interrupt"
            time.sleep(0.1)
        assert [(r["model"], r["outcome"]) for r in logged(partial)] == [("quick", "passed")]

        os.kill(proc.pid, signum)
        while not any(r.get("event") == "interrupted" for r in logged(partial)):
            assert time.monotonic() < deadline, "the interruption was never logged"
            time.sleep(0.05)
        release_held.set()  # now it answers within the grace: what it cost is known
        assert proc.wait(timeout=120) == pytest.ExitCode.INTERRUPTED
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        release_stuck.set()

    assert containers_of(proc.pid) == []
    assert not partial.exists()  # superseded by the final report
    data = json.loads(report.read_text())
    assert data["interrupted"] is True
    by_model = {r["model"]: r for r in data["results"]}
    assert {m: r["outcome"] for m, r in by_model.items()} == {
        "quick": "passed", "sleeper": "not run", "held": "not run", "stuck": "not run"}
    assert "before the answer was graded" in by_model["sleeper"]["failure"]
    held, stuck = by_model["held"], by_model["stuck"]
    # The answer that came in the grace is billed; the one that never came is counted as
    # an attempt whose cost is unknown.
    assert held["completion_tokens"] > 0 and held["unanswered_attempts"] == 0
    assert held["cost_usd"] == pytest.approx(held["completion_tokens"] / 1e6)
    assert stuck["attempts"] == 1 and stuck["unanswered_attempts"] == 1
    assert "abandoned" in stuck["failure"]
    # Every request the server received is in the report.
    assert sum(r["attempts"] for r in data["results"]) == len(chat_server.requests) == 4
    assert data["models"]["held"]["not_run"] == 1

    if signum != signal.SIGINT:
        return
    # Resume: the finished item is reused, the answers that arrived are replayed from their
    # cassettes, only the abandoned request is sent again.
    release_stuck.set()
    again = pytest_process(tmp_path, chat_server, "-k", "not sleeper",
                           "--llm-resume=report.json")
    assert again.wait(timeout=120) == pytest.ExitCode.OK
    assert {m: len(chat_server.requests_for(m)) for m in MODELS.split(",")} == {
        "quick": 1, "sleeper": 1, "held": 1, "stuck": 2}
    merged = {r["model"]: r for r in json.loads(report.read_text())["results"]}
    assert {m: r["outcome"] for m, r in merged.items()} == {
        "quick": "passed", "held": "passed", "stuck": "passed"}
    assert merged["held"]["replayed"] is True and merged["stuck"]["replayed"] is False


def child_pids(pid: int) -> set[int]:
    children = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # the process ended meanwhile
        if int(fields[1]) == pid:  # the field after the state is the parent's pid
            children.add(int(stat.parent.name))
    return children


@pytest.mark.parametrize("whom", ["process group", "controller only"])
def test_interrupted_xdist_run_accounts_for_every_request(
    tmp_path: Path, chat_server: ChatServer, sandbox_image: str, whom: str
) -> None:
    shutil.copytree(EVAL_CASES / "flatten", tmp_path / "eval_cases" / "flatten",
                    ignore=shutil.ignore_patterns(".*"))
    (tmp_path / "pytest.ini").write_text("[pytest]\nllm_prices =\n    quick=1\n    held=1\n")
    release = threading.Event()
    chat_server.script("quick", right_answer)
    chat_server.script("held", held_until(release))
    partial, report = tmp_path / "report.partial.jsonl", tmp_path / "report.json"
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "PYTEST_ADDOPTS")}
    env["PYTHONPATH"] = str(PACKAGE_ROOT)
    with open(tmp_path / "pytest.log", "wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "pytest", "eval_cases", "--llm-models=quick,held",
             "--llm-samples=3", f"--llm-base-url={chat_server.base_url}",
             "--llm-report=report.json", "-p", "no:cacheprovider", "-n", "2"],
            cwd=tmp_path, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
    workers: set[int] = set()
    try:
        deadline = time.monotonic() + 120
        while not (logged(partial)
                   and sum(1 for r in chat_server.requests_for("held") if not r.ended) >= 2):
            workers |= child_pids(proc.pid)
            assert proc.poll() is None and time.monotonic() < deadline
            time.sleep(0.1)
        workers |= child_pids(proc.pid)
        if whom == "process group":
            os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C in a terminal does
        else:
            os.kill(proc.pid, signal.SIGINT)
        while not any(r.get("event") == "interrupted" for r in logged(partial)):
            assert time.monotonic() < deadline, "the interruption was never logged"
            time.sleep(0.05)
        release.set()
        assert proc.wait(timeout=120) == pytest.ExitCode.INTERRUPTED
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        release.set()

    data = json.loads(report.read_text())
    assert data["interrupted"] is True
    assert sorted((r["model"], r["sample"]) for r in data["results"]) == [
        ("held", 1), ("held", 2), ("held", 3), ("quick", 1), ("quick", 2), ("quick", 3)]
    assert sum(r["attempts"] for r in data["results"]) == len(chat_server.requests)
    assert workers and all(containers_of(pid) == [] for pid in {proc.pid, *workers})
