"""What one item (case × model × sample) ended as: the typed object the reports consume."""

from __future__ import annotations

from dataclasses import dataclass

from .client import Completion
from .grading import Grade

PASSED, FAILED, ERROR, SKIPPED = "passed", "failed", "error", "skipped"


@dataclass(frozen=True)
class Outcome:
    case: str
    model: str
    sample: int
    status: str  # passed | failed | error | skipped
    message: str
    completion: Completion | None = None
    cost_usd: float | None = None
    code: str | None = None
    grade: Grade | None = None
