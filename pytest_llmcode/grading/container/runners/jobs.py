"""Shared by the runners: reading an answer's job, and compiling TypeScript.

The tester writes an answer's files into its slot, `job.json` last, before it asks an
answer host to start the answer's sandbox: the supervisor finds its job at once.
"""

from __future__ import annotations

import json
import os
import select
import signal
import sys
import time

TYPE_CHECKING = False  # not typing's: importing typing costs every answer's container
if TYPE_CHECKING:
    from typing import TypedDict

    class Job(TypedDict):
        language: str
        interface: str
        solution_file: str
        limit: float

# TypeScript: check the answer strictly but skip re-checking the bundled .d.ts files, and
# use the ES2020 library plus a small declaration of console, much faster to load than the
# full DOM library.
TSC_OPTIONS = ["--strict", "--noEmitOnError", "--skipLibCheck", "--target", "es2020",
               "--lib", "es2020", "--module", "commonjs"]
OUTPUT_LIMIT = 16_000
HERE = os.path.dirname(os.path.abspath(__file__))
TS_GLOBALS = os.path.join(HERE, "ts-globals.d.ts")
COMPILE_TS = os.path.join(HERE, "compile_ts.js")


def wait_for_job(path: str, idle_s: float) -> Job:
    """The job, or exit quietly when none came within idle_s (a spare nobody needed).

    Sleeps until something changes in the job's directory (inotify): a spare that polled
    would spend CPU the gradings next to it need."""
    until = time.monotonic() + idle_s
    job = _read_job(path)
    if job is not None:
        return job  # an answer host's sandbox starts once its job is there
    with DirectoryWatch(os.path.dirname(path)) as watch:
        while time.monotonic() < until:
            job = _read_job(path)
            if job is not None:
                return job
            watch.wait(min(until - time.monotonic(), 0.5))
    sys.exit(0)


def _read_job(path: str) -> Job | None:
    try:
        with open(path, encoding="utf-8") as fh:
            job: Job = json.load(fh)
            return job
    except (OSError, ValueError):
        return None


class DirectoryWatch:
    """Wakes up on a change in a directory (Linux inotify; falls back to a short sleep)."""

    IN_CLOSE_WRITE, IN_MOVED_TO, IN_CREATE = 0x8, 0x80, 0x100

    def __init__(self, directory: str) -> None:
        import ctypes  # here: most supervisors find their job at once and never watch

        libc = ctypes.CDLL(None, use_errno=True)
        self.fd = libc.inotify_init1(os.O_NONBLOCK | os.O_CLOEXEC)
        mask = self.IN_CLOSE_WRITE | self.IN_MOVED_TO | self.IN_CREATE
        if self.fd >= 0 and libc.inotify_add_watch(self.fd, directory.encode(), mask) < 0:
            os.close(self.fd)
            self.fd = -1

    def wait(self, timeout: float) -> None:
        if self.fd < 0:
            time.sleep(min(timeout, 0.005))
            return
        if select.select([self.fd], [], [], max(timeout, 0))[0]:
            try:
                os.read(self.fd, 1 << 16)
            except BlockingIOError:
                pass

    def __enter__(self) -> DirectoryWatch:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.fd >= 0:
            os.close(self.fd)


def compile_typescript(workdir: str, source: str, deadline: float) -> tuple[int | None, str]:
    """(exit code or None on timeout, compiler output); writes the .js next to the source.
    The compiler sees the answer without its comments (compile_ts.js): no suppression
    comment switches off the strict check."""
    return run(["node", COMPILE_TS, source, "--", *TSC_OPTIONS, "--outDir", workdir, TS_GLOBALS],
               deadline, cwd=workdir)


def run(cmd: list[str], deadline: float, env: dict[str, str] | None = None,
        cwd: str | None = None, limit: int | None = OUTPUT_LIMIT) -> tuple[int | None, str]:
    """Run cmd in its own process group, which is killed when it ends or at the deadline;
    None as the code means it timed out. The output's last `limit` characters (None: all)."""
    import subprocess  # here: the answer containers of most languages never need it

    proc = subprocess.Popen(
        cmd,
        cwd=cwd,
        env={**os.environ, **(env or {})},
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        out, _ = proc.communicate(timeout=max(deadline - time.monotonic(), 0.1))
        code: int | None = proc.returncode
    except subprocess.TimeoutExpired:
        kill_group(proc.pid)
        out, _ = proc.communicate()
        code = None
    finally:
        kill_group(proc.pid)
    text = out.decode("utf-8", "replace")
    return code, text if limit is None else text[-limit:]


def kill_group(pgid: int) -> None:
    try:
        os.killpg(pgid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def tail(path: str) -> str:
    """The last OUTPUT_LIMIT bytes of a file the answer may have filled, as text."""
    try:
        with open(path, "rb") as fh:
            fh.seek(0, os.SEEK_END)
            fh.seek(max(fh.tell() - OUTPUT_LIMIT, 0))
            return fh.read().decode("utf-8", "replace")
    except OSError:
        return ""
