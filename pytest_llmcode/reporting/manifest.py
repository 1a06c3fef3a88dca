"""What the JSON report says about the run itself: enough to tell whether two reports
measured the same thing the same way."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from .. import __version__
from ..api.budget import BudgetState


@dataclass(frozen=True)
class RunFacts:
    endpoint: str
    image: str
    image_id: str | None  # the engine's id of the image (a tag can be rebuilt; an id cannot)
    parameters: dict[str, Any]  # what was asked of the models, and how
    record_mode: str
    started: datetime
    interrupted: bool
    budget: BudgetState | None = None
    resumed_from: Path | None = None


def report_meta(facts: RunFacts, case_hashes: dict[str, str]) -> dict[str, Any]:
    ended = datetime.now(timezone.utc).isoformat(timespec="seconds")
    started = facts.started.isoformat(timespec="seconds")
    meta: dict[str, Any] = {
        "plugin_version": __version__,
        "endpoint": facts.endpoint,
        "image": facts.image,
        "started": started,
        "finished": ended,
        "interrupted": facts.interrupted,
        "manifest": {
            "plugin_version": __version__,
            "image": facts.image,
            "image_id": facts.image_id,
            "cases": case_hashes,
            "parameters": facts.parameters,
            "started": started,
            "finished": ended,
        },
        "record_mode": facts.record_mode,
    }
    if facts.budget is not None:
        meta["budget"] = asdict(facts.budget)
    if facts.resumed_from is not None:
        meta["resumed_from"] = str(facts.resumed_from)
    return meta
