"""SIGTERM ends a run the way Ctrl-C does: pytest's orderly KeyboardInterrupt path (finish
the report, remove containers) instead of an abrupt exit."""

from __future__ import annotations

import signal
import threading
from types import FrameType
from typing import Callable


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt(f"received signal {signal.Signals(signum).name}")


def sigterm_as_interrupt() -> Callable[[], None]:
    """Install the handler unless another one is installed; returns what undoes it."""
    if threading.current_thread() is not threading.main_thread():
        return lambda: None
    if signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL:
        return lambda: None
    signal.signal(signal.SIGTERM, _interrupt)

    def restore() -> None:
        if signal.getsignal(signal.SIGTERM) is _interrupt:
            signal.signal(signal.SIGTERM, signal.SIG_DFL)

    return restore
