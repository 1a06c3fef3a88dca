"""The host's side of the tester: one long-lived trusted container that runs the hidden
tests of every grading, several at once, each against an answer in a container of its own
(container/runners/tester.py is the other side).

Starting a container and warming pytest and mypy is paid once per run instead of once per
grading (README, Performance, has the figures). No answer code ever runs in the tester, so
sharing it across answers shares nothing of theirs.
"""

from __future__ import annotations

import json
import os
import socket
import threading
import time
from dataclasses import replace
from pathlib import Path

from .containers import TESTER_USER, Mount, Sandbox, SandboxError

TESTER = "/opt/llmcode/tester.py"
IDLE_S = 30.0  # as the pool's spares: gone soon after the run that started it
MAX_AGE_S = 3600.0  # then it takes no new job, and the next one starts another tester
LIFETIME_S = MAX_AGE_S + 600 + 30
READY_LIMIT_S = 60.0


class Tester:
    """Sends jobs to the tester container of this grading directory, starting it (again)
    when none is listening."""

    def __init__(self, sandbox: Sandbox, grading_dir: Path, workers: int) -> None:
        self.sandbox = sandbox
        self.grading_dir = grading_dir
        self.workers = max(workers, 1)
        self.socket_dir = grading_dir / "tester"
        self.container: str | None = None
        self._lock = threading.Lock()

    @property
    def server(self) -> Path:
        return self.socket_dir / "server.sock"

    def submit(self, job: dict[str, object]) -> str:
        """Hand a job to the tester; returns the container that runs it, to follow."""
        with self._lock:
            for _ in range(2):
                if self.container is None or not self.server.exists():
                    # None yet, or it retired (idle or too old): a retired tester ends by
                    # itself once the gradings it runs have.
                    self._start()
                assert self.container is not None
                if self._send(job):
                    return self.container
                self.discard()  # it takes no job: dead or stuck
        raise SandboxError("the tester container does not take jobs")

    def discard(self) -> None:
        if self.container is not None:
            self.sandbox.remove(self.container)
            self.container = None

    def _send(self, job: dict[str, object]) -> bool:
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
                conn.settimeout(10)
                conn.connect(str(self.server))
                conn.sendall(json.dumps(job).encode() + b"\n")
                return conn.makefile("rb").readline(16) == b"ok\n"
        except OSError:
            return False

    def _start(self) -> None:
        self.container = None
        self.socket_dir.mkdir(mode=0o777, exist_ok=True)
        self.socket_dir.chmod(0o777)
        for leftover in self.socket_dir.iterdir():
            leftover.unlink()
        limits = self.sandbox.limits
        scaled = replace(
            limits,
            memory_mb=limits.memory_mb * self.workers + 512,
            cpus=float(min(self.workers, os.cpu_count() or 1)),
            pids=limits.pids * self.workers,
            tmpfs_mb=limits.tmpfs_mb * self.workers,
        )
        self.container = self.sandbox.start(
            ["python3", TESTER, f"{IDLE_S:g}", f"{MAX_AGE_S:g}"],
            [Mount(str(self.grading_dir), "/grading", writable=True)], {}, LIFETIME_S,
            limits=scaled, user=TESTER_USER,
        )
        started = time.monotonic()
        run = self.sandbox.wait_until(self.container, self.server.exists, READY_LIMIT_S)
        if run.timed_out or not self.server.exists():
            self.discard()
            raise SandboxError(
                "the tester container did not start "
                f"(exit code {run.exit_code}, after {time.monotonic() - started:.1f} s)"
            )
