"""--llm-report-md: the run's summary as GitHub-flavoured Markdown, for a CI job summary
or a pull-request comment."""

from __future__ import annotations

import os
from pathlib import Path

from .report import matrix, model_table
from .summary import RunSummary, notes


def render(summary: RunSummary, title: str = "pytest-llmcode results") -> str:
    parts = [f"## {title}", "", *_table(model_table(summary.models))]
    parts += ["", "### Cases", "", *_table(matrix(list(summary.rows)))]
    if summary.gates_set:
        parts += ["", "### Gates", ""]
        parts += [f"- {'✅' if g.passed else '❌'} {_escape(g.line())}" for g in summary.gates]
    extra = notes(summary)
    if extra:
        parts += ["", "### Notes", "", *[f"- {_escape(line)}" for line in extra]]
    return "\n".join(parts) + "\n"


def _table(rows: list[tuple[str, ...]]) -> list[str]:
    header, *body = rows
    align = ["---"] + ["---:"] * (len(header) - 1)
    return [_row(header), _row(tuple(align)), *(_row(r) for r in body)]


def _row(cells: tuple[str, ...]) -> str:
    return "| " + " | ".join(_escape(c) for c in cells) + " |"


def _escape(text: str) -> str:
    """Model ids and case names come from users and endpoints: keep them from breaking
    the table or injecting markup."""
    return (text.replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;")
            .replace(">", "&gt;").replace("\n", " "))


def write_markdown(path: Path, summary: RunSummary) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(render(summary), encoding="utf-8")
    os.replace(tmp, path)
