"""Results as they happen, and results of an earlier run.

Each finished item's row is appended to `REPORT.partial.jsonl` (next to --llm-report) the
moment its report arrives, so a run that crashes or is killed loses nothing finished. The
final JSON report replaces it. `--llm-resume` reads either file back.
"""

from __future__ import annotations

import json
import threading
from dataclasses import asdict
from datetime import datetime, timezone
from pathlib import Path

from ..status import GRADED
from .rows import Key, Row


def partial_path(report: Path) -> Path:
    return report.with_suffix(".partial.jsonl")


class ResultLog:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("", encoding="utf-8")

    def append(self, row: Row) -> None:
        with self._lock, open(self.path, "a", encoding="utf-8") as out:
            out.write(json.dumps(asdict(row)) + "\n")

    def mark(self, event: str) -> None:
        """A line that is not a row: when the run was interrupted, say (resume skips it)."""
        stamp = datetime.now(timezone.utc).isoformat(timespec="seconds")
        with open(self.path, "a", encoding="utf-8") as out:
            out.write(json.dumps({"event": event, "at": stamp}) + "\n")

    def remove(self) -> None:
        self.path.unlink(missing_ok=True)


class ResumeError(Exception):
    """The report to resume from cannot be read."""


def read_rows(path: Path) -> list[Row]:
    """Rows of a JSON report or of a partial JSONL log; for a report that was never written
    (the run crashed) the partial log next to it."""
    if not path.is_file() and partial_path(path).is_file():
        path = partial_path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ResumeError(f"--llm-resume {str(path)!r}: cannot read it: {exc.strerror}") from None
    records: list[object] = []
    if path.name.endswith(".jsonl"):
        for number, line in enumerate(text.splitlines(), 1):
            if line.strip():
                try:
                    records.append(json.loads(line))
                except ValueError:
                    # The last line of a log whose writer was killed may be cut short.
                    if number < len(text.splitlines()):
                        raise ResumeError(
                            f"--llm-resume {path}: line {number} is not JSON") from None
    else:
        try:
            data = json.loads(text)
        except ValueError:
            raise ResumeError(f"--llm-resume {path}: not a JSON report") from None
        results = data.get("results") if isinstance(data, dict) else None
        if not isinstance(results, list):
            raise ResumeError(f"--llm-resume {path}: no `results` list in it")
        records = results
    rows = [Row.from_mapping(r) for r in records if isinstance(r, dict)]
    return [r for r in rows if r is not None]


def finished(rows: list[Row]) -> dict[Key, Row]:
    """Rows of items that need no rerun: passed or failed (errors and not-run items rerun)."""
    return {r.key: r for r in rows if r.outcome in GRADED}
