"""What an item can end as: one vocabulary for grading, outcomes and report rows."""

from __future__ import annotations

from typing import Literal

# A grading decides one of these; an item adds the outcomes that need no grading.
Verdict = Literal["passed", "failed", "error"]
Status = Literal["passed", "failed", "error", "skipped", "not run"]

PASSED: Verdict = "passed"
FAILED: Verdict = "failed"
ERROR: Verdict = "error"
SKIPPED: Status = "skipped"
NOT_RUN: Status = "not run"  # the run ended (interrupted, -x) before the item had a verdict
GRADED: tuple[Status, ...] = (PASSED, FAILED)  # the outcomes a pass rate counts
