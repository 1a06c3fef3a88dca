"""Fail closed: before grading, prove that an answer host's container and the sandbox it
gives each answer are really confined (container/runners/selftest.py lists the checks)."""

from __future__ import annotations

import json
import secrets
import threading
from pathlib import Path

from .containers import TESTER_USER, Mount, Sandbox, SandboxError
from .streams import Stream
from .volume import Volume

SELFTEST = "/opt/llmcode/selftest.py"
LIMIT_S = 30.0


def confirm_confined(sandbox: Sandbox, scratch: Path) -> None:
    """Run the self-test as an answer host runs; raise SandboxError naming every check that
    failed. (`scratch` is unused by the check itself: nothing of it touches the host.)"""
    del scratch
    volume = Volume(sandbox)
    try:
        report = _run(sandbox, volume)
    finally:
        volume.remove()
    nonce, checks = report
    if not isinstance(checks, dict) or not checks or nonce is None:
        raise SandboxError("the sandbox self-test produced no report: refusing to grade")
    failed = [f"{name} ({detail})" for name, (ok, detail) in checks.items() if ok is not True]
    if failed:
        raise SandboxError(
            "the sandbox is not confined, refusing to grade: " + "; ".join(failed)
        )


def _run(sandbox: Sandbox, volume: Volume) -> tuple[str | None, object]:
    nonce = secrets.token_hex(16)
    limits = sandbox.limits
    container, stream = sandbox.start_attached(
        ["python3", SELFTEST, "container", str(limits.pids), str(limits.memory_mb << 20),
         TESTER_USER.split(":")[0], str(limits.tmpfs_mb)],
        [Mount(volume.name(), "/grading", writable=True)],
        {"LLMCODE_NONCE": nonce}, time_limit_s=LIMIT_S, nesting=True,
    )
    lines: list[bytes] = []
    reader = threading.Thread(target=lambda: lines.extend(_first(stream)), daemon=True)
    reader.start()
    reader.join(LIMIT_S + limits.watchdog_grace_s)
    stream.close()
    sandbox.remove(container)
    try:
        report = json.loads(lines[0])
    except (IndexError, ValueError):
        return None, None
    if not isinstance(report, dict) or report.get("nonce") != nonce:
        return None, None
    return nonce, report.get("checks")


def _first(stream: Stream) -> list[bytes]:
    for line in stream.lines():
        return [line]
    return []
