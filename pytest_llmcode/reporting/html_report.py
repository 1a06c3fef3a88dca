"""--llm-report-html: the run as one self-contained HTML file.

Everything is in the file: styles, the script, the data, the chart (inline SVG). It loads
nothing (a Content-Security-Policy forbids any request and any script but its own), so it
opens from disk or as a CI artifact. The tables, the value frontier and the matrix are
written here as HTML, readable without the script; the script adds filters, search, the
item list and each item's full detail, which it builds from the embedded JSON with DOM
text nodes only: text from a model is never parsed as markup.
"""

from __future__ import annotations

import base64
import hashlib
from datetime import datetime, timezone
from html import escape
from pathlib import Path
from typing import Mapping

from .. import __version__
from ..files import write_atomic
from ..status import ERROR, FAILED, NOT_RUN, PASSED, SKIPPED
from .frontier import points
from .html_data import RunInfo, embed, item_anchor, payload, shown_endpoint

__all__ = ["RunInfo", "render", "write_html"]
from .rows import Key, Row
from .summary import RunSummary
from .tables import model_table
from .value_chart import svg

ASSETS = Path(__file__).with_name("html")
TITLE = "pytest-llmcode report"


def _asset(name: str) -> str:
    text = (ASSETS / name).read_text(encoding="utf-8")
    if "</script" in text.lower() or "</style" in text.lower():
        raise ValueError(f"{name} must not contain a closing script or style tag")
    return text


def _csp(script: str, style: str) -> str:
    def digest(text: str) -> str:
        return base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode()

    return (f"default-src 'none'; script-src 'sha256-{digest(script)}'; "
            f"style-src 'sha256-{digest(style)}'; img-src data:; base-uri 'none'; "
            "form-action 'none'")


def render(summary: RunSummary, runs: list[RunInfo], run_of: Mapping[Key, int] | None = None,
           title: str = TITLE) -> str:
    script, style = _asset("report.js"), _asset("report.css")
    rows = list(summary.rows)
    body = [
        _header(summary, runs, title),
        _models(summary),
        _value(summary),
        _matrix(summary),
        _items(),
        _notes(summary),
    ]
    return "\n".join([
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{_csp(script, style)}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta name="generator" content="pytest-llmcode {escape(__version__)}">',
        f"<title>{escape(title)}</title>",
        f"<style>{style}</style></head>",
        f'<body data-items="{len(rows)}">',
        '<main id="main">',
        *body,
        "</main>",
        '<aside id="drawer" hidden aria-label="item detail"></aside>',
        f'<script type="application/json" id="llmcode-data">{embed(_data(summary, runs, run_of))}'
        "</script>",
        f"<script>{script}</script>",
        "</body></html>",
    ]) + "\n"


def _data(summary: RunSummary, runs: list[RunInfo], run_of: Mapping[Key, int] | None
          ) -> dict[str, object]:
    comparison = summary.comparison
    return payload(list(summary.rows), list(summary.models), runs, run_of, _flips(summary),
                   str(comparison.baseline) if comparison else None)


def _flips(summary: RunSummary) -> dict[Key, str]:
    """regression: passed in the baseline, failed now; fix: the other way round."""
    if summary.comparison is None:
        return {}
    out = {(f.case, f.model, f.sample): "regression" for f in summary.comparison.regressions}
    out.update({(f.case, f.model, f.sample): "fix" for f in summary.comparison.fixes})
    return out


def write_html(path: Path, summary: RunSummary, runs: list[RunInfo],
               run_of: Mapping[Key, int] | None = None, title: str = TITLE) -> None:
    write_atomic(path, render(summary, runs, run_of, title))


# -- sections ----------------------------------------------------------------------------

