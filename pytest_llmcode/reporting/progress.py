"""How far a run is: answered, graded, spent, and an estimate of the time left; the text of
the live progress line. pytest-xdist workers each write their counts to a small file in
the run's directory, which the controller adds up."""

from __future__ import annotations

import json
import time
from collections import deque
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable

from ..files import write_atomic


@dataclass(frozen=True)
class Counts:
    answered: int = 0  # replies received (replayed ones included)
    graded: int = 0  # items with an outcome
    spent_usd: float = 0.0  # what this run's requests cost so far, where the price is known
    unpriced: bool = False  # some request's cost is unknown

    def __add__(self, other: Counts) -> Counts:
        return Counts(self.answered + other.answered, self.graded + other.graded,
                      self.spent_usd + other.spent_usd, self.unpriced or other.unpriced)


def write_counts(path: Path, counts: Counts) -> None:
    write_atomic(path, json.dumps(asdict(counts)))


def read_counts(paths: list[Path]) -> Counts:
    """The sum of the workers' counts; a file being replaced or malformed counts nothing."""
    total = Counts()
    for path in paths:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            total += Counts(int(data["answered"]), int(data["graded"]),
                            float(data["spent_usd"]), bool(data["unpriced"]))
        except (OSError, ValueError, KeyError, TypeError):
            continue
    return total


class Eta:
    """Time left from the recent grading rate (the last `window` seconds), so a slow start
    (the first answers take a while) does not skew it for the rest of the run."""

    def __init__(self, window_s: float = 30.0, clock: Callable[[], float] = time.monotonic
                 ) -> None:
        self._clock = clock
        self._window = window_s
        self._seen: deque[tuple[float, int]] = deque()

    def seconds_left(self, graded: int, total: int) -> float | None:
        now = self._clock()
        self._seen.append((now, graded))
        while len(self._seen) > 2 and now - self._seen[1][0] >= self._window:
            self._seen.popleft()
        then, before = self._seen[0]
        if graded >= total:
            return 0.0
        if graded <= before or now <= then:
            return None
        return (total - graded) * (now - then) / (graded - before)


def duration(seconds: float) -> str:
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60}m{seconds % 60:02d}s"
    return f"{seconds // 3600}h{seconds // 60 % 60:02d}m"


def line(counts: Counts, total: int, eta_s: float | None, width: int) -> str:
    """`[llmcode 12/200 answered, 9 graded, $0.0042, ETA 1m05s]`, shortened to fit `width`
    columns (empty when nothing fits). ASCII only: one character, one column."""
    cost = f"${counts.spent_usd:.4f}"
    if counts.unpriced:
        cost = "cost unknown" if not counts.spent_usd else cost + " + unknown"
    eta = "ETA -" if eta_s is None else f"ETA {duration(eta_s)}"
    for parts in (
        [f"{counts.answered}/{total} answered", f"{counts.graded} graded", cost, eta],
        [f"{counts.answered}/{total} answered", f"{counts.graded} graded", eta],
        [f"{counts.graded}/{total} graded", eta],
        [f"{counts.graded}/{total}"],
    ):
        text = "[llmcode " + ", ".join(parts) + "]"
        if len(text) <= width:
            return text
    return ""
