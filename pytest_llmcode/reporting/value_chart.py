"""The value frontier drawn as inline SVG: no script and no library needed to see it.

Priced models are points at (cost per item, pass rate or score); the Pareto-optimal ones
are joined and labelled in bold. Models of unknown price sit in a strip of their own at
the right, at their height but on no cost scale.
"""

from __future__ import annotations

import math
from html import escape
from typing import Callable

from .frontier import Point, optimal

WIDTH, HEIGHT = 760, 400
LEFT, TOP, BOTTOM = 64, 20, 52
STRIP = 130  # the unknown-price strip's width
LABEL_H = 14


def svg(points: list[Point], metric: str) -> str:
    priced = [p for p in points if p.priced and p.value(metric) is not None]
    unpriced = [p for p in points if not p.priced and p.value(metric) is not None]
    right = WIDTH - (STRIP + 16 if unpriced else 24)
    bottom = HEIGHT - BOTTOM
    y_max = 1.0 if metric == "pass_rate" else 10.0

    def y(value: float) -> float:
        return bottom - (bottom - TOP) * value / y_max

    parts = [f'<svg class="frontier" data-metric="{metric}" viewBox="0 0 {WIDTH} {HEIGHT}" '
             f'role="img" aria-label="{"pass rate" if metric == "pass_rate" else "score"} '
             'against cost per item" xmlns="http://www.w3.org/2000/svg">']
    for tick in (_y_ticks(y_max)):
        label = f"{tick:.0%}" if metric == "pass_rate" else f"{tick:g}"
        parts.append(f'<line class="grid" x1="{LEFT}" x2="{right}" y1="{y(tick):.1f}" '
                     f'y2="{y(tick):.1f}"/><text class="tick" x="{LEFT - 8}" '
                     f'y="{y(tick) + 4:.1f}" text-anchor="end">{label}</text>')
    parts.append(f'<text class="axis" transform="translate(16 {(TOP + bottom) / 2:.0f}) '
                 f'rotate(-90)" text-anchor="middle">'
                 f'{"pass rate" if metric == "pass_rate" else "mean score (0-10)"}</text>')
    labels = _Labels()
    if priced:
        x = _XScale([p.cost_per_item or 0.0 for p in priced], LEFT + 14, right - 14)
        for tick in x.ticks():
            parts.append(f'<line class="grid" x1="{x(tick):.1f}" x2="{x(tick):.1f}" y1="{TOP}" '
                         f'y2="{bottom}"/><text class="tick" x="{x(tick):.1f}" '
                         f'y="{bottom + 18}" text-anchor="middle">{_usd(tick)}</text>')
        parts.append(f'<text class="axis" x="{(LEFT + right) / 2:.0f}" y="{HEIGHT - 8}" '
                     f'text-anchor="middle">cost per item, USD{" (log scale)" if x.log else ""}'
                     '</text>')
        front = optimal(priced, metric)
        if len(front) > 1:
            path = " ".join(f"{x(p.cost_per_item or 0.0):.1f},{y(p.value(metric) or 0.0):.1f}"
                            for p in front)
            parts.append(f'<polyline class="front" points="{path}"/>')
        names = {p.model for p in front}
        # Dominated points first, so the frontier's are drawn on top of them.
        for p in sorted(priced, key=lambda p: p.model in names):
            cx, cy = x(p.cost_per_item or 0.0), y(p.value(metric) or 0.0)
            best = p.model in names
            parts.append(_whisker(p, metric, cx, y))
            parts.append(f'<circle class="point{" optimal" if best else ""}" cx="{cx:.1f}" '
                         f'cy="{cy:.1f}" r="{6 if best else 5}" data-model="{escape(p.model)}">'
                         f'<title>{escape(_tooltip(p))}</title></circle>')
            parts.append(labels.place(p.model, cx, cy, right, "label optimal" if best else "label"))
    else:
        parts.append(f'<text class="empty" x="{(LEFT + right) / 2:.0f}" y="{(TOP + bottom) / 2}" '
                     'text-anchor="middle">no model with a known price has answers</text>')
    parts.append(f'<line class="axisline" x1="{LEFT}" x2="{right}" y1="{bottom}" '
                 f'y2="{bottom}"/>')
    if unpriced:
        sx = right + 16
        parts.append(f'<rect class="strip" x="{sx}" y="{TOP}" width="{STRIP}" '
                     f'height="{bottom - TOP}"/><text class="tick" x="{sx + STRIP / 2:.0f}" '
                     f'y="{bottom + 18}" text-anchor="middle">price unknown</text>')
        strip_labels = _Labels()
        for p in unpriced:
            cy = y(p.value(metric) or 0.0)
            parts.append(_whisker(p, metric, sx + 14, y))
            parts.append(f'<circle class="unpriced" cx="{sx + 14}" cy="{cy:.1f}" r="5" '
                         f'data-model="{escape(p.model)}"><title>{escape(_tooltip(p))}</title>'
                         '</circle>')
            parts.append(strip_labels.place(p.model, sx + 14, cy, sx + STRIP, "label"))
    parts.append("</svg>")
    return "".join(parts)


