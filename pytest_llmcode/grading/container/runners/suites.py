"""How the tester runs a hidden suite and reports it (trusted code, image-baked).

A report is one JSON object, sent to the host on the tester's standard output: {"nonce",
"stage", "tests": [{"id", "outcome", "message"}], "output", "timings", "quality"}, the nonce
the host sent with the job. Stages: "compile" (the answer
did not build), "timeout" (the run hit the time limit), "setup" (the harness could not run
the tests: the host then checks the infrastructure before it blames anyone), "test" (tests
ran). Python runs pytest in a fork of the tester's warm interpreter; JavaScript and
TypeScript `node --test`; Go its own (go_suite.py).
"""

from __future__ import annotations

import json
import os
import signal
import socket
import sys
import time
from typing import Callable

from jobs import OUTPUT_LIMIT, run
from quality import Measurement

HERE = os.path.dirname(os.path.abspath(__file__))


def finish_report(report: dict[str, object], started: float, quality: Measurement | None,
                  deadline: float, nonce: str) -> None:
    """Timings, the quality measure (None: not taken), the nonce and the output's bounded
    tail."""
    timings = report.setdefault("timings", {})
    assert isinstance(timings, dict)
    timings["test_s"] = round(time.monotonic() - started - timings.get("compile_s", 0.0), 4)
    report["quality"] = quality.finish(deadline) if quality is not None else None
    timings["quality_wait_s"] = round(time.monotonic() - started - timings["test_s"]
                                      - timings.get("compile_s", 0.0), 4)
    report["nonce"] = nonce
    report["output"] = str(report.get("output", ""))[-OUTPUT_LIMIT:]


def no_dumps() -> None:
    """Make this process non-dumpable: its memory and /proc files are then closed to other
    processes of its user."""
    import ctypes

    pr_set_dumpable = 4
    if ctypes.CDLL(None, use_errno=True).prctl(pr_set_dumpable, 0, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_DUMPABLE, 0) failed")


def outcome_report(stage: str, tests: list[dict[str, str]], output: str) -> dict[str, object]:
    return {"stage": stage, "tests": tests, "output": output}


def read_jsonl(path: str) -> list[dict[str, str]]:
    if not os.path.exists(path):
        return []
    rows = []
    with open(path, encoding="utf-8", errors="replace") as fh:
        for line in fh:
            try:
                rows.append(json.loads(line))
            except ValueError:
                continue
    return rows


# pytest's own plugins that serve options a grading never passes: set up in every run, they
# cost about a fifth of a small case's pytest time.
UNUSED_PLUGIN_NAMES = ("cacheprovider", "doctest", "junitxml", "pastebin", "stepwise",
                       "setuponly", "setupplan", "debugging", "faulthandler")
UNUSED_PLUGINS = [arg for name in UNUSED_PLUGIN_NAMES for arg in ("-p", f"no:{name}")]
# A one-file case's settings mark: known here, so no grading's output warns about it.
CASE_MARKER = "llmcode: the eval case's settings (read by pytest-llmcode on the host)"


def start_pytest(work: str, results: str, env: dict[str, str], close: tuple[socket.socket, ...],
                 before: Callable[[], None]) -> int:
    """pytest in a forked child of this warm interpreter, in its own session (the answer runs
    in another container). The child writes its results to RESULTS/pytest.jsonl and its
    output to RESULTS/pytest.out."""
    import pytest

    pid = os.fork()
    if pid == 0:
        try:
            for sock in close:
                sock.close()
            os.setsid()
            out = os.open(os.path.join(results, "pytest.out"),
                          os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            os.dup2(out, 1)
            os.dup2(out, 2)
            os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
            os.environ.update(env, LLMCODE_RESULTS=os.path.join(results, "pytest.jsonl"))
            os.chdir(work)
            before()
            code = pytest.main(["-q", *UNUSED_PLUGINS, "-p", "pytest_reporter",
                                "-o", f"markers={CASE_MARKER}", "--rootdir", work, work])
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(int(code))
        finally:
            os._exit(70)
    return pid


def wait_child(pid: int, deadline: float) -> bool:
    while time.monotonic() < deadline:
        if os.waitpid(pid, os.WNOHANG)[0] == pid:
            return True
        time.sleep(0.005)
    os.killpg(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    return False


def run_node_tests(deadline: float, env: dict[str, str], work: str,
                   results: str) -> tuple[str, list[dict[str, str]], str]:
    results_file = os.path.join(results, "node.jsonl")
    files = sorted(n for n in os.listdir(work) if n.endswith(".test.js"))
    code, output = run(
        ["node", "--test", "--test-reporter", os.path.join(HERE, "node_reporter.mjs"),
         "--test-reporter-destination", results_file, *files],
        deadline,
        env,
        cwd=work,
    )
    return ("timeout" if code is None else "test"), read_jsonl(results_file), output
