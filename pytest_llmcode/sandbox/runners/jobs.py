"""Shared by the runners: waiting for a job, and compiling TypeScript.

Containers are started before their job exists (a warm pool); the host then writes the
job's files into a mounted directory, `job.json` last, and the container proceeds.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

# TypeScript: check the answer strictly but skip re-checking the bundled .d.ts files, and
# use the ES2020 library plus a small declaration of console (about 3.5x faster than the
# full DOM library on one core).
TSC = ["tsc", "--strict", "--noEmitOnError", "--skipLibCheck", "--target", "es2020",
       "--lib", "es2020", "--module", "commonjs"]
OUTPUT_LIMIT = 16_000
TS_GLOBALS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "ts-globals.d.ts")


def wait_for_job(path: str, idle_s: float) -> dict:
    """The job, or exit quietly when none came within idle_s (a spare nobody needed)."""
    until = time.monotonic() + idle_s
    while time.monotonic() < until:
        try:
            with open(path, encoding="utf-8") as fh:
                return json.load(fh)
        except (OSError, ValueError):
            time.sleep(0.005)
    sys.exit(0)


def compile_typescript(workdir: str, source: str, deadline: float) -> tuple[int | None, str]:
    """(exit code or None on timeout, compiler output); writes the .js next to the source."""
    try:
        done = subprocess.run(
            [*TSC, "--outDir", workdir, source, TS_GLOBALS],
            cwd=workdir, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, timeout=max(deadline - time.monotonic(), 0.1),
        )
    except subprocess.TimeoutExpired as exc:
        return None, (exc.stdout or b"").decode("utf-8", "replace")
    return done.returncode, done.stdout.decode("utf-8", "replace")


def tail(path: str) -> str:
    """The last OUTPUT_LIMIT bytes of a file the answer may have filled, as text."""
    try:
        with open(path, "rb") as fh:
            fh.seek(0, os.SEEK_END)
            fh.seek(max(fh.tell() - OUTPUT_LIMIT, 0))
            return fh.read().decode("utf-8", "replace")
    except OSError:
        return ""
