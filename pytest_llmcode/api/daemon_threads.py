"""A pool of daemon threads for the HTTP side.

httpx cannot abort a read that another thread is blocked in, and ThreadPoolExecutor joins
its threads at interpreter exit, so one abandoned request would hold an interrupted run
open until its timeout. A daemon thread blocked on an abandoned answer ends with the process.
"""

from __future__ import annotations

import queue
import threading
from typing import Callable

Task = Callable[[], None]


class DaemonPool:
    def __init__(self, size: int, name: str) -> None:
        self._size = size
        self._name = name
        self._tasks: queue.SimpleQueue[Task | None] = queue.SimpleQueue()
        self._threads: list[threading.Thread] = []
        self._changed = threading.Condition()
        self._unfinished = 0
        self._closed = False

    def submit(self, task: Task) -> None:
        with self._changed:
            if self._closed:
                raise RuntimeError("the pool is shut down")
            self._unfinished += 1
            if len(self._threads) < min(self._size, self._unfinished):
                thread = threading.Thread(
                    target=self._work, name=f"{self._name}-{len(self._threads)}", daemon=True
                )
                self._threads.append(thread)
                thread.start()
        self._tasks.put(task)

    def cancel_pending(self) -> int:
        """Drop the tasks no thread has started; returns how many."""
        dropped = 0
        while True:
            try:
                task = self._tasks.get_nowait()
            except queue.Empty:
                break
            if task is None:
                self._tasks.put(None)
                break
            dropped += 1
        with self._changed:
            self._unfinished -= dropped
            self._changed.notify_all()
        return dropped

    def wait_idle(self, timeout_s: float) -> bool:
        """Wait until every started task has finished, at most timeout_s; True if idle."""
        with self._changed:
            return self._changed.wait_for(lambda: self._unfinished <= 0, timeout_s)

    def shutdown(self) -> None:
        """No new tasks; idle threads end, busy ones end when their task returns."""
        with self._changed:
            self._closed = True
            count = len(self._threads)
        for _ in range(count):
            self._tasks.put(None)

    def _work(self) -> None:
        while True:
            task = self._tasks.get()
            if task is None:
                return
            try:
                task()
            except BaseException:  # noqa: BLE001 - tasks report their own failures
                pass
            finally:
                with self._changed:
                    self._unfinished -= 1
                    self._changed.notify_all()
