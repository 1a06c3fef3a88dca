"""Per-endpoint concurrency and requests-per-minute limits, shared by every thread and
process on the machine that talks to the same endpoint (pytest-xdist workers, two runs).

Concurrency: `concurrency` slot files in a directory derived from the endpoint; a request
holds an exclusive `flock` on one of them while it is in flight. The kernel releases the
lock when the holder dies, so a killed worker never leaks a slot.

Requests per minute: the start times of the last window's requests in a shared state file;
a request that would be one too many waits until the oldest leaves the window.
"""

from __future__ import annotations

import fcntl
import hashlib
import random
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Callable, Iterator

from .sharedstate import locked_json

WINDOW_S = 60.0
POLL_S = 0.02


def endpoint_dir(base_url: str) -> Path:
    """Where the limits of one endpoint live: the same for every process on this machine."""
    digest = hashlib.sha256(base_url.rstrip("/").encode()).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / "pytest-llmcode" / f"endpoint-{digest}"


class RateLimiter:
    def __init__(
        self,
        directory: Path,
        concurrency: int,
        rpm: int | None = None,
        window_s: float = WINDOW_S,
        clock: Callable[[], float] = time.time,
        poll_s: float = POLL_S,
    ) -> None:
        self.directory = directory
        self.concurrency = concurrency
        self.rpm = rpm
        self.window_s = window_s
        self._clock = clock
        self._poll_s = poll_s
        directory.mkdir(parents=True, exist_ok=True)

    @contextmanager
    def slot(self, pause: Callable[[float], None]) -> Iterator[float]:
        """Hold one concurrency slot (and one request of the per-minute budget) for the
        duration of the block. Yields the seconds spent waiting for the per-minute limit;
        queueing for a free slot is not counted as waiting. `pause` sleeps and may raise to
        abandon the wait."""
        held = self._take_slot(pause)
        try:
            yield self._take_minute_share(pause)
        finally:
            held.close()  # closing the file releases its lock

    def _take_slot(self, pause: Callable[[float], None]) -> IO[str]:
        first = random.randrange(self.concurrency)
        while True:
            for n in range(self.concurrency):
                index = (first + n) % self.concurrency
                handle = open(self.directory / f"slot-{index}.lock", "a")
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    handle.close()
                    continue
                return handle
            pause(self._poll_s)

    def _take_minute_share(self, pause: Callable[[float], None]) -> float:
        if self.rpm is None:
            return 0.0
        waited = 0.0
        while True:
            with locked_json(self.directory / "rpm.json") as state:
                now = self._clock()
                starts = sorted(
                    t for t in state.get("starts", []) if isinstance(t, (int, float))
                    and now - self.window_s < t <= now + 1.0
                )
                if len(starts) < self.rpm:
                    state["starts"] = [*starts, now]
                    return waited
                state["starts"] = starts
                delay = starts[len(starts) - self.rpm] + self.window_s - now
            delay = max(delay, self._poll_s)
            pause(delay)
            waited += delay

