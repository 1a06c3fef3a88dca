"""`python -m pytest_llmcode report RUN.json [MORE.json ...] --html report.html`: the HTML
(and Markdown) report rebuilt from JSON reports, several merged into one view.

Each JSON report row carries its answer in full, so nothing but the JSON is needed. When
reports are merged (runs of different models on different days, say), an item that more
than one of them holds is taken from the last one given. A partial `.jsonl` log of a run
that never finished can be given too.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any, Sequence

from .baseline import Baseline, BaselineError, Comparison, load_baseline
from .gates import GateResult
from .html_data import RunInfo
from .resultlog import ResumeError, read_rows
from .rows import Key, Row
from .summary import RunSummary, build


class ReportError(Exception):
    """A report that cannot be read; the message names the file."""


@dataclass(frozen=True)
class Loaded:
    path: Path
    rows: list[Row]
    meta: dict[str, Any]  # the JSON report's top level, without its results


def load(path: Path) -> Loaded:
    if not path.is_file():
        raise ReportError(f"{path}: no such file")
    meta: dict[str, Any] = {}
    if not path.name.endswith(".jsonl"):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ReportError(f"{path}: not a JSON report ({exc})") from None
        if not isinstance(data, dict) or not isinstance(data.get("results"), list):
            raise ReportError(f"{path}: not an --llm-report JSON (it has no `results` list)")
        meta = {k: v for k, v in data.items() if k != "results"}
    try:
        rows = read_rows(path)
    except ResumeError as exc:
        raise ReportError(str(exc).replace("--llm-resume ", "")) from None
    if not rows:
        raise ReportError(f"{path}: holds no result rows")
    return Loaded(path, rows, meta)


def merge(reports: list[Loaded], baseline: Baseline | None = None) -> tuple[
        RunSummary, list[RunInfo], dict[Key, int]]:
    """One summary over every report's rows (the last report wins an item given twice),
    the runs they came from, and which run each item is from."""
    by_key: dict[Key, Row] = {}
    run_of: dict[Key, int] = {}
    order: list[str] = []
    prices: dict[str, float | None] = {}
    for index, report in enumerate(reports):
        for model, figures in (report.meta.get("models") or {}).items():
            if model not in order:
                order.append(str(model))
            price = figures.get("output_price_per_m") if isinstance(figures, dict) else None
            if isinstance(price, (int, float)) and not isinstance(price, bool):
                prices[str(model)] = float(price)
            else:
                prices.setdefault(str(model), None)
        for row in report.rows:
            if row.model not in order:
                order.append(row.model)
            by_key[row.key] = row
            run_of[row.key] = index
    rows = list(by_key.values())
    recorded = reports[0].meta.get("baseline") if len(reports) == 1 else None
    summary = build(
        rows, model_order=tuple(order), prices=prices,
        k=max((r.sample for r in rows), default=1), baseline=baseline,
        interrupted=any(bool(r.meta.get("interrupted")) for r in reports),
        recorded_comparison=(Comparison.from_json(recorded) if isinstance(recorded, dict)
                             else None),
    )
    if len(reports) == 1:
        summary = _with_recorded_gates(summary, reports[0].meta)
    runs = [RunInfo(
        source=r.path.name, endpoint=_text(r.meta.get("endpoint")),
        started=_text(r.meta.get("started")), finished=_text(r.meta.get("finished")),
        image=_text(r.meta.get("image")), record_mode=_text(r.meta.get("record_mode")),
        interrupted=bool(r.meta.get("interrupted")),
    ) for r in reports]
    return summary, runs, run_of


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def _with_recorded_gates(summary: RunSummary, meta: dict[str, Any]) -> RunSummary:
    names = {f.name for f in fields(GateResult)}
    gates = []
    for entry in meta.get("gates") or []:
        if isinstance(entry, dict) and {"gate", "model", "required", "passed"} <= set(entry):
            try:
                gates.append(GateResult(**{k: v for k, v in entry.items() if k in names}))
            except TypeError:
                continue
    if not gates:
        return summary
    return replace(summary, gates=tuple(gates), gates_set=True)


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m pytest_llmcode report",
        description="Rebuild the HTML (and Markdown) report from --llm-report JSON files; "
                    "several are merged into one view (the last one given wins an item "
                    "that more than one holds).",
    )
    parser.add_argument("reports", nargs="+", type=Path, metavar="REPORT.json",
                        help="--llm-report JSON files (or a run's .partial.jsonl)")
    parser.add_argument("--html", type=Path, metavar="PATH", help="write the HTML report here")
    parser.add_argument("--md", type=Path, metavar="PATH", help="write the Markdown summary here")
    parser.add_argument("--baseline", type=Path, metavar="OLD.json",
                        help="an earlier --llm-report to mark flips against")
    parser.add_argument("--title", default=None, help="the HTML report's title")
    args = parser.parse_args(list(argv))
    if args.html is None and args.md is None:
        parser.error("nothing to write: give --html PATH and/or --md PATH")
    try:
        reports = [load(p) for p in args.reports]
        baseline = load_baseline(args.baseline) if args.baseline else None
    except (ReportError, BaselineError) as exc:
        print(f"report: {exc}", file=sys.stderr)
        return 2
    summary, runs, run_of = merge(reports, baseline)
    if args.html:
        from .html_report import TITLE, write_html

        write_html(args.html, summary, runs, run_of, args.title or TITLE)
        print(f"HTML report: {args.html} ({len(summary.rows)} items from "
              f"{len(reports)} report(s))")
    if args.md:
        from .markdown import html_link, write_markdown

        write_markdown(args.md, summary, html_link(args.md, args.html, None))
        print(f"Markdown report: {args.md}")
    return 0
