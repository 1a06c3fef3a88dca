"""Answer hosts: long-lived hardened containers that run answers, one at a time each, each
answer in a fresh sandbox of its own (container/runners/answer_host.py and sandbox.py).

One host per grading in flight, started ahead (warm) so that a grading waits for nothing; a
host whose grading ended without a verdict is replaced, since what happened to it is not
known. Each is attached to: closing its stream (the run ends, or the process running it is
killed) closes its standard input, and it ends with its sandbox.
"""

from __future__ import annotations

import secrets
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Callable

from .containers import Mount, Sandbox, SandboxError
from .streams import Stream

ANSWER_HOST = "/opt/llmcode/answer_host.py"
MAX_AGE_S = 3600.0  # then it is replaced, as the tester is
LIFETIME_S = MAX_AGE_S + 600 + 30
WARM_WAIT_S = 60.0  # a grading waits this long at most for a host being started for it


@dataclass
class Host:
    name: str
    container: str
    stream: Stream
    started_at: float
    start_s: float  # what starting its container took, whether or not anyone waited
    ended: threading.Event = field(default_factory=threading.Event)


class AnswerHosts:
    def __init__(self, sandbox: Sandbox, volume: Callable[[], str], warm: int) -> None:
        self.sandbox = sandbox
        self.volume = volume
        self._free: list[Host] = []
        self._starting = 0
        self._changed = threading.Condition()
        self._starter = ThreadPoolExecutor(2, "llmcode-hosts")
        self._closed = False
        for _ in range(warm):
            self._start_ahead()

    def take(self) -> Host:
        """A host running no answer: a free one, one being started, or a new one."""
        deadline = time.monotonic() + WARM_WAIT_S
        with self._changed:
            while True:
                while self._free:
                    host = self._free.pop()
                    if self._usable(host):
                        return host
                    self._end(host)
                if not self._starting or time.monotonic() > deadline:
                    break
                self._changed.wait(max(deadline - time.monotonic(), 0))
        return self._start()

    def release(self, host: Host, healthy: bool) -> None:
        with self._changed:
            if healthy and not self._closed and self._usable(host):
                self._free.append(host)
                self._changed.notify()
                return
        self._end(host)

    def close(self) -> None:
        with self._changed:
            self._closed = True
            hosts, self._free = self._free, []
        self._starter.shutdown(wait=True, cancel_futures=True)
        if hosts:
            with ThreadPoolExecutor(len(hosts), "llmcode-hosts-end") as pool:
                list(pool.map(self._end, hosts))

    def _usable(self, host: Host) -> bool:
        return not host.ended.is_set() and time.monotonic() - host.started_at < MAX_AGE_S

    def _start_ahead(self) -> None:
        with self._changed:
            self._starting += 1
        self._starter.submit(self._start_spare)

    def _start_spare(self) -> None:
        try:
            host: Host | None = None if self._closed else self._start()
        except SandboxError:
            host = None
        with self._changed:
            self._starting -= 1
            if host is not None and not self._closed:
                self._free.append(host)
                host = None
            self._changed.notify_all()
        if host is not None:
            self._end(host)

    def _start(self) -> Host:
        name = secrets.token_hex(8)
        lim = self.sandbox.limits
        started = time.monotonic()
        container, stream = self.sandbox.start_attached(
            ["python3", ANSWER_HOST, name, str(lim.pids), str(lim.tmpfs_mb)],
            [Mount(self.volume(), "/grading", writable=True)], {}, LIFETIME_S, nesting=True,
        )
        host = Host(name, container, stream, started, time.monotonic() - started)
        threading.Thread(target=self._follow, args=(host,), daemon=True,
                         name="llmcode-host").start()
        return host

    def _follow(self, host: Host) -> None:
        """The host prints nothing: its output ends when its container does."""
        for _ in host.stream.lines():
            pass
        host.ended.set()

    def _end(self, host: Host) -> None:
        host.stream.close()
        self.sandbox.remove(host.container)
