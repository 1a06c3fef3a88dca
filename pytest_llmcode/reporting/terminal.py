"""The run's summary as lines for the terminal (pytest's terminal summary section)."""

from __future__ import annotations

from pathlib import Path

from .summary import RunSummary
from .tables import aligned, matrix, model_table

TITLE = "llmcode results"


def section(summary: RunSummary, finished_items: int,
            written: list[tuple[str, Path]]) -> list[str]:
    """The `llmcode results` section: empty when there is nothing to say. `written` names
    the reports written (kind, path)."""
    if not (summary.rows or summary.gates or summary.interrupted):
        return []
    lines = []
    if summary.interrupted:
        lines.append(f"llmcode: interrupted after {finished_items} finished item(s); "
                     "unfinished work was cancelled and its containers removed")
    lines += aligned(model_table(summary.models))
    lines += ["", *aligned(matrix(list(summary.rows), list(summary.models)))]
    lines += [f"llmcode {line}" for line in summary.notes]
    lines += [g.line() for g in summary.gates]
    if summary.gates_set and not summary.gates_failed:
        lines.append(f"llmcode gates: all {len(summary.gates)} passed; failed answers alone do "
                     "not fail the run while gates are set")
    lines += [f"llmcode: {line}" for line in summary.run_notes]
    lines += [f"{kind} report: {path}" for kind, path in written]
    return lines


def budget_line(summary: RunSummary) -> str | None:
    """The budget's gate line, shown on its own in red after the section."""
    return f"llmcode gate failed: {summary.budget_failure}" if summary.budget_failure else None
