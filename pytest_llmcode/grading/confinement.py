"""Fail closed: before grading, prove that a sandbox container is really confined."""

from __future__ import annotations

import secrets
import shutil
import tempfile
from pathlib import Path

from .containers import TESTER_USER, Mount, Sandbox, SandboxError
from .grader import read_report

SELFTEST = "/opt/llmcode/selftest.py"


def confirm_confined(sandbox: Sandbox, scratch: Path) -> None:
    """Run the self-test container; raise SandboxError naming every check that failed."""
    workdir = Path(tempfile.mkdtemp(prefix="selftest-", dir=scratch))
    try:
        report_dir = workdir / "report"
        report_dir.mkdir()
        report_dir.chmod(0o777)
        nonce = secrets.token_hex(16)
        limits = sandbox.limits
        container = sandbox.start(
            ["python3", SELFTEST, str(limits.pids), str(limits.memory_mb << 20),
             TESTER_USER.split(":")[0]],
            [Mount(str(report_dir), "/report", writable=True)],
            {"LLMCODE_NONCE": nonce},
            time_limit_s=20,
        )
        report_file = report_dir / "report.json"
        sandbox.wait_until(container, lambda: read_report(report_file) is not None, 20)
        sandbox.remove(container)
        report = read_report(report_file)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    checks = report.get("checks") if report and report.get("nonce") == nonce else None
    if not isinstance(checks, dict) or not checks:
        raise SandboxError("the sandbox self-test produced no report: refusing to grade")
    failed = [f"{name} ({detail})" for name, (ok, detail) in checks.items() if ok is not True]
    if failed:
        raise SandboxError(
            "the sandbox is not confined, refusing to grade: " + "; ".join(failed)
        )