def _header(summary: RunSummary, runs: list[RunInfo], title: str) -> str:
    rows = summary.rows
    counts = {s: sum(1 for r in rows if r.outcome == s)
              for s in (PASSED, FAILED, ERROR, SKIPPED, NOT_RUN)}
    chips = "".join(f'<span class="chip o-{s.replace(" ", "-")}">{n} {s}</span>'
                    for s, n in counts.items() if n)
    cases = len({r.case for r in rows})
    generated = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    sources = []
    for run in runs:
        bits = [escape(run.source)]
        if run.endpoint:
            bits.append(escape(shown_endpoint(run.endpoint) or ""))
        if run.started:
            bits.append(escape(run.started.replace("T", " ")[:16]))
        if run.record_mode:
            bits.append(f"record mode {escape(run.record_mode)}")
        sources.append(" · ".join(bits))
    banner = ""
    if summary.interrupted or any(r.interrupted for r in runs):
        banner = ('<p class="banner">The run was interrupted: unfinished items are '
                  "<b>not run</b>.</p>")
    gates = [(g.passed, g.line()) for g in summary.gates]
    if summary.budget_failure:
        gates.append((False, f"llmcode gate failed: {summary.budget_failure}"))
    gate_list = "".join(
        f'<li class="{"ok" if ok else "bad"}">{"✓" if ok else "✗"} {escape(line)}</li>'
        for ok, line in gates)
    return (
        f'<header class="top"><h1>{escape(title)}</h1>'
        f'<p class="sub">{len(rows)} items · {len(summary.models)} models · {cases} cases · '
        f"generated {generated}</p>"
        f'<p class="sub">{"<br>".join(sources)}</p>'
        f'<div class="chips">{chips}</div>{banner}'
        + (f'<ul class="gates">{gate_list}</ul>' if gate_list else "")
        + '<nav><a href="#models">Models</a><a href="#value">Value</a>'
        '<a href="#matrix">Matrix</a><a href="#items">Items</a>'
        + ('<a href="#notes">Notes</a>' if summary.notes or summary.run_notes else "")
        + "</nav></header>"
    )


def _models(summary: RunSummary) -> str:
    header, *body = model_table(summary.models)
    head = "".join(f"<th>{escape(c)}</th>" for c in (header[0], "", *header[1:]))
    lines = []
    for cells, s in zip(body, summary.models.values()):
        bar = ""
        if s.pass_rate is not None:
            low, high = s.pass_rate_ci95 or (s.pass_rate, s.pass_rate)
            bar = (f'<svg class="bar" viewBox="0 0 100 12" preserveAspectRatio="none" '
                   f'aria-label="pass rate {s.pass_rate:.0%}">'
                   f'<rect class="track" width="100" height="12"/>'
                   f'<rect class="fill" width="{100 * s.pass_rate:.1f}" height="12"/>'
                   f'<line class="ci" x1="{100 * low:.1f}" x2="{100 * high:.1f}" y1="6" '
                   'y2="6"/></svg>')
        tds = "".join(f"<td>{escape(c)}</td>" for c in cells[1:])
        lines.append(f'<tr><th scope="row">{escape(cells[0])}</th><td class="barcell">{bar}'
                     f"</td>{tds}</tr>")
    return ('<section id="models"><h2>Models</h2><div class="scroll"><table class="models">'
            f'<thead><tr>{head}</tr></thead><tbody>{"".join(lines)}</tbody></table></div>'
            '<p class="hint">Pass rate counts passed out of passed + failed (errors are the '
            "harness's, not the model's); the bar's line is its 95% interval.</p></section>")


def _value(summary: RunSummary) -> str:
    pts = points(summary.rows, summary.models)
    idle = [m for m in summary.models if m not in {p.model for p in pts}]
    unpriced = [p.model for p in pts if not p.priced]
    notes = []
    if unpriced:
        notes.append("Price unknown (kept apart, not on the cost axis): "
                     + ", ".join(escape(m) for m in unpriced) + ".")
    if idle:
        notes.append("No answers, so no point: " + ", ".join(escape(m) for m in idle) + ".")
    return (
        '<section id="value"><h2>Value frontier</h2>'
        '<div class="switch" role="radiogroup" aria-label="quality measure">'
        '<label><input type="radio" name="metric" value="pass_rate" checked> pass rate</label>'
        '<label><input type="radio" name="metric" value="score"> score</label></div>'
        f'<div class="chart">{svg(pts, "pass_rate")}</div>'
        f'<div class="chart" hidden>{svg(pts, "score")}</div>'
        '<p class="hint">Each model at its cost per answered item (a replayed answer counts '
        "at what it cost when it was recorded). Joined and in bold: the Pareto-optimal "
        "models, which no other model beats on both cost and quality. "
        + " ".join(notes) + "</p></section>"
    )


