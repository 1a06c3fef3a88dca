"""Grading: run an answer against a case's hidden tests in the sandbox and decide a verdict.

Exit codes and output are never evidence of a pass: the verdict comes from the tester's
JSON report, which must carry this grading's random nonce and name every hidden test.
"""

from __future__ import annotations

import base64
import secrets
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

from ..cases import EvalCase
from ..sanitize import sanitize
from ..status import ERROR, FAILED, PASSED, Verdict
from .answer_hosts import AnswerHosts
from .containers import Sandbox, SandboxError
from .grade import Grade, TestResult
from .quality_report import read_quality
from .tester_client import Tester
from .volume import Volume

# Where every verdict is obtained: the answer in a sandbox of its own in an answer host's
# container, as another user, the tests in the trusted tester's container. Set here, never
# read from what a container wrote.
ISOLATION = "container"


@dataclass(frozen=True)
class Unsettled:
    """A grading that ended without a verdict: nobody is blamed yet (Grader.grade decides)."""

    reason: str


class Grader:
    """Grades answers in the sandbox.

    Each answer runs in a fresh bubblewrap sandbox of its own, in an answer host (a
    long-lived hardened container that runs one answer at a time), as another user than the
    tests; its hidden tests run in the tester, a long-lived trusted container that no answer
    code ever runs in; only plain data crosses, through sockets the tester owns in a volume
    of the engine both containers mount. The host talks to the tester only through the
    engine's API. `spares` answer hosts and the tester are started ahead; the tester is
    sized to run `workers` gradings at once.

    A grading that ends without a verdict (no report, a stalled or failed harness) blames
    nobody at first: it is graded once more, and if that ends without a verdict too, the
    case's reference answer is graded on the same engine. Only if the reference fails as
    well is the outcome an infrastructure error; otherwise the answer is blamed (failed).
    """

    def __init__(self, sandbox: Sandbox, scratch: Path, workers: int = 1, spares: int = 0) -> None:
        self.sandbox = sandbox
        self.directory = scratch / "grading"  # nothing is written there: files stay on the engine
        self.volume = Volume(sandbox)
        self.tester = Tester(sandbox, self.volume.name, workers)
        if spares:
            threading.Thread(target=self.tester.warm, daemon=True,
                             name="llmcode-warm-tester").start()
        self.hosts = AnswerHosts(sandbox, self.volume.name, spares)

    def close(self) -> None:
        with ThreadPoolExecutor(2, "llmcode-close") as pool:  # each removal waits on the engine
            closing = [pool.submit(self.hosts.close), pool.submit(self.tester.discard)]
        for done in closing:
            done.result()
        self.volume.remove()

    def grade(self, case: EvalCase, code: str, expected_ids: frozenset[str] | None) -> Grade:
        started = time.monotonic()
        attempt = self._grade_once(case, code, expected_ids)
        if isinstance(attempt, Unsettled):
            # Once more: a fault of the shared tester (another grading's doing, or nobody's)
            # must not become this answer's.
            attempt = self._grade_once(case, code, expected_ids)
        if not isinstance(attempt, Unsettled):
            return replace(attempt, duration_s=time.monotonic() - started)
        return replace(self._blame(case, code, expected_ids, attempt.reason),
                       duration_s=time.monotonic() - started)

    def _blame(self, case: EvalCase, code: str, expected_ids: frozenset[str] | None,
               reason: str) -> Grade:
        """Twice without a verdict: the infrastructure is at fault only if the case's
        reference answer, graded now on the same engine, does not pass either."""
        reference = case.reference.code
        if code == reference:
            return Grade(ERROR, f"the sandbox could not grade this case: {reason}")
        check = self._grade_once(case, reference, expected_ids)
        if isinstance(check, Grade) and check.verdict == PASSED:
            return Grade(
                FAILED,
                f"the answer's grading ended twice without a verdict ({reason}); the case's "
                "reference answer, graded right after on the same engine, passed, so the "
                "answer is blamed",
                isolation=ISOLATION, forfeited=True,
            )
        why = check.reason if isinstance(check, Unsettled) else check.message
        return Grade(ERROR, f"the sandbox could not grade this answer ({reason}), and the case's "
                            f"reference answer did not pass on the same engine either ({why})")

    def _grade_once(self, case: EvalCase, code: str, expected_ids: frozenset[str] | None
                    ) -> Grade | Unsettled:
        started = time.monotonic()
        try:
            host = self.hosts.take()
        except SandboxError as exc:
            return Grade(ERROR, str(exc))  # no answer code has run: the engine's fault
        waited = time.monotonic() - started
        result = self._run(case, code, expected_ids, host.name, started)
        # A host whose grading ended without a verdict is replaced: what happened is unknown.
        self.hosts.release(host, healthy=isinstance(result, Grade))
        if isinstance(result, Grade) and result.stage:
            timings = {**result.timings, "container_start_s": round(host.start_s, 4),
                       "waited_for_container_s": round(waited, 4)}
            return replace(result, timings=timings)
        return result

    def _run(self, case: EvalCase, code: str, expected_ids: frozenset[str] | None, host: str,
             started: float) -> Grade | Unsettled:
        nonce = secrets.token_hex(16)
        job_id = secrets.token_hex(8)
        try:
            pending = self.tester.submit(job_id, _job(case, code, nonce, host))
        except SandboxError as exc:
            return Grade(ERROR, str(exc))  # the job never started: the engine's fault
        grace = self.sandbox.limits.watchdog_grace_s
        pending.wait(case.timeout_s + grace)
        self.tester.forget(job_id)
        duration = time.monotonic() - started
        report = pending.report
        if report is None:
            if not pending.done.is_set():
                return Unsettled(f"the tests' report did not come within {case.timeout_s:g} s "
                                 f"plus {grace:g} s grace")
            return Unsettled("the tester stopped without a report")
        if report.get("nonce") != nonce:
            return Unsettled("the report does not carry this grading's nonce")
        if report.get("stage") == "setup":
            return Unsettled("the harness could not run the tests: "
                             + sanitize(str(report.get("output", "")), 1000))
        grade = verdict(report, nonce, expected_ids, case, duration)
        if not _measures_quality(case):
            return grade  # no measure taken, none needed
        return replace(grade, quality=read_quality(report.get("quality")))


