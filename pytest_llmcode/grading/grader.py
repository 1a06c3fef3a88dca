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
import time
from dataclasses import replace
from pathlib import Path

from ..cases import EvalCase
from ..files import write_atomic
from ..sanitize import sanitize
from ..status import ERROR, FAILED, PASSED, Verdict
from .containers import Sandbox, SandboxError
from .grade import Grade, TestResult
from .quality_report import read_quality
from .tester_client import Tester
from .warm_pool import Slot, WarmPool

REPORT_LIMIT = 2 << 20


# Languages whose hidden tests must share a process with the answer (Go's package tests).
PROCESS_ONLY = frozenset({"go"})


class Grader:
    """Grades answers in the sandbox.

    isolation="container" (the default) runs each answer in a fresh container of its own and
    its hidden tests in the tester, a long-lived trusted container that no answer code ever
    runs in; only plain data crosses, through a socket the tester owns. "process" runs the
    answer and its tests in one fresh container (always so for Go, whose tests are white-box
    package tests). Containers come from a warm pool with `spares` started ahead; the
    tester is sized to run `workers` gradings at once.
    """

    def __init__(
        self, sandbox: Sandbox, scratch: Path, isolation: str = "container", workers: int = 1,
        spares: int = 0,
    ) -> None:
        self.sandbox = sandbox
        self.isolation = isolation
        self.directory = scratch / "grading"
        self.directory.mkdir(exist_ok=True)
        self.directory.chmod(0o755)
        self.pool = WarmPool(sandbox, self.directory, spares)
        self.tester = Tester(sandbox, self.directory, workers)

    def close(self) -> None:
        self.pool.close()
        self.tester.discard()

    def isolation_for(self, case: EvalCase) -> str:
        return "process" if case.language in PROCESS_ONLY else self.isolation

    def grade(self, case: EvalCase, code: str, expected_ids: frozenset[str] | None) -> Grade:
        started = time.monotonic()
        try:
            slot = self.pool.take(self.isolation_for(case))
        except SandboxError as exc:
            return Grade(ERROR, str(exc), duration_s=time.monotonic() - started)
        waited = time.monotonic() - started
        try:
            nonce = secrets.token_hex(16)
            job = _assign(slot, case, code, nonce)
            follow = slot.container
            if slot.isolation == "container":
                follow = self.tester.submit({**job, "slot": slot.directory.name})
            run = self.sandbox.wait_until(
                follow, lambda: read_report(slot.report_file) is not None, case.timeout_s
            )
            duration = time.monotonic() - started
            if run.killed_by_watchdog:
                return Grade(
                    ERROR,
                    f"the sandbox did not stop within {case.timeout_s:g} s plus "
                    f"{self.sandbox.limits.watchdog_grace_s:g} s grace; the host killed it",
                    duration_s=duration,
                )
            report = read_report(slot.report_file)
            if report is None:
                return Grade(
                    ERROR,
                    "the sandbox produced no readable report "
                    f"(container exit code {run.exit_code}); the runner may have been killed "
                    "by the memory limit or the engine",
                    duration_s=duration,
                )
            grade = verdict(report, nonce, expected_ids, case, duration)
            timings = {**grade.timings, "container_start_s": round(slot.start_s, 4),
                       "waited_for_container_s": round(waited, 4)}
            quality = read_quality(report.get("quality")) if report.get("nonce") == nonce else None
            return replace(grade, timings=timings, quality=quality)
        except SandboxError as exc:
            return Grade(ERROR, str(exc), duration_s=time.monotonic() - started)
        finally:
            self.pool.release(slot)


def _assign(slot: Slot, case: EvalCase, code: str, nonce: str) -> dict[str, object]:
    """Hand the job over: the hidden tests and the answer, each where only its side reads
    it; in process mode job.json is written last, atomically, and the container proceeds.
    Returns the job.

    The nonce goes into the report file itself, never into a job file or an environment:
    the runner reads and erases it before any answer code runs, then writes its report
    over it."""
    slot.report_file.write_text(nonce, encoding="ascii")
    answer = slot.answer_dir / case.solution_file
    answer.write_text(code, encoding="utf-8")
    answer.chmod(0o644)  # the containers' user reads it, whatever the host's umask
    tests = slot.job_dir / "case"
    tests.mkdir()
    tests.chmod(0o755)
    for test_file in case.test_files():
        shutil.copyfile(test_file, tests / test_file.name)
        (tests / test_file.name).chmod(0o644)
    job: dict[str, object] = {"language": case.language, "interface": case.interface,
                              "solution_file": case.solution_file, "limit": case.timeout_s}
    if slot.isolation == "process":
        write_atomic(slot.job_dir / "job.json", json.dumps(job), mode=0o644)
    return job


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

    raw_timings = report.get("timings")
    timings = {
        str(k): float(v) for k, v in (raw_timings.items() if isinstance(raw_timings, dict) else ())
        if isinstance(v, (int, float))
    }

    def grade(status: Verdict, message: str, missing: tuple[str, ...] = ()) -> Grade:
        return Grade(status, message, stage, tests, output, duration, missing, isolation, timings)

    if report.get("nonce") != nonce:
        tests = ()
        return grade(FAILED, "the test report was forged (it lacks this grading's nonce)")
    if stage == "setup":
        return grade(ERROR, f"the sandbox could not start the answer: {output[-500:]}")
    if stage == "compile":
        return grade(FAILED, "the answer does not build")
    if stage == "integrity":
        return grade(FAILED, f"integrity check: {output[-500:]}")
    if stage == "timeout":
        return grade(FAILED, f"the tests did not finish within {case.timeout_s:g} s")
    seen = {t.id for t in tests}
    expected = expected_ids if expected_ids is not None else frozenset(seen)
    missing = tuple(sorted(expected - seen))
    unexpected = sorted(seen - expected)
    not_passed = [t for t in tests if t.id in expected and t.outcome != PASSED]
    if not expected:
        return grade(FAILED, "no hidden test reported a result")
    if not missing and not unexpected and not not_passed:
        return grade(PASSED, f"all {len(expected)} hidden tests passed")
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
    return grade(FAILED, "; ".join(parts), missing)


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