def _matrix(summary: RunSummary) -> str:
    rows = list(summary.rows)
    models = list(summary.models) or list(dict.fromkeys(r.model for r in rows))
    k = max((r.sample for r in rows), default=1)
    cells: dict[tuple[str, str, int], tuple[int, Row]] = {
        r.key: (i, r) for i, r in enumerate(rows)}
    flips = _flips(summary)
    head = "".join(f'<th class="m{mi} model" colspan="{k}" title="{escape(m)}">'
                   f"<span>{escape(m)}</span></th>" for mi, m in enumerate(models))
    sub = ""
    if k > 1:
        sub = "<tr><th></th>" + "".join(
            f'<th class="m{mi} s">s{s}</th>' for mi in range(len(models))
            for s in range(1, k + 1)) + "</tr>"
    lines = []
    for ci, case in enumerate(sorted({r.case for r in rows})):
        tds = []
        for mi, model in enumerate(models):
            for sample in range(1, k + 1):
                found = cells.get((case, model, sample))
                if found is None:
                    tds.append(f'<td class="m{mi}"></td>')
                    continue
                index, row = found
                tds.append(f'<td class="m{mi}">{_cell(index, row, flips.get(row.key))}</td>')
        lines.append(f'<tr data-c="{ci}"><th scope="row">{escape(case)}</th>{"".join(tds)}'
                     "</tr>")
    legend = ('<p class="legend"><span class="cell o-passed q-hi">9.5</span> passed '
              '<span class="cell o-failed q-lo">2.0</span> failed '
              '<span class="cell o-error">err</span> error (harness) '
              '<span class="cell o-skipped">skip</span> skipped '
              '<span class="cell o-not-run">–</span> not run'
              + (' <span class="cell o-failed q-lo flip-regression">1.0</span> passed in the '
                 'baseline, failed now <span class="cell o-passed q-hi flip-fix">9.0</span> '
                 "fixed since the baseline" if flips else "")
              + " · the number is the item's score (0-10)</p>")
    return (
        '<section id="matrix"><h2>Cases × models</h2>'
        '<div class="filters" id="filters" hidden></div>'
        f'<div class="scroll"><table class="matrix"><thead><tr><th>case</th>{head}</tr>'
        f'{sub}</thead><tbody>{"".join(lines)}</tbody></table></div>{legend}</section>'
    )


def _cell(index: int, row: Row, flip: str | None) -> str:
    label = {ERROR: "err", SKIPPED: "skip", NOT_RUN: "–"}.get(row.outcome)
    if label is None:
        label = "–" if row.score is None else f"{row.score:.1f}"
    quality = ("" if row.score is None else
               " q-hi" if row.score >= 8 else " q-mid" if row.score >= 5 else " q-lo")
    title = f"{row.case}[{row.model}] sample {row.sample}: {row.outcome}"
    if row.score is not None:
        title += f", score {row.score:.1f}"
    if flip:
        title += ("; passed in the baseline, failed now" if flip == "regression"
                  else "; failed in the baseline, passed now")
    css = f"cell o-{row.outcome.replace(' ', '-')}{quality}" + (f" flip-{flip}" if flip else "")
    return (f'<a class="{css}" href="#{escape(item_anchor(row))}" data-i="{index}" '
            f'title="{escape(title)}">{label}</a>')


def _items() -> str:
    return ('<section id="items"><h2>Items</h2><p class="hint" id="items-count">The item list '
            "needs JavaScript; the matrix above links every item.</p>"
            '<div class="scroll"><table class="items" id="item-table"></table></div>'
            '<div class="pager" id="pager"></div></section>')


def _notes(summary: RunSummary) -> str:
    notes = [*summary.notes, *summary.run_notes]
    if not notes:
        return ""
    return ('<section id="notes"><h2>Notes</h2><ul class="notes">'
            + "".join(f"<li>{escape(n)}</li>" for n in notes) + "</ul></section>")
