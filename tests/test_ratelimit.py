"""Shared per-endpoint limits: in one process with a fake clock, and across real processes
counted on the loopback server."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from support.chat_server import ChatServer, Reply

from pytest_llmcode.api.ratelimit import RateLimiter, endpoint_dir

HERE = Path(__file__).resolve().parent
PACKAGE_ROOT = Path(__import__("pytest_llmcode").__file__).resolve().parent.parent


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0
        self.pauses: list[float] = []

    def __call__(self) -> float:
        return self.now

    def pause(self, seconds: float) -> None:
        self.pauses.append(seconds)
        self.now += seconds


class Refuse(Exception):
    pass


def refuse(seconds: float) -> None:
    raise Refuse(seconds)


def test_requests_per_minute_wait_for_the_oldest_to_leave_the_window(tmp_path: Path) -> None:
    clock = Clock()
    limiter = RateLimiter(tmp_path, concurrency=4, rpm=2, window_s=60.0, clock=clock)
    waited = []
    for _ in range(2):
        with limiter.slot(clock.pause) as wait:
            waited.append(wait)
        clock.now += 10.0
    with limiter.slot(clock.pause) as wait:
        waited.append(wait)
    # The third request of the minute waits until the first is 60 s old: 40 s more.
    assert waited == [0.0, 0.0, 40.0] and clock.pauses == [40.0]


def test_a_slot_is_exclusive_until_released(tmp_path: Path) -> None:
    limiter = RateLimiter(tmp_path, concurrency=1)
    with limiter.slot(refuse):
        with pytest.raises(Refuse):
            with limiter.slot(refuse):
                pass  # pragma: no cover - the slot is held
    with limiter.slot(refuse):
        pass  # free again


def test_a_killed_holder_frees_its_slot(tmp_path: Path) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import fcntl, sys, time\n"
         f"f = open({str(tmp_path / 'slot-0.lock')!r}, 'a')\n"
         "fcntl.flock(f, fcntl.LOCK_EX)\nprint('held', flush=True)\ntime.sleep(600)\n"],
        stdout=subprocess.PIPE, text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline() == "held\n"
    limiter = RateLimiter(tmp_path, concurrency=1)
    with pytest.raises(Refuse):
        with limiter.slot(refuse):
            pass  # pragma: no cover - held by the other process
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait()
    holder.stdout.close()
    with limiter.slot(refuse):
        pass


def test_endpoint_dir_is_per_endpoint_and_stable() -> None:
    assert endpoint_dir("https://a.example/v1") == endpoint_dir("https://a.example/v1/")
    assert endpoint_dir("https://a.example/v1") != endpoint_dir("https://b.example/v1")


def run_processes(server: ChatServer, directory: Path, tmp_path: Path, concurrency: int,
                  rpm: int | None, threads: int, processes: int = 2) -> list[dict[str, list[float]]]:
    go = tmp_path / "go"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(PACKAGE_ROOT), str(HERE)])}
    procs = [
        subprocess.Popen(
            [sys.executable, str(HERE / "support" / "limited_client.py"), server.base_url, str(directory),
             str(concurrency), "-" if rpm is None else str(rpm), str(threads), str(go)],
            stdout=subprocess.PIPE, text=True, env=env,
        )
        for _ in range(processes)
    ]
    for proc in procs:
        assert proc.stdout is not None and proc.stdout.readline() == "ready\n"
    go.touch()  # every process starts sending at once
    results = []
    for proc in procs:
        out, _ = proc.communicate(timeout=120)
        assert proc.returncode == 0
        results.append(json.loads(out.strip().splitlines()[-1]))
    return results


def test_two_processes_together_never_exceed_the_concurrency(
    chat_server: ChatServer, tmp_path: Path
) -> None:
    chat_server.script("m", lambda body: Reply("ok", delay_s=1.0))
    run_processes(chat_server, tmp_path / "limits", tmp_path, concurrency=2, rpm=None, threads=2)
    # Four requests, each process able to send two at once: only the shared limit keeps
    # the endpoint at two.
    assert len(chat_server.requests) == 4
    assert chat_server.peak_in_flight == 2


def test_two_processes_together_never_exceed_the_requests_per_minute(
    chat_server: ChatServer, tmp_path: Path
) -> None:
    chat_server.script("m", lambda body: Reply("ok"))
    results = run_processes(chat_server, tmp_path / "limits", tmp_path, concurrency=8, rpm=3,
                            threads=3)
    # Six requests wanted within one (600 s) window, three allowed: exactly three reached
    # the endpoint, and the three others were told to wait for the window to move on.
    assert len(chat_server.requests) == 3
    blocked = [w for r in results for w in r["blocked"]]
    assert len(blocked) == 3 and all(0 < w <= 600 for w in blocked)

