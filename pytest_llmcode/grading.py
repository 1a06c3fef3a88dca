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
from dataclasses import dataclass, field, replace
from pathlib import Path

from .cases import EvalCase
from .quality import Quality, read_quality
from .sandbox import Mount, Sandbox, SandboxError
from .sanitize import sanitize

REPORT_LIMIT = 2 << 20
RUNNER = "/opt/llmcode/run.py"


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
    quality: Quality | None = None  # the sandbox's static measure of the answer

    @property
    def failed_tests(self) -> list[TestResult]:
        return [t for t in self.tests if t.outcome != "passed"]


class Grader:
    def __init__(self, sandbox: Sandbox, scratch: Path) -> None:
        self.sandbox = sandbox
        self.scratch = scratch

    def grade(self, case: EvalCase, code: str, expected_ids: frozenset[str] | None) -> Grade:
        started = time.monotonic()
        workdir = Path(tempfile.mkdtemp(prefix=f"{case.name}-", dir=self.scratch))
        try:
            answer_dir = workdir / "answer"
            report_dir = workdir / "report"
            answer_dir.mkdir()
            report_dir.mkdir()
            # The container runs as nobody: it may write its report, nothing else of ours.
            report_dir.chmod(0o777)
            (answer_dir / case.solution_file).write_text(code, encoding="utf-8")
            nonce = secrets.token_hex(16)
            try:
                run = self.sandbox.run(
                    ["python3", RUNNER, case.language, case.interface, case.solution_file,
                     f"{case.timeout_s:g}"],
                    mounts=[
                        Mount(str(case.tests_dir.resolve()), "/case"),
                        Mount(str(answer_dir), "/answer"),
                        Mount(str(report_dir), "/report", writable=True),
                    ],
                    environment={"LLMCODE_NONCE": nonce},
                    time_limit_s=case.timeout_s,
                )
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
            report = read_report(report_dir / "report.json")
            if report is None:
                return Grade(
                    "error",
                    "the sandbox produced no readable report "
                    f"(container exit code {run.exit_code}); the runner may have been killed "
                    "by the memory limit or the engine",
                    duration_s=duration,
                )
            grade = verdict(report, nonce, expected_ids, case, duration)
            if report.get("nonce") == nonce:
                grade = replace(grade, quality=read_quality(report.get("quality")))
            return grade
        finally:
            shutil.rmtree(workdir, ignore_errors=True)


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
    output = sanitize(str(report.get("output", "")))
    stage = str(report.get("stage", ""))
    if report.get("nonce") != nonce:
        return Grade("failed", "the test report was forged (it lacks this run's nonce)",
                     stage, (), output, duration)
    tests = tuple(_tests(report.get("tests")))
    if stage == "compile":
        return Grade("failed", "the answer does not build", stage, tests, output, duration)
    if stage == "timeout":
        return Grade("failed", f"the tests did not finish within {case.timeout_s:g} s",
                     stage, tests, output, duration)
    seen = {t.id for t in tests}
    expected = expected_ids if expected_ids is not None else frozenset(seen)
    missing = tuple(sorted(expected - seen))
    unexpected = sorted(seen - expected)
    not_passed = [t for t in tests if t.id in expected and t.outcome != "passed"]
    if not expected:
        return Grade("failed", "no hidden test reported a result", stage, tests, output, duration)
    if not missing and not unexpected and not not_passed:
        return Grade("passed", f"all {len(expected)} hidden tests passed", stage, tests,
                     output, duration)
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
    return Grade("failed", "; ".join(parts), stage, tests, output, duration, missing)


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
