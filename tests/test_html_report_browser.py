"""The HTML report of a real run (loopback chat server, real Docker sandbox), opened in a
real headless Chromium: its chart, its matrix, an item's detail, the filters, and a reply
full of markup and script that must stay text."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, Iterator

import pytest
from support.browser import start_browser
from support.chat_server import EVAL_CASES, ChatServer, Reply, case_for, fenced, right_answer
from support.llm_runs import answers

from pytest_llmcode.cases import load_case

ROOT = Path(__file__).resolve().parents[1]
MODELS = ("good", "mixed", "cheap", "unpriced", "hostile")
PRICED = ("good", "mixed", "cheap", "hostile")
CASES = ("flatten", "race_fix")

HOSTILE_PROSE = (
    'Sure! </script><script>window.__pwned = "script"; alert(1)</script>\n'
    '<img src=x onerror="window.__pwned = \'img\'"><svg onload="window.__pwned = \'svg\'"></svg>\n'
    "<style>body { display: none }</style><a href=\"javascript:window.__pwned='link'\">x</a>\n"
    "<!-- <iframe src=\"data:text/html,<script>parent.__pwned='frame'</script>\"> -->\n"
)


def hostile_answer(body: dict[str, Any]) -> Reply:
    """A right answer wrapped in markup; its code carries some of it too."""
    case = case_for(body)
    code = case.reference_file.read_text()
    marker = "</script><script>window.__pwned = 'code'</script><!--"
    if case.language == "python":
        code = f'"""{marker}"""\n{code}'
    else:
        code = f"// {marker}\n{code}"
    return Reply(HOSTILE_PROSE + fenced(case.language, code, prose=False) + "\n<b>done</b>")


@pytest.fixture(scope="module")
def real_run(tmp_path_factory: pytest.TempPathFactory, sandbox_image: str
             ) -> Iterator[Path]:
    """One real run of five models on two cases: right, half wrong, all wrong, right but
    unpriced, and right but hostile."""
    folder = tmp_path_factory.mktemp("html-run")
    for name in CASES:
        shutil.copytree(EVAL_CASES / name, folder / "eval_cases" / name,
                        ignore=shutil.ignore_patterns(".*"))
    (folder / "pytest.ini").write_text(
        "[pytest]\nllm_prices =\n    good=0.25\n    mixed=1.0\n    cheap=0.1\n    hostile=0.5\n")
    server = ChatServer().start()
    server.script("good", right_answer)
    server.script("mixed", answers(flatten="shallow.py"))
    server.script("cheap", answers(flatten="shallow.py", race_fix="missing_return.js"))
    server.script("unpriced", right_answer)
    server.script("hostile", hostile_answer)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("CI", None)
    try:
        done = subprocess.run(
            [sys.executable, "-m", "pytest", "eval_cases", "-p", "no:cacheprovider",
             f"--llm-models={','.join(MODELS)}", f"--llm-base-url={server.base_url}",
             "--llm-report=run.json", "--llm-report-html=report.html",
             "--llm-report-md=summary.md"],
            cwd=folder, env=env, capture_output=True, text=True, timeout=600, check=False)
    finally:
        server.stop()
    assert done.returncode == 1, done.stdout[-3000:] + done.stderr[-3000:]
    assert "HTML report: report.html" in done.stdout
    yield folder


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    driver, profile = start_browser()
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


def open_report(browser: Any, path: Path, fragment: str = "") -> None:
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get("about:blank")  # a new fragment alone would not reload the page
    browser.get(path.resolve().as_uri() + fragment)
    WebDriverWait(browser, 20).until(
        lambda d: d.execute_script("return document.body.dataset.ready") == "1")


def rows(run: Path) -> list[dict[str, Any]]:
    results: list[dict[str, Any]] = json.loads((run / "run.json").read_text())["results"]
    return results


def visible(browser: Any, selector: str) -> list[Any]:
    return [e for e in browser.find_elements("css selector", selector) if e.is_displayed()]


def severe_logs(browser: Any) -> list[dict[str, Any]]:
    return [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]


def test_the_run_carries_every_answer_in_its_json(real_run: Path) -> None:
    results = rows(real_run)
    assert len(results) == len(MODELS) * len(CASES)
    for row in results:
        assert row["reply"] and row["code"] and row["messages"][0]["role"] == "user"
        assert row["tests"] and all({"id", "outcome", "message"} <= set(t) for t in row["tests"])
        assert row["language"] in ("python", "javascript") and row["tags"]
    hostile = next(r for r in results if r["model"] == "hostile" and r["case"] == "flatten")
    assert "<script>window.__pwned" in hostile["reply"]
    assert "window.__pwned = 'code'" in hostile["code"]


def test_frontier_has_one_point_per_priced_model(browser: Any, real_run: Path) -> None:
    open_report(browser, real_run / "report.html")
    chart = visible(browser, "#value svg.frontier")
    assert len(chart) == 1 and chart[0].get_attribute("data-metric") == "pass_rate"
    points = chart[0].find_elements("css selector", "circle.point")
    assert sorted(p.get_attribute("data-model") for p in points) == sorted(PRICED)
    apart = chart[0].find_elements("css selector", "circle.unpriced")
    assert [p.get_attribute("data-model") for p in apart] == ["unpriced"]
    # good passes everything at the lowest price of those that do: on the frontier.
    optimal = {p.get_attribute("data-model") for p in points
               if "optimal" in p.get_attribute("class")}
    assert "good" in optimal and "mixed" not in optimal
    browser.find_element("css selector", "#value input[value=score]").click()
    chart = visible(browser, "#value svg.frontier")
    assert chart[0].get_attribute("data-metric") == "score"
    assert len(chart[0].find_elements("css selector", "circle.point")) == len(PRICED)
    assert severe_logs(browser) == []


def test_matrix_has_one_cell_per_item(browser: Any, real_run: Path) -> None:
    open_report(browser, real_run / "report.html")
    cells = browser.find_elements("css selector", "table.matrix a.cell")
    assert len(cells) == len(rows(real_run)) == len(MODELS) * len(CASES)
    hrefs = {c.get_attribute("href").rpartition("#")[2] for c in cells}
    assert hrefs == {f"item/{r['case']}/{r['model']}/{r['sample']}" for r in rows(real_run)}
    outcome = {c.get_attribute("href").rpartition("#")[2]: c.get_attribute("class")
               for c in cells}
    assert "o-failed" in outcome["item/flatten/mixed/1"]
    assert "o-passed" in outcome["item/flatten/good/1"]


def test_a_failing_cell_opens_its_failing_test_and_its_code(browser: Any, real_run: Path
                                                            ) -> None:
    row = next(r for r in rows(real_run) if r["model"] == "mixed" and r["case"] == "flatten")
    failing = [t for t in row["tests"] if t["outcome"] != "passed"]
    assert row["outcome"] == "failed" and failing
    open_report(browser, real_run / "report.html")
    assert not browser.find_element("id", "drawer").is_displayed()
    browser.find_element("css selector", 'a.cell[href="#item/flatten/mixed/1"]').click()
    drawer = browser.find_element("id", "drawer")
    assert drawer.is_displayed()
    assert "flatten[mixed]" in drawer.find_element("css selector", ".title").text
    shown = [e.text for e in drawer.find_elements("css selector", "ul.tests li")]
    assert any(failing[0]["id"] in text and "failed" in text for text in shown)
    outputs = [e.text for e in drawer.find_elements("css selector", "pre.test-output")]
    first_line = failing[0]["message"].strip().splitlines()[0].strip()
    assert any(first_line in text for text in outputs), (first_line, outputs)
    code = drawer.find_element("css selector", "pre.code")
    lines = code.find_elements("css selector", "span.ln")
    shallow = (EVAL_CASES / "flatten" / "wrong" / "shallow.py").read_text().rstrip("\n")
    assert [line.text for line in lines] == shallow.split("\n")
    prompt = drawer.find_element("css selector", "pre.prompt").text
    assert prompt == row["messages"][0]["content"].strip() == load_case(
        EVAL_CASES / "flatten" / "case.yaml").prompt.strip()
    # Escape closes it; the cell stays where it was.
    browser.find_element("css selector", "body").send_keys("\ue00c")
    assert not drawer.is_displayed()


def test_filters_and_search(browser: Any, real_run: Path) -> None:
    from selenium.webdriver.support.ui import Select, WebDriverWait

    open_report(browser, real_run / "report.html")

    def lit_cells() -> list[str]:
        return [c.get_attribute("data-i") for c in visible(browser, "table.matrix a.cell")
                if "dim" not in c.get_attribute("class")]

    assert len(lit_cells()) == 10
    Select(browser.find_element("css selector", "select[data-filter=model]")
           ).select_by_visible_text("mixed")
    assert len(lit_cells()) == 2
    assert browser.find_element("css selector", "#filters .count").text == "2 of 10 items"
    assert len(browser.find_elements("css selector", "#item-table tbody tr")) == 2
    Select(browser.find_element("css selector", "select[data-filter=outcome]")
           ).select_by_visible_text("failed")
    assert len(lit_cells()) == 1
    browser.find_element("css selector", "#filters button").click()  # reset
    assert len(lit_cells()) == 10
    Select(browser.find_element("css selector", "select[data-filter=language]")
           ).select_by_visible_text("javascript")
    assert len(visible(browser, "table.matrix tbody tr")) == 1
    browser.find_element("css selector", "#filters button").click()
    search = browser.find_element("id", "search")
    search.send_keys("result.extend")  # only the shallow answer has it
    WebDriverWait(browser, 5).until(lambda d: len(lit_cells()) == 2)
    assert browser.find_element("css selector", "#filters .count").text == "2 of 10 items"


def test_a_hostile_reply_stays_text(browser: Any, real_run: Path) -> None:
    from selenium.common.exceptions import NoAlertPresentException
    from selenium.webdriver.support.ui import WebDriverWait

    open_report(browser, real_run / "report.html", "#item/flatten/hostile/1")
    drawer = browser.find_element("id", "drawer")
    assert drawer.is_displayed()
    reply = drawer.find_element("css selector", "pre.reply").text
    assert '</script><script>window.__pwned = "script"; alert(1)</script>' in reply
    assert "<img src=x onerror=" in reply
    code = drawer.find_element("css selector", "pre.code").text
    assert "</script><script>window.__pwned = 'code'</script><!--" in code
    browser.find_element("id", "search").send_keys("pwned")
    WebDriverWait(browser, 5).until(lambda d: d.find_element(
        "css selector", "#filters .count").text == "2 of 10 items")
    browser.execute_script("location.hash = '#item/race_fix/hostile/1'")
    WebDriverWait(browser, 5).until(
        lambda d: "race_fix[hostile]" in d.find_element("css selector", "#drawer .title").text)
    marks = drawer.find_elements("css selector", "pre.code mark")  # the search, highlighted
    assert marks and all(m.text.lower() == "pwned" for m in marks)
    assert browser.execute_script("return typeof window.__pwned") == "undefined"
    assert browser.execute_script("return document.scripts.length") == 2
    assert browser.execute_script(
        "return document.querySelectorAll('img, iframe, object, embed, style').length") == 1
    assert browser.execute_script("return getComputedStyle(document.body).display") == "block"
    assert browser.execute_script("return performance.getEntriesByType('resource').length") == 0
    with pytest.raises(NoAlertPresentException):
        browser.switch_to.alert.text  # noqa: B018
    assert severe_logs(browser) == []


def test_the_report_command_rebuilds_the_same_view(browser: Any, real_run: Path) -> None:
    out = real_run / "rebuilt.html"
    done = subprocess.run(
        [sys.executable, "-m", "pytest_llmcode", "report", "run.json", "--html", str(out)],
        cwd=real_run, env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True,
        text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    open_report(browser, out, "#item/flatten/mixed/1")
    assert len(browser.find_elements("css selector", "table.matrix a.cell")) == 10
    assert len(browser.find_elements("css selector", "#value svg circle.point")) == 2 * len(PRICED)
    assert browser.find_element("css selector", "#drawer pre.code").text.startswith(
        "from typing import Any")


def test_every_sample_of_an_item_is_a_click_away(browser: Any, tmp_path: Path) -> None:
    """Built from rows (no run needed): three samples of one case x model, one replayed."""
    from pytest_llmcode.reporting.html_report import RunInfo, write_html
    from pytest_llmcode.reporting.rows import Row
    from pytest_llmcode.reporting.summary import build

    rows = [Row("flatten", "m", s, "passed" if s != 2 else "failed", attempts=0 if s == 3 else 1,
                score=9.0 if s != 2 else 3.0, reply=f"```python\n# sample {s}\n```",
                code=f"# sample {s}\n", replayed=s == 3, recorded_cost_usd=0.002 if s == 3 else None,
                recorded_at="2026-11-30T10:00:00+00:00" if s == 3 else None, language="python")
            for s in (1, 2, 3)]
    path = tmp_path / "samples.html"
    write_html(path, build(rows, ("m",), {"m": 1.0}, 3), [RunInfo("r")])
    open_report(browser, path, "#item/flatten/m/1")
    chips = browser.find_elements("css selector", "#drawer .samples a")
    assert [c.text for c in chips] == ["s1 9.0", "s2 3.0", "s3 9.0"]
    chips[2].click()
    drawer = browser.find_element("id", "drawer")
    assert drawer.find_element("css selector", "pre.code").text == "# sample 3"
    facts = drawer.find_element("css selector", "dl.facts").text
    assert "replayed from a cassette, recorded 2026-11-30" in facts
    assert "$0 this run · $0.00200 when recorded" in facts
    browser.find_element("css selector", "body").send_keys("k")  # the previous item
    assert drawer.find_element("css selector", "pre.code").text == "# sample 2"
