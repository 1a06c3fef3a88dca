"""A pytest run that is interrupted or killed mid-grading leaves no container behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pytest_llmcode.grading.containers import LABEL, connect, sweep

# How long a container may take to end once the run that attached to it is gone.
LIFELINE_S = 15

SLOW_CASE = {
    "case.yaml": "language: python\nsolution_file: solution.py\ntimeout_s: {limit}\n"
                 "prompt: Write double(x).\n",
    "tests/test_slow.py": "import time\nfrom solution import double\n\n"
                          "def test_slow():\n    time.sleep(120)\n    assert double(2) == 4\n",
    "reference/solution.py": "def double(x):\n    return 2 * x\n",
}


def start_pytest(tmp_path: Path, limit: int) -> subprocess.Popen[str]:
    for name, text in SLOW_CASE.items():
        path = tmp_path / "eval_cases" / "slow" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text.format(limit=limit))
    return subprocess.Popen(
        [sys.executable, "-m", "pytest", "eval_cases", "--llm-models=reference",
         "-p", "no:cacheprovider", "-p", "no:randomly"],
        cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )


def containers_of(pid: int) -> list[str]:
    client = connect()
    try:
        found = client.api.containers(all=True, filters={"label": f"{LABEL}.pid={pid}"})
        return [c["Id"] for c in found]
    finally:
        client.close()


def stop(proc: subprocess.Popen[str]) -> None:
    proc.kill()
    proc.communicate()


def wait_until(condition: object, limit_s: float) -> bool:
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return True
        time.sleep(0.2)
    return False


def test_sigint_mid_grading_removes_containers(tmp_path: Path, sandbox_image: str) -> None:
    proc = start_pytest(tmp_path, limit=300)
    try:
        assert wait_until(lambda: len(containers_of(proc.pid)) >= 2, 60), "grading never started"
        proc.send_signal(signal.SIGINT)
        output, _ = proc.communicate(timeout=60)
    finally:
        stop(proc)
    assert proc.returncode == pytest.ExitCode.INTERRUPTED, output
    assert "KeyboardInterrupt" in output
    assert "llmcode: interrupted after 0 finished item(s)" in output
    assert containers_of(proc.pid) == []


def test_sigkill_leaves_containers_only_until_their_time_limit(
    tmp_path: Path, sandbox_image: str
) -> None:
    limit = 4
    proc = start_pytest(tmp_path, limit=limit)
    try:
        assert wait_until(lambda: len(containers_of(proc.pid)) >= 2, 60), "grading never started"
    finally:
        stop(proc)
    # The run attached to every container it started (the tester, the answer hosts): once
    # it is gone, their standard input closes, the runner in each ends (an answer host ends
    # its answer's sandbox first) and the engine removes the container.
    assert wait_until(lambda: containers_of(proc.pid) == [], limit + LIFELINE_S)


def test_sweep_removes_containers_of_a_killed_run(tmp_path: Path, sandbox_image: str) -> None:
    proc = start_pytest(tmp_path, limit=300)
    try:
        assert wait_until(lambda: len(containers_of(proc.pid)) >= 2, 60), "grading never started"
    finally:
        stop(proc)
    assert containers_of(proc.pid)  # still running: their own limit is far away
    client = connect()
    try:
        assert sweep(client) >= 2
        # A container the run asked for just before it was killed may appear a moment
        # later; the next sweep (the next session's) takes it.
        assert wait_until(lambda: sweep(client) >= 0 and containers_of(proc.pid) == [], 10)
    finally:
        client.close()
