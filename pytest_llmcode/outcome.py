"""What one item (case × model × sample) ended as: the typed object the reports consume."""

from __future__ import annotations

from dataclasses import dataclass, field

from .api.cassettes import Recording
from .api.completion import Completion
from .api.tally import Spend
from .grading.grade import Grade
from .scoring.judge import Judgement
from .scoring.score import ItemScore
from .status import Status


@dataclass(frozen=True)
class Outcome:
    case: str
    model: str
    sample: int
    status: Status
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
    messages: tuple[dict[str, str], ...] = ()  # the chat messages sent (or replayed) for it
