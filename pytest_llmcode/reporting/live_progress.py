"""The live progress line on the terminal (answered / graded / spent / ETA) while items
run, and what pytest-xdist workers tell it.

Shown only where it cannot garble anything: on the process that owns the terminal (the
only one under xdist is the controller), when output is a terminal that pytest colours,
not under -q, -s or --collect-only. Every hook through which pytest or xdist writes
while tests run is wrapped: the line is erased before and redrawn after. It is drawn only
once the first test has started, and erased for good when the test loop ends.
"""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path
from typing import Any, Callable, Generator

import pytest

from .live_line import LiveLine
from .progress import Counts, Eta, line, read_counts, write_counts

WORKER_FLAG = "llmcode_progress"  # workerinput: the controller shows progress, so report it


def terminal_fd(config: pytest.Config) -> int | None:
    """A duplicate of the terminal's descriptor if progress may be shown, else None."""
    if config.option.verbose < 0 or config.option.collectonly or hasattr(config, "workerinput"):
        return None
    if config.getoption("capture", "fd") not in ("fd", "sys"):  # -s: tests write anywhere
        return None
    if config.pluginmanager.get_plugin("terminalreporter") is None:
        return None
    if os.environ.get("TERM") == "dumb" or not config.get_terminal_writer().hasmarkup:
        return None
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):  # replaced by something without a descriptor
        return None
    return os.dup(fd) if os.isatty(fd) else None


class LiveProgress:
    """Registered as a plugin by the session when progress is shown."""

    def __init__(self, config: pytest.Config, fd: int, counts: Callable[[], Counts],
                 total: Callable[[], int]) -> None:
        self._config = config
        self._fd = fd
        self._counts = counts
        self._total = total
        self._eta = Eta()
        self._line: LiveLine | None = None
        self._active = False  # a test has started: the line may be drawn

    def _text(self, width: int) -> str:
        counts, total = self._counts(), self._total()
        if not total:
            return ""
        return line(counts, total, self._eta.seconds_left(counts.graded, total), width)

    def _room(self) -> int:
        writer = self._config.get_terminal_writer()
        return writer.fullwidth - writer.width_of_current_line

    @pytest.hookimpl(wrapper=True)
    def pytest_runtestloop(self, session: pytest.Session) -> Generator[None, object, object]:
        self._line = LiveLine(self._fd, self._text, self._room,
                              self._config.get_terminal_writer().flush)
        self._line.start()
        try:
            return (yield)
        finally:
            self._line.stop()
            self._line = None

    def _around(self, first: bool = False) -> Generator[None, object, object]:
        """Erase the line before the hook writes, redraw it after. Nothing is drawn before
        the first test starts (`first`): collection, and xdist starting its workers, write
        to the terminal outside any hook."""
        live = self._line
        if live is None or not (self._active or first):
            return (yield)
        live.pause()
        try:
            return (yield)
        finally:
            self._active = True
            live.resume()

    # Every hook through which pytest or pytest-xdist writes while tests run.
    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_logstart(self) -> Generator[None, object, object]:
        return (yield from self._around(first=True))

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_logreport(self) -> Generator[None, object, object]:
        return (yield from self._around())

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_logfinish(self) -> Generator[None, object, object]:
        return (yield from self._around())

    @pytest.hookimpl(wrapper=True, optionalhook=True)
    def pytest_testnodedown(self) -> Generator[None, object, object]:
        return (yield from self._around())

    @pytest.hookimpl(wrapper=True, optionalhook=True)
    def pytest_testnodeready(self) -> Generator[None, object, object]:
        return (yield from self._around())

    @pytest.hookimpl(wrapper=True, optionalhook=True)
    def pytest_xdist_node_collection_finished(self) -> Generator[None, object, object]:
        return (yield from self._around())

    @pytest.hookimpl(wrapper=True, optionalhook=True)
    def pytest_handlecrashitem(self) -> Generator[None, object, object]:
        return (yield from self._around())

    def close(self) -> None:
        if self._line is not None:
            self._line.stop()
        os.close(self._fd)


def worker_counts_path(run_dir: Path, worker: str) -> Path:
    return run_dir / f"progress-{worker}.json"


def controller_counts(run_dir: Path) -> Callable[[], Counts]:
    return lambda: read_counts(sorted(run_dir.glob("progress-*.json")))


class CountsWriter:
    """On a pytest-xdist worker: the pipeline's counts written to the run's directory
    twice a second, for the controller's progress line."""

    def __init__(self, path: Path, counts: Callable[[], Counts], interval_s: float = 0.5
                 ) -> None:
        self._path = path
        self._counts = counts
        self._interval = interval_s
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, name="llmcode-counts", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while True:
            try:
                write_counts(self._path, self._counts())
            except Exception:  # noqa: BLE001 - progress must never break the run
                return
            if self._stopped.wait(self._interval):
                return

    def stop(self) -> None:
        self._stopped.set()
        self._thread.join(timeout=2)
        try:
            write_counts(self._path, self._counts())
        except Exception:  # noqa: BLE001
            pass


def worker_wants_counts(config: pytest.Config) -> bool:
    return bool(getattr(config, "workerinput", {}).get(WORKER_FLAG))


def configure_node(node: Any, shown: bool) -> None:
    node.workerinput[WORKER_FLAG] = shown
