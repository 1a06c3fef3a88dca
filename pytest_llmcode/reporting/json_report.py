"""--llm-report: every figure per model and per result, as JSON."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

from ..files import write_atomic
from .summary import RunSummary


def write_json(path: Path, summary: RunSummary, meta: dict[str, Any]) -> None:
    """The report: `meta` (see manifest.py), per-model figures, the judge, baseline and
    gates sections, the run's notes and one row per item."""
    data = {
        **meta,
        "models": {
            m: {k: v for k, v in asdict(s).items() if k != "model"}
            for m, s in summary.models.items()
        },
        **sections(summary),
        "results": [asdict(r) for r in sorted(summary.rows, key=lambda r: r.key)],
    }
    write_atomic(path, json.dumps(data, indent=2) + "\n")


def sections(summary: RunSummary) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if summary.judge is not None:
        out["judge"] = asdict(summary.judge)
    if summary.comparison is not None:
        out["baseline"] = summary.comparison.as_json()
    if summary.gates_set:
        out["gates"] = [{**asdict(g), "line": g.line()} for g in summary.gates]
    notes = [*summary.notes, *summary.run_notes]
    if notes:
        out["notes"] = notes
    return out