def _job(case: EvalCase, code: str, nonce: str, host: str) -> dict[str, object]:
    """The job for the tester: the answer, the hidden tests (and, for Go, the reference whose
    API the bridge mirrors), the nonce, and the answer host that runs the answer. It travels
    through the engine's API to the tester alone: the answer host receives only the answer."""
    return {"host": host, "nonce": nonce, "language": case.language,
            "interface": case.interface, "solution_file": case.solution_file,
            "limit": case.timeout_s, "exports": list(case.exports), "answer": code,
            "tests": {p.name: base64.b64encode(p.read_bytes()).decode("ascii")
                      for p in case.test_files()},
            "api": case.reference.code if case.language == "go" else None,
            "quality": _measures_quality(case)}


def _measures_quality(case: EvalCase) -> bool:
    """Whether the case scores code quality or documentation (both are on unless its weights
    switch them off, as imported benchmarks' do): only then is the static measure taken."""
    return any(case.weights.get(name, 1.0) > 0 for name in ("code_quality", "documentation"))


def verdict(
    report: dict[str, object],
    nonce: str,
    expected_ids: frozenset[str] | None,
    case: EvalCase,
    duration: float,
) -> Grade:
    """Decide from the tester's report alone: a pass needs every expected test id, each
    passed, and no other id."""
    output = sanitize(str(report.get("output", "")))
    stage = str(report.get("stage", ""))
    tests = tuple(_tests(report.get("tests")))

    raw_timings = report.get("timings")
    timings = {
        str(k): float(v) for k, v in (raw_timings.items() if isinstance(raw_timings, dict) else ())
        if isinstance(v, (int, float))
    }

    def grade(status: Verdict, message: str, missing: tuple[str, ...] = ()) -> Grade:
        return Grade(status, message, stage, tests, output, duration, missing, ISOLATION, timings)

    if report.get("nonce") != nonce or stage == "setup":
        raise ValueError("verdict() needs a report of this grading that got past setup")
    if stage == "compile":
        return grade(FAILED, "the answer does not build")
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
