"""The host's side of the tester: one long-lived trusted container that runs the hidden
tests of every grading, several at once, each against an answer in a sandbox of an answer
host (container/runners/tester.py is the other side).

Jobs go to it as JSON lines on its standard input and reports come back on its standard
output, both through the engine's API (streams.py): no host file, no host socket. Starting a
container and warming pytest and mypy is paid once per run instead of once per grading
(README, Performance, has the figures). No answer code ever runs in the tester.
"""

from __future__ import annotations

import json
import os
import threading
import time
from dataclasses import dataclass, field, replace
from typing import Callable

from .containers import TESTER_USER, Mount, Sandbox, SandboxError
from .streams import Stream

TESTER = "/opt/llmcode/tester.py"
MAX_AGE_S = 3600.0  # then it takes no new job, and the next one starts another tester
LIFETIME_S = MAX_AGE_S + 600 + 30


@dataclass
class Pending:
    """A job sent, its report to come: `report` once it came, None if the tester ended first."""

    stream: Stream
    done: threading.Event = field(default_factory=threading.Event)
    report: dict[str, object] | None = None

    def wait(self, timeout_s: float) -> bool:
        return self.done.wait(timeout_s)


class Tester:
    """Sends jobs to the tester container of this grading volume, starting it (again) when
    none runs."""

    def __init__(self, sandbox: Sandbox, volume: Callable[[], str], workers: int) -> None:
        self.sandbox = sandbox
        self.volume = volume
        self.workers = max(workers, 1)
        self.container: str | None = None
        self._stream: Stream | None = None
        self._started_at = 0.0
        self._pending: dict[str, Pending] = {}
        self._retired: set[Stream] = set()  # streams of retired testers still running jobs
        self._lock = threading.Lock()

    def submit(self, job_id: str, job: dict[str, object]) -> Pending:
        """Hand a job to the tester; its report arrives in the returned Pending."""
        line = json.dumps({**job, "id": job_id}).encode() + b"\n"
        with self._lock:
            if self._stream is not None and time.monotonic() - self._started_at > MAX_AGE_S:
                self._retire()
            for _ in range(2):
                if self._stream is None:
                    self._start()
                assert self._stream is not None
                pending = self._pending[job_id] = Pending(self._stream)
                try:
                    self._stream.send(line)
                    return pending
                except OSError:
                    self._pending.pop(job_id, None)
                    self._discard()  # it takes no job: dead or stuck
        raise SandboxError("the tester container does not take jobs")

    def warm(self) -> None:
        """Start it ahead of the first job (a failure shows at that job)."""
        with self._lock:
            if self._stream is None:
                try:
                    self._start()
                except SandboxError:
                    pass

    def forget(self, job_id: str) -> None:
        with self._lock:
            pending = self._pending.pop(job_id, None)
            if pending is not None:
                self._end_if_idle(pending.stream)

    def discard(self) -> None:
        with self._lock:
            self._discard()

    def _discard(self) -> None:
        if self._stream is not None:
            self._stream.close()
            self._stream = None
        if self.container is not None:
            self.sandbox.remove(self.container)
            self.container = None

    def _retire(self) -> None:
        """Stop sending it jobs; it ends once those it runs are done: their last report in,
        its stream is closed, which ends its standard input. Not a half-close of the stream
        at once: one over TLS cannot half-close (Python's ssl drops the TLS layer at
        shutdown(), and the reports after it could not be read)."""
        if self._stream is not None:
            self._retired.add(self._stream)
            self._end_if_idle(self._stream)
        self._stream = None
        self.container = None

    def _end_if_idle(self, stream: Stream) -> None:
        """Close a retired tester's stream once no job waits on it (under the lock)."""
        if stream in self._retired and all(p.stream is not stream
                                           for p in self._pending.values()):
            self._retired.discard(stream)
            stream.close()

    def _start(self) -> None:
        limits = self.sandbox.limits
        scaled = replace(
            limits,
            memory_mb=limits.memory_mb * self.workers + 512,
            cpus=float(min(self.workers, os.cpu_count() or 1)),
            pids=limits.pids * self.workers,
            tmpfs_mb=limits.tmpfs_mb * self.workers,
        )
        self.container, self._stream = self.sandbox.start_attached(
            ["python3", TESTER], [Mount(self.volume(), "/grading", writable=True)], {},
            LIFETIME_S, limits=scaled, user=TESTER_USER,
        )
        self._started_at = time.monotonic()
        threading.Thread(target=self._read, args=(self._stream,), daemon=True,
                         name="llmcode-tester-reports").start()

    def _read(self, stream: Stream) -> None:
        """Hand each report to its job; when the stream ends, every job still waiting on
        this tester learns it will get none."""
        try:
            for line in stream.lines():
                try:
                    message = json.loads(line)
                    job_id, report = str(message["job"]), message["report"]
                except (ValueError, KeyError, TypeError):
                    continue
                with self._lock:
                    pending = self._pending.pop(job_id, None)
                    if pending is not None and isinstance(report, dict):
                        pending.report = report
                        pending.done.set()
                    self._end_if_idle(stream)
        finally:
            self._ended(stream)

    def _ended(self, stream: Stream) -> None:
        stream.close()
        with self._lock:
            self._retired.discard(stream)
            if self._stream is stream:
                self._stream = None
                self.container = None
            # Jobs of a retired tester are still in the table: only those sent on this
            # stream end here, and a job is sent on one stream only.
            ended = [job for job, p in self._pending.items() if p.stream is stream]
            for job_id in ended:
                self._pending.pop(job_id).done.set()
