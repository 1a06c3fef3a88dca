"""Comparison with a previous --llm-report JSON, like with like.

Only cases present in both reports with the same content hash (manifest and hidden tests)
are compared, and within them only items (case, model, sample) graded in both runs. Cases
added since the baseline, removed from this run (a `-k` subset, say) and changed since are
listed apart and never count as a regression or a gain.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Mapping

from ..status import FAILED, PASSED
from .aggregate import ModelSummary
from .rows import Key, Row

GRADED = (PASSED, FAILED)


class BaselineError(ValueError):
    """The baseline report cannot be read; the message names the file."""


@dataclass(frozen=True)
class Baseline:
    path: Path
    outcomes: dict[Key, str]  # (case, model, sample) -> outcome
    case_hashes: dict[str, str]

    @property
    def cases(self) -> set[str]:
        return {case for case, _, _ in self.outcomes} | set(self.case_hashes)


@dataclass(frozen=True)
class ModelDelta:
    model: str
    before: float | None  # pass rate over the compared items, in the baseline
    after: float | None  # and now
    compared_cases: int = 0
    compared_items: int = 0

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
    compared_cases: tuple[str, ...]  # in both, same content hash
    changed_cases: tuple[str, ...]  # in both, content hash differs (or one is unknown)
    added_cases: tuple[str, ...] = ()  # only in this run
    removed_cases: tuple[str, ...] = ()  # only in the baseline (not run now)

    def scope(self) -> str:
        """How many cases were compared and what was left out, for gate lines and notes."""
        left_out = [f"{len(cases)} {what}" for cases, what in (
            (self.added_cases, "added"), (self.removed_cases, "not run now"),
            (self.changed_cases, "changed")) if cases]
        return (f"{len(self.compared_cases)} case(s) compared"
                + (f"; {', '.join(left_out)}, not compared" if left_out else ""))

    def as_json(self) -> dict[str, Any]:
        return {
            "path": str(self.baseline),
            "models": {
                d.model: {"before": d.before, "after": d.after, "delta": d.delta,
                          "compared_cases": d.compared_cases, "compared_items": d.compared_items}
                for d in self.deltas
            },
            "regressions": [vars(f) for f in self.regressions],
            "fixes": [vars(f) for f in self.fixes],
            "compared_cases": list(self.compared_cases),
            "changed_cases": list(self.changed_cases),
            "added_cases": list(self.added_cases),
            "removed_cases": list(self.removed_cases),
        }

    @classmethod
    def from_json(cls, section: dict[str, Any]) -> Comparison:
        """A comparison as a report recorded it (as_json's inverse; malformed parts are
        left out)."""
        def flips(kind: str) -> tuple[Flip, ...]:
            return tuple(Flip(str(f["case"]), str(f["model"]), int(f["sample"]),
                              str(f.get("before")), str(f.get("after")))
                         for f in section.get(kind) or []
                         if isinstance(f, dict) and {"case", "model", "sample"} <= set(f))

        def cases(kind: str) -> tuple[str, ...]:
            return tuple(str(c) for c in section.get(kind) or [])

        def rate(value: object) -> float | None:
            return float(value) if isinstance(value, (int, float)) else None

        deltas = tuple(
            ModelDelta(str(model), rate(d.get("before")), rate(d.get("after")),
                       int(d.get("compared_cases") or 0), int(d.get("compared_items") or 0))
            for model, d in (section.get("models") or {}).items() if isinstance(d, dict))
        return cls(Path(str(section.get("path") or "baseline")), deltas, flips("regressions"),
                   flips("fixes"), cases("compared_cases"), cases("changed_cases"),
                   cases("added_cases"), cases("removed_cases"))


def load_baseline(path: Path) -> Baseline:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise BaselineError(f"cannot read the baseline report {path}: {exc.strerror}") from None
    except ValueError as exc:
        raise BaselineError(f"the baseline report {path} is not JSON: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("models"), dict):
        raise BaselineError(f"{path} is not an --llm-report JSON (it has no `models`)")
    outcomes = {}
    for row in data.get("results") or []:
        if isinstance(row, dict) and {"case", "model", "outcome"} <= set(row):
            key = (str(row["case"]), str(row["model"]), int(row.get("sample") or 1))
            outcomes[key] = str(row["outcome"])
    manifest = data.get("manifest")
    cases = manifest.get("cases") if isinstance(manifest, dict) else None
    hashes = {str(k): str(v) for k, v in cases.items()} if isinstance(cases, dict) else {}
    return Baseline(path, outcomes, hashes)


def compare(
    baseline: Baseline,
    rows: list[Row],
    summaries: Mapping[str, ModelSummary],
    case_hashes: Mapping[str, str],
) -> Comparison:
    now_cases = {r.case for r in rows}
    both = now_cases & baseline.cases
    same = {c for c in both
            if case_hashes.get(c) and case_hashes.get(c) == baseline.case_hashes.get(c)}
    now = {r.key: r.outcome for r in rows}
    common = sorted(k for k in now.keys() & baseline.outcomes.keys()
                    if k[0] in same and now[k] in GRADED and baseline.outcomes[k] in GRADED)
    deltas = []
    for model in summaries:
        mine = [k for k in common if k[1] == model]
        graded_then = [k for k, o in baseline.outcomes.items()
                       if k[1] == model and k[0] in same and o in GRADED]
        if not graded_then:
            continue
        before_keys = mine or graded_then  # nothing graded now: the gate sees "nothing"
        deltas.append(ModelDelta(
            model,
            _rate(baseline.outcomes[k] for k in before_keys),
            _rate(now[k] for k in mine) if mine else None,
            compared_cases=len({k[0] for k in mine}),
            compared_items=len(mine),
        ))
    regressions, fixes = [], []
    for key in common:
        flip = Flip(*key, baseline.outcomes[key], now[key])
        if flip.before == PASSED and flip.after == FAILED:
            regressions.append(flip)
        elif flip.before == FAILED and flip.after == PASSED:
            fixes.append(flip)
    return Comparison(
        baseline.path, tuple(deltas), tuple(regressions), tuple(fixes),
        compared_cases=tuple(sorted(same)),
        changed_cases=tuple(sorted(both - same)),
        added_cases=tuple(sorted(now_cases - baseline.cases)),
        removed_cases=tuple(sorted(baseline.cases - now_cases)),
    )


def _rate(outcomes: Iterable[str]) -> float:
    values = list(outcomes)
    return sum(o == PASSED for o in values) / len(values)
