"""The summary's tables as rows of cells, shared by the terminal and the Markdown report."""

from __future__ import annotations

from typing import Mapping

from ..status import ERROR, FAILED, NOT_RUN, PASSED, SKIPPED
from .aggregate import ModelSummary, mean, ranked
from .rows import Row


def model_table(summaries: Mapping[str, ModelSummary]) -> list[tuple[str, ...]]:
    """The per-model table, header first, best pass rate first: the published comparison's
    columns (score, price, value) next to what a pass costs (cost per pass, passes per
    dollar) and the other measured ones. Shared by the terminal and the Markdown report."""
    k = max((s.k for s in summaries.values()), default=1)
    header = ("model", "passed", "failed", "errors", "pass rate", "95% CI",
              *(("pass@1", f"pass@{k}") if k > 1 else ()),
              "score", "$/M out", "value", "$/pass", "passes/$", "out tok/item", "cost USD",
              "p50 s", "p95 s", "p99 s")
    body = [
        (
            s.model,
            str(s.passed),
            str(s.failed),
            str(s.errors),
            pct(s.pass_rate),
            interval(s.pass_rate_ci95),
            *((pct(s.pass_at_1), pct(s.pass_at_k)) if k > 1 else ()),
            num(s.score, 1),
            num(s.output_price_per_m),
            num(s.value, 1),
            num(s.cost_per_pass_usd, 6),
            num(s.passes_per_usd, 0),
            num(s.completion_tokens_per_item, 0),
            "unknown" if s.cost_usd is None else f"{s.cost_usd:.6f}",
            num(s.latency_p50_s),
            num(s.latency_p95_s),
            num(s.latency_p99_s),
        )
        for s in ranked(summaries).values()
    ]
    return [header, *body]


def matrix(rows: list[Row], order: list[str] | None = None) -> list[tuple[str, ...]]:
    """Case x model outcomes, header first, models in `order` (default: as in the rows). A
    cell is the outcome (or passed/graded over samples) and the mean score."""
    present = list(dict.fromkeys(r.model for r in rows))
    models = [m for m in order or present if m in present]
    cases = sorted({r.case for r in rows})
    cells: dict[tuple[str, str], list[Row]] = {}
    for row in rows:
        cells.setdefault((row.case, row.model), []).append(row)
    body = [(case, *(_cell(cells.get((case, m), [])) for m in models)) for case in cases]
    return [("case", *models), *body]


def _cell(rows: list[Row]) -> str:
    if not rows:
        return "-"
    graded = [r for r in rows if r.outcome in (PASSED, FAILED)]
    passed = sum(r.outcome == PASSED for r in graded)
    errors = sum(r.outcome == ERROR for r in rows)
    if len(rows) == 1:
        text = {PASSED: "pass", FAILED: "FAIL", ERROR: "error", SKIPPED: "skip",
                NOT_RUN: "not run"}[rows[0].outcome]
    else:
        text = f"{passed}/{len(graded)}" if graded else "-"
        if errors:
            text += f" +{errors} err"
    score = mean([r.score for r in rows])
    return text if score is None else f"{text} {score:.1f}"


def aligned(rows: list[tuple[str, ...]]) -> list[str]:
    """Columns padded to their widest cell: the first left-aligned, the rest right-aligned."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return [
        "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths)))
        for row in rows
    ]


def pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.1%}"


def num(value: float | None, digits: int = 2) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def interval(value: tuple[float, float] | None) -> str:
    return "-" if value is None else f"{value[0]:.0%}-{value[1]:.0%}"


