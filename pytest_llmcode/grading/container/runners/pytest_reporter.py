"""pytest plugin loaded by run.py: one JSON line per test with its final outcome."""

from __future__ import annotations

import json
import os

TYPE_CHECKING = False
if TYPE_CHECKING:
    import pytest

_results: dict[str, dict[str, str]] = {}


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    outcome: str = report.outcome
    if report.when != "call":
        if outcome == "passed":
            return
        if outcome == "failed":
            outcome = "error"
    if hasattr(report, "wasxfail"):
        outcome = "xfailed" if outcome == "skipped" else "xpassed"
    previous = _results.get(report.nodeid)
    if previous and previous["outcome"] != "passed":
        return
    message = ""
    if report.failed or outcome == "error":
        message = str(report.longrepr)[-2000:]
    _results[report.nodeid] = {"id": report.nodeid, "outcome": outcome, "message": message}


def pytest_collectreport(report: pytest.CollectReport) -> None:
    if report.failed:
        _results[report.nodeid or "<collection>"] = {
            "id": report.nodeid or "<collection>",
            "outcome": "error",
            "message": str(report.longrepr)[-2000:],
        }


def pytest_sessionfinish(session: pytest.Session) -> None:
    with open(os.environ["LLMCODE_RESULTS"], "w", encoding="utf-8") as fh:
        for row in _results.values():
            fh.write(json.dumps(row) + "\n")
