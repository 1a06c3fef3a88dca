"""The HTML report as a file: self-contained, its script and styles the only ones the
policy allows, every text from a model escaped; the frontier's arithmetic; the rows'
answers in the JSON and the partial log. (tests/test_html_report_browser.py opens a real
run's report in a real browser.)"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pytest_llmcode.reporting.aggregate import summarize
from pytest_llmcode.reporting.frontier import Point, optimal, points
from pytest_llmcode.reporting.html_data import RunInfo, embed, shown_endpoint
from pytest_llmcode.reporting.html_report import render
from pytest_llmcode.reporting.markdown import html_link
from pytest_llmcode.reporting.markdown import render as render_md
from pytest_llmcode.reporting.resultlog import ResultLog, read_rows
from pytest_llmcode.reporting.rows import Row
from pytest_llmcode.reporting.summary import build
from pytest_llmcode.reporting.value_chart import svg

HOSTILE = ('</script><script>alert(1)</script><img src=x onerror=alert(2)>'
           '<!-- <style>*{display:none}</style> \u2028 & &amp; "quoted" \'single\'')


class Page(HTMLParser):
    """Every element with its attributes, and the text of each script and style."""

    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self.styles: list[str] = []
        self._open: tuple[str, dict[str, str | None]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))
        if tag in ("script", "style"):
            self._open = (tag, dict(attrs))

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            tag, attrs = self._open
            if tag == "script":
                self.scripts.append((attrs, data))
            else:
                self.styles.append(data)
            self._open = None


def parse(text: str) -> Page:
    page = Page()
    page.feed(text)
    return page


def row(case: str, model: str, outcome: str = "passed", **fields: Any) -> Row:
    defaults: dict[str, Any] = {"attempts": 1, "cost_usd": 0.0001, "score": 9.0,
                                "completion_tokens": 100, "language": "python",
                                "tags": ("function",)}
    return Row(case, model, 1, outcome, **{**defaults, **fields})  # type: ignore[arg-type]


def page_of(rows: list[Row], prices: dict[str, float | None] | None = None) -> str:
    models = tuple(dict.fromkeys(r.model for r in rows))
    summary = build(rows, models, prices or dict.fromkeys(models, 1.0), 1)
    return render(summary, [RunInfo("this run", "https://user:secret@api.example/v1?key=k")])


def test_one_file_that_loads_nothing() -> None:
    text = page_of([row("flatten", "a"), row("dijkstra", "b", "failed", score=2.0)])
    page = parse(text)
    for tag, attrs in page.elements:
        assert tag not in ("link", "iframe", "img", "object", "embed"), tag
        assert "src" not in attrs, (tag, attrs)
        href = attrs.get("href")
        assert href is None or href.startswith("#"), href
    # No URL but the SVG namespace and the run's endpoint (shown as text).
    rest = text.replace("https://api.example/v1", "")
    assert not re.search(r"url\(|@import|https?://(?!www\.w3\.org/2000/svg)", rest)
    # The endpoint is shown without its credentials or query.
    assert "secret" not in text and "key=k" not in text
    assert "https://api.example/v1" in text


def test_the_policy_allows_exactly_the_page_s_own_script_and_style() -> None:
    page = parse(page_of([row("flatten", "a")]))
    policy = next(a["content"] for t, a in page.elements
                  if t == "meta" and a.get("http-equiv") == "Content-Security-Policy")
    assert policy is not None and "default-src 'none'" in policy
    code = [text for attrs, text in page.scripts if attrs.get("type") != "application/json"]
    assert len(code) == 1 and len(page.styles) == 1

    def digest(text: str) -> str:
        return base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()

    assert f"script-src 'sha256-{digest(code[0])}'" in policy
    assert f"style-src 'sha256-{digest(page.styles[0])}'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


def test_model_text_cannot_end_its_element_or_add_one() -> None:
    hostile = row("flat<b>ten", "m<script>x", "failed", reply=HOSTILE, code=HOSTILE,
                  failure=HOSTILE, messages=[{"role": "user", "content": HOSTILE}],
                  tests=[{"id": HOSTILE, "outcome": "failed", "message": HOSTILE}],
                  quality_notes=HOSTILE, served_model=HOSTILE)
    text = page_of([hostile])
    page = parse(text)
    assert [t for t, _ in page.elements].count("script") == 2
    assert "<b>" not in text and "<img" not in text and "m<script>x" not in text
    data = json.loads(next(t for a, t in page.scripts if a.get("type") == "application/json"))
    item = data["items"][0]
    assert item["reply"] == item["failure"] == HOSTILE
    assert item["code_at"] == [0, len(HOSTILE)]  # the code is the reply's slice, kept once
    assert data["prompts"][0][0]["content"] == HOSTILE
    assert data["models"] == ["m<script>x"] and data["cases"][0]["name"] == "flat<b>ten"


@given(st.text())
def test_embedded_json_round_trips_and_holds_no_markup(text: str) -> None:
    embedded = embed({"t": text})
    assert not set("<>&\u2028\u2029") & set(embedded)
    assert json.loads(embedded) == {"t": text}


def test_the_matrix_has_one_linked_cell_per_item_samples_included() -> None:
    rows = [Row(c, m, s, "passed" if s == 1 else "failed", score=5.0)
            for c in ("a", "b") for m in ("x", "y/z") for s in (1, 2, 3)]
    summary = build(rows, ("x", "y/z"), {}, 3)
    page = parse(render(summary, [RunInfo("r")]))
    cells = [a for t, a in page.elements if t == "a" and "cell" in (a.get("class") or "")]
    assert len(cells) == len(rows)
    assert {a["href"] for a in cells} == {f"#item/{c}/{m.replace('/', '%2F')}/{s}"
                                          for c in ("a", "b") for m in ("x", "y/z")
                                          for s in (1, 2, 3)}


def test_flips_against_a_baseline_are_marked() -> None:
    from pytest_llmcode.reporting.baseline import Baseline

    baseline = Baseline(Path("old.json"), {("a", "m", 1): "passed", ("b", "m", 1): "failed"},
                        {"a": "hash-a", "b": "hash-b"})
    rows = [row("a", "m", "failed", score=1.0, case_hash="hash-a"),
            row("b", "m", "passed", case_hash="hash-b")]
    summary = build(rows, ("m",), {"m": 1.0}, 1, baseline=baseline)
    page = parse(render(summary, [RunInfo("r")]))
    classes = {a["href"]: a["class"] for t, a in page.elements if t == "a" and a.get("data-i")}
    assert "flip-regression" in (classes["#item/a/m/1"] or "")
    assert "flip-fix" in (classes["#item/b/m/1"] or "")


# -- the value frontier -----------------------------------------------------------------

def point(model: str, cost: float | None, rate: float | None, score: float | None = None
          ) -> Point:
    return Point(model, cost, rate, None, score, 10)


def test_pareto_optimal_models() -> None:
    candidates = [point("cheap-bad", 0.1, 0.2), point("mid", 0.5, 0.8),
                  point("dominated", 0.6, 0.7), point("best", 2.0, 0.95),
                  point("tie-pricier", 0.7, 0.8), point("unpriced", None, 1.0),
                  point("no-rate", 0.05, None)]
    assert [p.model for p in optimal(candidates, "pass_rate")] == ["cheap-bad", "mid", "best"]
    # Two models equal on both: neither beats the other, both are on the frontier.
    twins = [point("a", 0.5, 0.8), point("b", 0.5, 0.8)]
    assert {p.model for p in optimal(twins, "pass_rate")} == {"a", "b"}


def test_points_price_replayed_answers_at_what_they_cost_and_never_guess() -> None:
    rows = [
        row("a", "live", cost_usd=0.002), row("b", "live", cost_usd=0.004),
        row("a", "replayed", attempts=0, cost_usd=0.0, replayed=True, recorded_cost_usd=0.01),
        row("a", "unpriced", cost_usd=None),
        row("a", "free", cost_usd=0.0),
        row("a", "broken", "error", attempts=0, cost_usd=0.0, score=None),
    ]
    prices = {"live": 1.0, "replayed": 1.0, "unpriced": None, "free": 0.0, "broken": 1.0}
    found = {p.model: p for p in points(rows, summarize(rows, prices))}
    assert found["live"].cost_per_item == pytest.approx(0.003)
    assert found["replayed"].cost_per_item == pytest.approx(0.01)
    assert found["unpriced"].cost_per_item is None and not found["unpriced"].priced
    assert found["free"].cost_per_item == 0.0 and found["free"].priced
    assert "broken" not in found  # no answer, no point


def test_the_chart_draws_priced_points_on_the_axis_and_the_rest_apart() -> None:
    pts = [point("a", 0.0001, 0.5, 5.0), point("b", 0.01, 0.9, 9.0),
           point("c", None, 0.7, 7.0), point("d", 0.003, 0.4, 4.0)]
    for metric in ("pass_rate", "score"):
        drawn = parse(svg(pts, metric))
        circles = [a for t, a in drawn.elements if t == "circle"]
        assert sorted(a["data-model"] or "" for a in circles
                      if "point" in (a.get("class") or "")) == ["a", "b", "d"]
        assert [a["data-model"] for a in circles if a.get("class") == "unpriced"] == ["c"]
        assert [t for t, _ in drawn.elements].count("polyline") == 1
    assert "(log scale)" in svg(pts, "pass_rate")  # 0.0001 to 0.01: a hundredfold
    assert "(log scale)" not in svg([point("a", 0.0, 0.5), point("b", 0.01, 0.9)], "pass_rate")
    assert "no model with a known price" in svg([point("c", None, 0.7)], "pass_rate")


# -- answers in the data -----------------------------------------------------------------

def test_the_partial_log_carries_the_answer(tmp_path: Path) -> None:
    full = row("flatten", "m", "failed", reply="```python\nx = 1\n```", code="x = 1\n",
               messages=[{"role": "system", "content": "be brief"},
                         {"role": "user", "content": "flatten"}],
               tests=[{"id": "t::a", "outcome": "failed", "message": "assert 1 == 2"}],
               grading_stage="test", grading_output="1 failed")
    log = ResultLog(tmp_path / "run.partial.jsonl")
    log.append(full)
    assert read_rows(log.path) == [full]
    assert Row.from_properties(full.properties()) == full


def test_endpoints_are_shown_without_credentials() -> None:
    assert shown_endpoint("https://u:p@host:8443/v1?key=x#f") == "https://host:8443/v1"
    assert shown_endpoint(None) is None


def test_the_markdown_report_links_the_html_report(tmp_path: Path) -> None:
    summary = build([row("a", "m")], ("m",), {"m": 1.0}, 1)
    md = tmp_path / "ci" / "summary.md"
    link = html_link(md, tmp_path / "out" / "my report.html", None)
    assert link == "../out/my report.html"
    text = render_md(summary, html_link=link)
    assert "[HTML report](../out/my%20report.html)" in text
    url = "https://ci.example/artifacts/1/report.html?x=(1)"
    assert html_link(md, tmp_path / "r.html", url) == url
    assert "(https://ci.example/artifacts/1/report.html?x=%281%29)" in render_md(
        summary, html_link=url)
    assert "HTML report" not in render_md(summary)


# -- through the plugin ---------------------------------------------------------------------

def test_the_messages_as_sent_and_replayed_answers_reach_the_reports(
    pytester: pytest.Pytester, chat_server: Any
) -> None:
    """A conftest adds a system message; the rows (JSON, HTML) show both messages, live and
    then replayed from the cassette the first run recorded. No grading is needed: the
    replies hold no code."""
    from support.chat_server import codeless_answer
    from support.llm_runs import copy_cases, run

    copy_cases(pytester, "flatten")
    pytester.makeconftest(
        "def pytest_llmcode_messages(case, model):\n"
        "    return [{'role': 'system', 'content': 'You write <careful> code.'},\n"
        "            {'role': 'user', 'content': case.prompt}]\n")
    chat_server.script("m", codeless_answer)
    for replayed in (False, True):
        result = run(pytester, chat_server, "m", "--llm-report=run.json",
                     "--llm-report-html=out/report.html", "--llm-samples=2")
        result.assert_outcomes(failed=2)
        result.stdout.fnmatch_lines(["HTML report: out/report.html"])
        rows = json.loads((pytester.path / "run.json").read_text())["results"]
        assert [r["replayed"] for r in rows] == [replayed, replayed]
        for r in rows:
            assert [m["role"] for m in r["messages"]] == ["system", "user"]
            assert r["reply"] == "I am sorry, I cannot help with that request."
            assert r["code"] is None and r["tests"] is None and r["language"] == "python"
        text = (pytester.path / "out" / "report.html").read_text()
        page = parse(text)
        data = json.loads(next(t for a, t in page.scripts if a.get("type") == "application/json"))
        assert len(data["prompts"]) == 1  # the two samples share one prompt
        assert data["prompts"][0][0]["content"] == "You write <careful> code."
        assert [i["prompt"] for i in data["items"]] == [0, 0]
    assert len(chat_server.requests) == 2  # the second run replayed both
