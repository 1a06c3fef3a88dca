"""Grading: run an answer against a case's hidden tests in the sandbox and decide a verdict.

Exit codes and output are never evidence of a pass: the verdict comes from the runner's
JSON report, which must carry this grading's random nonce and name every hidden test.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import stat
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from .cases import EvalCase
from .sandbox import ContainerRun, Mount, Sandbox, SandboxError
from .sanitize import sanitize

REPORT_LIMIT = 2 << 20
RUNNER = "/opt/llmcode/run.py"
REPORT = "/report/report.json"
SERVE = "/opt/llmcode/serve.py"


@dataclass(frozen=True)
class TestResult:
    id: str
    outcome: str
    message: str = ""


@dataclass(frozen=True)
class Grade:
    verdict: str  # passed | failed | error
    message: str
    stage: str = ""
    tests: tuple[TestResult, ...] = ()
    output: str = ""
    duration_s: float = 0.0
    missing: tuple[str, ...] = field(default=())
    isolation: str = ""  # container | process: where the verdict was obtained

    @property
    def failed_tests(self) -> list[TestResult]:
        return [t for t in self.tests if t.outcome != "passed"]


CALL_PORT, CONTROL_PORT = "8080", "8079"
# Languages whose hidden tests must share a process with the answer (Go's package tests).
PROCESS_ONLY = frozenset({"go"})


class Grader:
    """Grades answers in the sandbox.

    isolation="container" (the default) runs the answer and the hidden tests in two
    containers that share only a loopback interface; "process" runs them in one container
    (always so for Go, whose tests are white-box package tests).
    """

    def __init__(self, sandbox: Sandbox, scratch: Path, isolation: str = "container") -> None:
        self.sandbox = sandbox
        self.scratch = scratch
        self.isolation = isolation

    def isolation_for(self, case: EvalCase) -> str:
        return "process" if case.language in PROCESS_ONLY else self.isolation

    def grade(self, case: EvalCase, code: str, expected_ids: frozenset[str] | None) -> Grade:
        started = time.monotonic()
        workdir = Path(tempfile.mkdtemp(prefix=f"{case.name}-", dir=self.scratch))
        try:
            answer_dir = workdir / "answer"
            answer_dir.mkdir()
            (answer_dir / case.solution_file).write_text(code, encoding="utf-8")
            nonce = secrets.token_hex(16)
            # The nonce reaches the runner in its report file, never in an environment (every
            # process in a container can read /proc/1/environ): the runner reads and erases it
            # before any answer code runs, then writes its report over it. The file alone is
            # mounted, so the container can create no other file on the host and this one
            # stays under the file-size limit.
            report_file = workdir / "report.json"
            report_file.write_text(nonce, encoding="ascii")
            # The test container runs as nobody: it may write its report, nothing else of ours.
            report_file.chmod(0o666)
            try:
                run = self._run(case, answer_dir, report_file)
            except SandboxError as exc:
                return Grade("error", str(exc), duration_s=time.monotonic() - started)
            duration = time.monotonic() - started
            if run.killed_by_watchdog:
                return Grade(
                    "error",
                    f"the sandbox did not stop within {case.timeout_s:g} s plus "
                    f"{self.sandbox.limits.watchdog_grace_s:g} s grace; the host killed it",
                    duration_s=duration,
                )
            report = read_report(report_file)
            if report is None:
                return Grade(
                    "error",
                    "the sandbox produced no readable report "
                    f"(container exit code {run.exit_code}); the runner may have been killed "
                    "by the memory limit or the engine",
                    duration_s=duration,
                )
            return verdict(report, nonce, expected_ids, case, duration)
        finally:
            shutil.rmtree(workdir, ignore_errors=True)

    def _run(self, case: EvalCase, answer_dir: Path, report_file: Path) -> ContainerRun:
        runner = ["python3", RUNNER, case.language, case.interface, case.solution_file,
                  f"{case.timeout_s:g}"]
        answer = Mount(str(answer_dir), "/answer")
        tests = Mount(str(case.tests_dir.resolve()), "/case")
        report = Mount(str(report_file), REPORT, writable=True)
        # The runner stops itself at the case's limit; the container's own limit is a
        # backstop a little later, the host watchdog later still.
        limit = case.timeout_s + 5
        if self.isolation_for(case) == "process":
            test_container = self.sandbox.start(runner, [tests, answer, report], {}, limit)
            return self.sandbox.wait(test_container, limit)
        answer_container = self.sandbox.start(
            ["python3", SERVE, case.language, case.interface, case.solution_file, CALL_PORT,
             CONTROL_PORT],
            [answer], {}, limit + 5,
        )
        try:
            test_container = self.sandbox.start(
                [*runner, CALL_PORT, CONTROL_PORT], [tests, report], {}, limit,
                network_of=answer_container,
            )
            return self.sandbox.wait(test_container, limit)
        finally:
            self.sandbox.remove(answer_container)


def read_report(path: Path) -> dict[str, object] | None:
    """Read the runner's report without following a link the container made, size-bounded."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return None
    with os.fdopen(fd, "rb") as fh:
        if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
            return None
        data = fh.read(REPORT_LIMIT + 1)
    if len(data) > REPORT_LIMIT:
        return None
    try:
        report = json.loads(data.decode("utf-8", "replace"))
    except ValueError:
        return None
    return report if isinstance(report, dict) else None


