"""What one item (case × model × sample) ended as: the typed object the reports consume."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .client import Completion
from .grading import Grade

if TYPE_CHECKING:
    from .judge import Judgement
    from .scoring import ItemScore

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
    score: ItemScore | None = None
    judgement: Judgement | None = None
    seed: int | None = None  # the seed sent with the request, if any
