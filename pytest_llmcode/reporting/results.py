"""Every item's row, wherever it came from: the report pytest delivered (the usual way,
also from pytest-xdist workers), an outcome this process reached without a report (finished
in the background when the run ended), a worker's own log (a worker xdist stopped before its
reports arrived), an earlier run (--llm-resume), or nothing at all (not run)."""

from __future__ import annotations

from pathlib import Path

from ..cases import EvalCase
from ..outcome import Outcome
from ..status import NOT_RUN
from .outcome_rows import row_of
from .resultlog import ResultLog, read_rows
from .rows import Key, Row


class Results:
    def __init__(self, reused: dict[Key, Row] | None = None) -> None:
        self.reused = reused or {}  # finished in the run being resumed
        self.rows: list[Row] = []  # from pytest reports, in arrival order
        self.reported: set[Key] = set()
        self.outcomes: dict[Key, Outcome] = {}  # as this process's pipeline ended them
        self.log: ResultLog | None = None  # REPORT.partial.jsonl, on the controller
        self.worker_log: ResultLog | None = None  # a pytest-xdist worker's outcomes
        self.cases: dict[str, EvalCase] = {}  # the collected cases, by name

    def on_outcome(self, outcome: Outcome) -> None:
        self.outcomes[(outcome.case, outcome.model, outcome.sample)] = outcome
        if self.worker_log is not None:
            # Written as it happens: a worker that xdist kills at the end loses nothing.
            self.worker_log.append(row_of(outcome, self.cases.get(outcome.case)))

    def on_report(self, row: Row) -> None:
        self.rows.append(row)
        self.reported.add(row.key)
        if self.log is not None:
            self.log.append(row)

    def final(self, planned: list[Key], worker_logs: list[Path]) -> list[Row]:
        """Every row of the run: one per planned item (reused ones too), reported first."""
        extra = {key: row_of(o, self.cases.get(o.case)) for key, o in self.outcomes.items()
                 if key not in self.reported}
        for path in worker_logs:
            for row in read_rows(path):
                extra[row.key] = row
        for key in planned:
            if key not in self.reported and key not in extra:
                case = self.cases.get(key[0])
                extra[key] = Row(*key, outcome=NOT_RUN,
                                 failure="not run: the run ended before the item started",
                                 language=case.language if case else None,
                                 tags=case.tags if case else ())
        rows = list(self.rows)
        rows += [r for k, r in extra.items() if k not in self.reported]
        rows += [r for k, r in self.reused.items() if k not in self.reported and k not in extra]
        return rows
