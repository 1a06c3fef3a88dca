"""What one item (case × model × sample) ended as: the typed object the reports consume."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .client import Completion
from .grading import Grade
from .spend import Spend

if TYPE_CHECKING:
    from .cassettes import Recording

if TYPE_CHECKING:
    from .judge import Judgement
    from .scoring import ItemScore

PASSED, FAILED, ERROR, SKIPPED = "passed", "failed", "error", "skipped"
NOT_RUN = "not run"  # the run ended (interrupted, -x) before the item had a verdict


@dataclass(frozen=True)
class Outcome:
    case: str
    model: str
    sample: int
    status: str  # passed | failed | error | skipped | not run
    message: str
    completion: Completion | None = None
    cost_usd: float | None = None  # what this run spent on the item (spend.cost_usd)
    code: str | None = None
    grade: Grade | None = None
    score: ItemScore | None = None
    judgement: Judgement | None = None
    seed: int | None = None  # the seed sent with the request, if any
    spend: Spend = field(default_factory=Spend)  # this run's requests for the item
    answered_by: str | None = None  # the model that answered (the item's own or a fallback)
    recorded: Recording | None = None  # set when the answer was replayed from a cassette
