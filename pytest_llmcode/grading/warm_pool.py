"""Warm pool: answers' containers started before their job, so grading pays no start latency.

A slot is one fresh container waiting for its answer in a host directory mounted into it,
read-only; the answer's hidden tests run in the tester. A slot serves one grading and is
removed: no answer ever sees another's files or processes. Spares that wait longer than
IDLE_S exit by themselves.
"""

from __future__ import annotations

import shutil
import tempfile
import threading
import time
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from .containers import Mount, Sandbox, SandboxError

SERVE = "/opt/llmcode/serve.py"
CALL_PORT = "8080"  # where the answer listens, on its own container's loopback
IDLE_S = 30.0
# The container's own backstop: idle time plus the longest limit a manifest may set.
LIFETIME_S = IDLE_S + 600 + 10


@dataclass(frozen=True)
class Slot:
    directory: Path
    container: str
    started_at: float
    start_s: float  # what starting the container took, whether or not anyone waited

    @property
    def answer_dir(self) -> Path:
        return self.directory / "answer"

    @property
    def job_dir(self) -> Path:
        return self.directory / "job"

    @property
    def report_file(self) -> Path:
        return self.directory / "report.json"


class WarmPool:
    def __init__(self, sandbox: Sandbox, scratch: Path, spares: int) -> None:
        self.sandbox = sandbox
        self.scratch = scratch
        self.spares = spares
        self._ready: deque[Slot] = deque()
        self._starting = 0
        self._lock = threading.Lock()
        self._starter = ThreadPoolExecutor(2, "llmcode-pool")
        self._remover = ThreadPoolExecutor(2, "llmcode-pool-remove")
        self._closed = False

    def take(self) -> Slot:
        """A started slot: a spare if one is fresh, else a new one."""
        slot = None
        with self._lock:
            while self._ready and slot is None:
                candidate = self._ready.popleft()
                if time.monotonic() - candidate.started_at < IDLE_S - 5:
                    slot = candidate
                else:
                    self.release(candidate)
            missing = 0 if self._closed else self.spares - len(self._ready) - self._starting
            self._starting += max(missing, 0)
        for _ in range(missing):
            self._starter.submit(self._refill)
        return slot if slot is not None else self._start()

    def release(self, slot: Slot) -> None:
        """Delete a used slot's files now and remove its container in the background: the
        grading that used it is done, and what a container may still write goes to files
        that are no longer on the host's disk."""
        shutil.rmtree(slot.directory, ignore_errors=True)
        try:
            self._remover.submit(self.sandbox.remove, slot.container)
        except RuntimeError:  # shutting down
            self.sandbox.remove(slot.container)

    def close(self) -> None:
        self._closed = True
        self._starter.shutdown(wait=True, cancel_futures=True)
        with self._lock:
            slots = list(self._ready)
            self._ready.clear()
        for slot in slots:
            self._remove(slot)
        self._remover.shutdown(wait=True)

    def _remove(self, slot: Slot) -> None:
        shutil.rmtree(slot.directory, ignore_errors=True)
        self.sandbox.remove(slot.container)

    def _refill(self) -> None:
        try:
            slot = None if self._closed else self._start()
        except SandboxError:
            slot = None
        with self._lock:
            self._starting -= 1
            if slot is not None and not self._closed:
                self._ready.append(slot)
                return
        if slot is not None:
            self._remove(slot)

    def _start(self) -> Slot:
        directory = Path(tempfile.mkdtemp(prefix="slot-", dir=self.scratch))
        # The tester (another user) reads the slot, writes its report and, in the answer's
        # directory, its sockets and the answer's job; the answer's container mounts that
        # directory read-only.
        directory.chmod(0o755)
        (directory / "answer").mkdir()
        (directory / "answer").chmod(0o777)
        (directory / "job").mkdir()
        (directory / "job").chmod(0o755)
        report_file = directory / "report.json"
        report_file.touch()
        report_file.chmod(0o666)
        started = time.monotonic()
        try:
            container = self.sandbox.start(
                ["python3", SERVE, f"{IDLE_S:g}", CALL_PORT],
                [Mount(str(directory / "answer"), "/answer")], {}, LIFETIME_S,
            )
        except SandboxError:
            shutil.rmtree(directory, ignore_errors=True)
            raise
        return Slot(directory, container, started, time.monotonic() - started)
