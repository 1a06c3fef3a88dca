"""Comparison with a previous --llm-report JSON: per-model pass-rate deltas and per-case
flips."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

from ..status import FAILED, PASSED
from .aggregate import ModelSummary
from .rows import Row


class BaselineError(ValueError):
    """The baseline report cannot be read; the message names the file."""


@dataclass(frozen=True)
class Baseline:
    path: Path
    pass_rates: dict[str, float | None]
    outcomes: dict[tuple[str, str, int], str]  # (case, model, sample) -> outcome
    case_hashes: dict[str, str]


@dataclass(frozen=True)
class ModelDelta:
    model: str
    before: float | None
    after: float | None

    @property
    def delta(self) -> float | None:
        if self.before is None or self.after is None:
            return None
        return self.after - self.before


@dataclass(frozen=True)
class Flip:
    case: str
    model: str
    sample: int
    before: str
    after: str


@dataclass(frozen=True)
class Comparison:
    baseline: Path
    deltas: tuple[ModelDelta, ...]
    regressions: tuple[Flip, ...]  # passed then, failed now
    fixes: tuple[Flip, ...]  # failed then, passed now
    changed_cases: tuple[str, ...]  # cases whose content hash differs from the baseline's

    def as_json(self) -> dict[str, Any]:
        return {
            "path": str(self.baseline),
            "models": {
                d.model: {"before": d.before, "after": d.after, "delta": d.delta}
                for d in self.deltas
            },
            "regressions": [vars(f) for f in self.regressions],
            "fixes": [vars(f) for f in self.fixes],
            "changed_cases": list(self.changed_cases),
        }


def load_baseline(path: Path) -> Baseline:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise BaselineError(f"cannot read the baseline report {path}: {exc.strerror}") from None
    except ValueError as exc:
        raise BaselineError(f"the baseline report {path} is not JSON: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("models"), dict):
        raise BaselineError(f"{path} is not an --llm-report JSON (it has no `models`)")
    pass_rates: dict[str, float | None] = {}
    for model, figures in data["models"].items():
        rate = figures.get("pass_rate") if isinstance(figures, dict) else None
        pass_rates[str(model)] = float(rate) if isinstance(rate, (int, float)) else None
    outcomes = {}
    for row in data.get("results") or []:
        if isinstance(row, dict) and {"case", "model", "outcome"} <= set(row):
            key = (str(row["case"]), str(row["model"]), int(row.get("sample") or 1))
            outcomes[key] = str(row["outcome"])
    manifest = data.get("manifest")
    cases = manifest.get("cases") if isinstance(manifest, dict) else None
    hashes = {str(k): str(v) for k, v in cases.items()} if isinstance(cases, dict) else {}
    return Baseline(path, pass_rates, outcomes, hashes)


def compare(
    baseline: Baseline,
    rows: list[Row],
    summaries: Mapping[str, ModelSummary],
    case_hashes: Mapping[str, str],
) -> Comparison:
    deltas = tuple(
        ModelDelta(model, baseline.pass_rates.get(model), summary.pass_rate)
        for model, summary in summaries.items()
        if model in baseline.pass_rates
    )
    regressions, fixes = [], []
    for row in sorted(rows, key=lambda r: (r.case, r.model, r.sample)):
        before = baseline.outcomes.get((row.case, row.model, row.sample))
        flip = Flip(row.case, row.model, row.sample, str(before), row.outcome)
        if before == PASSED and row.outcome == FAILED:
            regressions.append(flip)
        elif before == FAILED and row.outcome == PASSED:
            fixes.append(flip)
    changed = tuple(sorted(
        case for case, digest in case_hashes.items()
        if case in baseline.case_hashes and baseline.case_hashes[case] != digest
    ))
    return Comparison(baseline.path, deltas, tuple(regressions), tuple(fixes), changed)
