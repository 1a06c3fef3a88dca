"""Shared by the runners: reading an answer's job, and compiling TypeScript.

The tester writes an answer's files into its slot, `job.json` last, before it asks an
answer host to start the answer's sandbox: the supervisor finds its job at once.
"""

from __future__ import annotations

import json
import os
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
    """The job, or exit quietly when none came within idle_s. The tester writes it before it
    asks for the sandbox, so it is there at once unless something went wrong."""
    until = time.monotonic() + idle_s
    while True:
        try:
            with open(path, encoding="utf-8") as fh:
                job: Job = json.load(fh)
                return job
        except (OSError, ValueError):
            if time.monotonic() > until:
                sys.exit(0)
            time.sleep(0.01)


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
