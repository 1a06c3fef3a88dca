"""A status written after the cursor on the terminal's current line, redrawn twice a
second, and erased before anything else is written there.

The text goes right after what pytest has written so far on the line (its dots, or a test
id under -v), and the cursor is moved back to where it was, so pytest's next character
lands where it would have anyway. Whoever writes to the terminal calls `pause()` first
(which erases the status) and `resume()` after (which redraws it); between the two, the
line belongs to them. It writes to its own duplicate of the terminal's file descriptor, so
pytest's output capture during a test never swallows it.
"""

from __future__ import annotations

import os
import threading
from typing import Callable

ERASE = "\x1b[K"  # from the cursor to the end of the line


class LiveLine:
    def __init__(self, fd: int, text: Callable[[int], str], room: Callable[[], int],
                 flush: Callable[[], None], interval_s: float = 0.5) -> None:
        """fd: the terminal; text(width): the status, at most `width` columns; room(): the
        columns left on the current line; flush(): pushes out what pytest has buffered."""
        self._fd = fd
        self._text = text
        self._room = room
        self._flush = flush
        self._interval = interval_s
        self._lock = threading.RLock()
        self._drawn = 0  # columns of status on the screen now
        self._paused = True
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, name="llmcode-progress", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        """Erase the status for good and end the thread."""
        self._stopped.set()
        with self._lock:
            self._erase()
            self._paused = True
        if self._thread.is_alive():
            self._thread.join(timeout=2)

    def pause(self) -> None:
        """Someone is about to write: take the status off the line. Pair with resume()."""
        self._lock.acquire()
        self._erase()
        self._paused = True

    def resume(self) -> None:
        """Called by whoever paused, on the same thread, when their writing is done."""
        try:
            if not self._stopped.is_set():
                self._paused = False
                self._flush()
                self._draw()
        finally:
            self._lock.release()

    def _run(self) -> None:
        while not self._stopped.wait(self._interval):
            with self._lock:
                if not self._paused and not self._stopped.is_set():
                    try:
                        self._draw()
                    except Exception:  # noqa: BLE001 - a status line must never break a run
                        self._erase()
                        self._stopped.set()

    def _draw(self) -> None:
        room = self._room() - 2
        text = self._text(room) if room > 10 else ""
        out = (ERASE if self._drawn else "") + (" " + text if text else "")
        if text:
            out += f"\x1b[{len(text) + 1}D"
        self._drawn = len(text) + 1 if text else 0
        self._write(out)

    def _erase(self) -> None:
        if self._drawn:
            self._drawn = 0
            self._write(ERASE)

    def _write(self, text: str) -> None:
        if not text:
            return
        try:
            os.write(self._fd, text.encode("ascii", "replace"))
        except OSError:  # the terminal went away: say nothing more
            self._stopped.set()
