"""--llm-report-md: the run's summary as GitHub-flavoured Markdown, for a CI job summary
or a pull-request comment."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import quote

from ..files import write_atomic
from .summary import RunSummary
from .tables import matrix, model_table


def render(summary: RunSummary, title: str = "pytest-llmcode results",
           html_link: str | None = None) -> str:
    """`html_link`: where the HTML report is (a URL, or a path relative to the Markdown
    file), linked under the title."""
    parts = [f"## {title}", ""]
    if html_link:
        parts += [f"Every answer, the value frontier and the case × model matrix: "
                  f"[HTML report]({_link(html_link)})", ""]
    parts += _table(model_table(summary.models))
    parts += ["", "### Cases", "", *_table(matrix(list(summary.rows), list(summary.models)))]
    gates = [(g.passed, g.line()) for g in summary.gates]
    if summary.budget_failure:
        gates.append((False, f"llmcode gate failed: {summary.budget_failure}"))
    if gates:
        parts += ["", "### Gates", ""]
        parts += [f"- {'✅' if passed else '❌'} {_escape(line)}" for passed, line in gates]
    notes = [*summary.notes, *summary.run_notes]
    if summary.interrupted:
        notes.insert(0, "the run was interrupted: unfinished items are `not run`")
    if notes:
        parts += ["", "### Notes", "", *[f"- {_escape(line)}" for line in notes]]
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


def _link(target: str) -> str:
    """A link target that cannot end the Markdown link early or carry markup."""
    return quote(target, safe="/:#?&=%~.,;@+!$*'-_")


def html_link(markdown: Path, html: Path | None, url: str | None) -> str | None:
    """The URL if given, else the HTML file's path relative to the Markdown file's folder."""
    if url:
        return url
    if html is None:
        return None
    try:
        return os.path.relpath(html.resolve(), markdown.resolve().parent)
    except ValueError:  # another drive (Windows)
        return str(html.resolve())


def write_markdown(path: Path, summary: RunSummary, html: str | None = None) -> None:
    write_atomic(path, render(summary, html_link=html))
