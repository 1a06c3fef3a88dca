"""Warm pool: sandbox containers started before their job, so grading pays no start latency.

A slot is a fresh container pair (answer + tests) or a single test container (process
mode), waiting for its job files in host directories mounted into it. A slot serves one
grading and is removed: no candidate ever sees another's files or processes. Spares that
wait longer than IDLE_S exit by themselves.
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

from .sandbox import Mount, Sandbox, SandboxError

RUNNER = "/opt/llmcode/run.py"
SERVE = "/opt/llmcode/serve.py"
CALL_PORT, CONTROL_PORT = "8080", "8079"
IDLE_S = 30.0
# The container's own backstop: idle time plus the longest limit a manifest may set.
LIFETIME_S = IDLE_S + 600 + 10


@dataclass(frozen=True)
class Slot:
    directory: Path
    isolation: str  # container | process
    test_container: str
    answer_container: str | None
    started_at: float
    start_s: float  # what starting the container(s) took, whether or not anyone waited

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
        self._ready: dict[tuple[str, str], deque[Slot]] = {}
        self._lock = threading.Lock()
        self._starter = ThreadPoolExecutor(1, "llmcode-pool")
        self._remover = ThreadPoolExecutor(2, "llmcode-pool-remove")
        self._closed = False

    def take(self, isolation: str, language: str) -> Slot:
        """A started slot for this kind of grading: a spare if one is fresh, else a new one."""
        key = (isolation, language)
        slot = None
        with self._lock:
            queue = self._ready.setdefault(key, deque())
            while queue and slot is None:
                candidate = queue.popleft()
                if time.monotonic() - candidate.started_at < IDLE_S - 5:
                    slot = candidate
                else:
                    self.release(candidate)
        if self.spares and not self._closed:
            self._starter.submit(self._refill, key)
        return slot if slot is not None else self._start(key)

    def release(self, slot: Slot) -> None:
        """Delete a used slot's files now and remove its containers in the background: the
        grading that used it is done, and what a container may still write goes to files
        that are no longer on the host's disk."""
        shutil.rmtree(slot.directory, ignore_errors=True)
        try:
            self._remover.submit(self._remove_containers, slot)
        except RuntimeError:  # shutting down
            self._remove_containers(slot)

    def _remove(self, slot: Slot) -> None:
        shutil.rmtree(slot.directory, ignore_errors=True)
        self._remove_containers(slot)

    def _remove_containers(self, slot: Slot) -> None:
        if slot.answer_container:
            self.sandbox.remove(slot.answer_container)
        self.sandbox.remove(slot.test_container)

    def close(self) -> None:
        self._closed = True
        self._starter.shutdown(wait=True, cancel_futures=True)
        with self._lock:
            slots = [s for queue in self._ready.values() for s in queue]
            self._ready.clear()
        for slot in slots:
            self._remove(slot)
        self._remover.shutdown(wait=True)

    def _refill(self, key: tuple[str, str]) -> None:
        with self._lock:
            missing = self.spares - len(self._ready.get(key, ()))
        for _ in range(missing):
            if self._closed:
                return
            try:
                slot = self._start(key)
            except SandboxError:
                return
            with self._lock:
                if self._closed:
                    self._remove(slot)
                    return
                self._ready.setdefault(key, deque()).append(slot)

    def _start(self, key: tuple[str, str]) -> Slot:
        isolation, language = key
        directory = Path(tempfile.mkdtemp(prefix="slot-", dir=self.scratch))
        for name in ("answer", "job"):
            (directory / name).mkdir()
        # The test container runs as nobody and may write its report: that one file, mounted
        # alone, so it can create nothing else on the host.
        report_file = directory / "report.json"
        report_file.touch()
        report_file.chmod(0o666)
        answer = Mount(str(directory / "answer"), "/answer")
        job = Mount(str(directory / "job"), "/job")
        report = Mount(str(report_file), "/report/report.json", writable=True)
        runner = ["python3", RUNNER, f"{IDLE_S:g}", language]
        started = time.monotonic()
        answer_container = None
        try:
            if isolation == "process":
                test_container = self.sandbox.start(runner, [answer, job, report], {}, LIFETIME_S)
            else:
                answer_container = self.sandbox.start(
                    ["python3", SERVE, f"{IDLE_S:g}", CALL_PORT, CONTROL_PORT], [answer], {},
                    LIFETIME_S,
                )
                # The test container sees the answer as data, for the static quality
                # measure; it never runs it.
                test_container = self.sandbox.start(
                    runner, [answer, job, report], {}, LIFETIME_S, network_of=answer_container
                )
        except SandboxError:
            if answer_container:
                self.sandbox.remove(answer_container)
            shutil.rmtree(directory, ignore_errors=True)
            raise
        return Slot(directory, isolation, test_container, answer_container, started,
                    time.monotonic() - started)