def _whisker(p: Point, metric: str, cx: float, y: Callable[[float], float]) -> str:
    """The pass rate's 95% interval as a vertical line through the point."""
    if metric != "pass_rate" or p.pass_rate_ci95 is None:
        return ""
    low, high = p.pass_rate_ci95
    return (f'<line class="ci" x1="{cx:.1f}" x2="{cx:.1f}" y1="{y(low):.1f}" '
            f'y2="{y(high):.1f}"/>')


def _tooltip(p: Point) -> str:
    cost = "unknown cost" if p.cost_per_item is None else f"${p.cost_per_item:.6f} per item"
    rate = "-" if p.pass_rate is None else f"{p.pass_rate:.0%}"
    if p.pass_rate_ci95 is not None:
        rate += f" (95% CI {p.pass_rate_ci95[0]:.0%}-{p.pass_rate_ci95[1]:.0%})"
    score = "-" if p.score is None else f"{p.score:.1f}"
    return f"{p.model}: pass rate {rate}, score {score}, {cost}, {p.answered} answered"


def _y_ticks(y_max: float) -> list[float]:
    return [y_max * i / 4 for i in range(5)]


def _usd(value: float) -> str:
    if value == 0:
        return "$0"
    digits = max(0, -math.floor(math.log10(abs(value))) + 1)
    return f"${value:.{min(digits, 8)}f}"


class _XScale:
    """Linear from zero, or logarithmic when the costs span more than 20x (and none is
    zero, which a log scale cannot show)."""

    def __init__(self, values: list[float], lo: float, hi: float) -> None:
        self.lo, self.hi = lo, hi
        smallest, largest = min(values), max(values)
        self.log = smallest > 0 and largest / smallest >= 20
        if self.log:
            self.a, self.b = math.log10(smallest / 1.5), math.log10(largest * 1.5)
        else:
            self.a, self.b = 0.0, (largest * 1.1) or 1e-6

    def __call__(self, value: float) -> float:
        v = math.log10(value) if self.log else value
        return self.lo + (self.hi - self.lo) * (v - self.a) / (self.b - self.a)

    def ticks(self) -> list[float]:
        if self.log:
            out = []
            for exp in range(math.floor(self.a), math.ceil(self.b) + 1):
                for m in (1, 2, 5):
                    t = m * 10.0 ** exp
                    if self.a <= math.log10(t) <= self.b:
                        out.append(t)
            return out if len(out) <= 8 else [t for t in out if f"{t:e}".startswith("1")]
        step = _nice(self.b / 5)
        return [i * step for i in range(int(self.b / step) + 1)]


def _nice(raw: float) -> float:
    exp = math.floor(math.log10(raw))
    for m in (1, 2, 2.5, 5, 10):
        if m * 10 ** exp >= raw:
            return float(m * 10 ** exp)
    return float(10 ** (exp + 1))


class _Labels:
    """Model names beside their points, nudged up or down so no two overlap."""

    def __init__(self) -> None:
        self.placed: list[tuple[float, float, float]] = []  # x0, x1, y of each label

    def place(self, text: str, cx: float, cy: float, right: float, css: str) -> str:
        width = 6.2 * len(text)
        anchor, x0 = "start", cx + 9
        if x0 + width > right:
            anchor, x0 = "end", cx - 9 - width
        for dy in (0, -LABEL_H, LABEL_H, -2 * LABEL_H, 2 * LABEL_H, 3 * LABEL_H):
            ty = cy + 4 + dy
            if not any(abs(ty - y) < LABEL_H and x0 < b and a < x0 + width
                       for a, b, y in self.placed):
                break
        self.placed.append((x0, x0 + width, ty))
        tx = x0 if anchor == "start" else x0 + width
        return (f'<text class="{css}" x="{tx:.1f}" y="{ty:.1f}" text-anchor="{anchor}">'
                f'{escape(text)}</text>')