def verdict(
    report: dict[str, object],
    nonce: str,
    expected_ids: frozenset[str] | None,
    case: EvalCase,
    duration: float,
) -> Grade:
    """Decide from the runner's report alone: a pass needs this grading's nonce and every
    expected test id, each passed, and no other id."""
    output = sanitize(str(report.get("output", "")))
    stage = str(report.get("stage", ""))
    isolation = str(report.get("isolation", ""))
    tests = tuple(_tests(report.get("tests")))

    def grade(status: str, message: str, missing: tuple[str, ...] = ()) -> Grade:
        return Grade(status, message, stage, tests, output, duration, missing, isolation)

    if report.get("nonce") != nonce:
        tests = ()
        return grade("failed", "the test report was forged (it lacks this grading's nonce)")
    if stage == "setup":
        return grade("error", f"the sandbox could not start the answer: {output[-500:]}")
    if stage == "compile":
        return grade("failed", "the answer does not build")
    if stage == "integrity":
        return grade("failed", f"integrity check: {output[-500:]}")
    if stage == "timeout":
        return grade("failed", f"the tests did not finish within {case.timeout_s:g} s")
    seen = {t.id for t in tests}
    expected = expected_ids if expected_ids is not None else frozenset(seen)
    missing = tuple(sorted(expected - seen))
    unexpected = sorted(seen - expected)
    not_passed = [t for t in tests if t.id in expected and t.outcome != "passed"]
    if not expected:
        return grade("failed", "no hidden test reported a result")
    if not missing and not unexpected and not not_passed:
        return grade("passed", f"all {len(expected)} hidden tests passed")
    parts = []
    if not_passed:
        parts.append(
            f"{len(not_passed)} of {len(expected)} hidden tests did not pass: "
            + ", ".join(f"{t.id} ({t.outcome})" for t in not_passed)
        )
    if missing:
        parts.append(f"{len(missing)} hidden tests never reported: " + ", ".join(missing))
    if unexpected:
        parts.append("tests that are not in the hidden suite reported: " + ", ".join(unexpected))
    return grade("failed", "; ".join(parts), missing)


def _tests(raw: object) -> list[TestResult]:
    if not isinstance(raw, list):
        return []
    results = []
    for row in raw:
        if isinstance(row, dict) and isinstance(row.get("id"), str):
            results.append(
                TestResult(
                    sanitize(row["id"], 300),
                    str(row.get("outcome", "unknown")),
                    sanitize(str(row.get("message", "")), 2000),
                )
            )
    return results
