"""The Markdown report, and the same figures with and without pytest-xdist."""

from __future__ import annotations

from typing import Any

import pytest
from support.chat_server import ChatServer
from support.llm_runs import answers, copy_cases, report, run

# Measured durations differ between any two runs, and so does the runners' own output
# (pytest's "in 0.86s", a stack trace's paths); everything else must not.
TIMINGS = {"latency_s", "grading_s", "latency_p50_s", "latency_p95_s", "latency_p99_s",
           "grading_output"}


def same_run(result: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in result.items() if k not in TIMINGS}
    out["tests"] = [(t["id"], t["outcome"]) for t in result["tests"] or []]
    return out


def figures(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "models": {m: {k: v for k, v in s.items() if k not in TIMINGS}
                   for m, s in data["models"].items()},
        "results": [same_run(r) for r in data["results"]],
        "gates": data["gates"],
        "cases": data["manifest"]["cases"],
    }


@pytest.fixture
def scripted(pytester: pytest.Pytester, chat_server: ChatServer, sandbox_image: str) -> ChatServer:
    copy_cases(pytester, "flatten", "race_fix")
    chat_server.script("good", answers())
    chat_server.script("mixed", answers(race_fix="missing_return.js"))
    pytester.makeini("[pytest]\nllm_prices =\n    good=0.25\n    mixed=0.5\n")
    return chat_server


def test_markdown_report_renders_tables(pytester: pytest.Pytester, scripted: ChatServer) -> None:
    md = pytester.path / "out" / "summary.md"
    result = run(pytester, scripted, "good,mixed", f"--llm-report-md={md}",
                 "--llm-min-pass-rate=0.75")
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines([f"Markdown report: {md}"])
    lines = md.read_text().splitlines()
    assert lines[0] == "## pytest-llmcode results"
    header = lines.index(next(line for line in lines if line.startswith("| model |")))
    assert lines[header].split(" | ")[1:5] == ["passed", "failed", "errors", "pass rate"]
    columns = lines[header].count(" | ")
    assert lines[header + 1] == "| --- |" + " ---: |" * columns
    good, mixed = lines[header + 2], lines[header + 3]
    assert good.startswith("| good | 2 | 0 | 0 | 100.0% |") and good.count(" | ") == columns
    assert mixed.startswith("| mixed | 1 | 1 | 0 | 50.0% |")
    assert "| case | good | mixed |" in lines
    assert any(line.startswith("| race_fix | pass 10.0 | FAIL ") for line in lines)
    assert "- ✅ llmcode gate passed: min-pass-rate good: measured 1.000, required &gt;= 0.750" in lines
    assert "- ❌ llmcode gate failed: min-pass-rate mixed: measured 0.500, required &gt;= 0.750" in lines


def test_markdown_escapes_what_users_and_endpoints_name() -> None:
    from pytest_llmcode.reporting.markdown import render
    from pytest_llmcode.reporting.rows import Row
    from pytest_llmcode.reporting.summary import build

    rows = [Row("flat|ten", "m<script>|x", 1, "passed", score=9.0)]
    text = render(build(rows, ("m<script>|x",), {}, 1))
    assert "<script>" not in text
    assert "| flat\\|ten | pass 9.0 |" in text


def test_xdist_gives_the_same_figures_as_a_serial_run(
    pytester: pytest.Pytester, scripted: ChatServer
) -> None:
    # Both runs ask the server (no cassette replay), so their figures must agree.
    args = ("--llm-samples=2", "--llm-min-pass-rate=0.7", "--llm-min-score=5",
            "--llm-record-mode=all")
    serial, parallel = pytester.path / "serial.json", pytester.path / "parallel.json"
    first = run(pytester, scripted, "good,mixed", f"--llm-report={serial}", *args)
    second = run(pytester, scripted, "good,mixed", f"--llm-report={parallel}", "-n", "2", *args)
    assert first.ret == second.ret == pytest.ExitCode.TESTS_FAILED
    first.assert_outcomes(passed=6, failed=2)
    second.assert_outcomes(passed=6, failed=2)
    assert figures(report(serial)) == figures(report(parallel))
    assert report(parallel)["models"]["good"]["score"] == 10.0
    assert report(parallel)["models"]["mixed"]["k"] == 2
    second.stdout.fnmatch_lines(["created: 2/2 workers", "*llmcode gate failed: min-pass-rate mixed: measured 0.500, *"])


def test_the_summary_ranks_by_pass_rate_with_what_a_pass_costs() -> None:
    """The issue's case: a cheap model that passes nothing has the best value (score per
    dollar); it must not come first, and what one of its passes costs must show."""
    from pytest_llmcode.reporting.rows import Row
    from pytest_llmcode.reporting.summary import build
    from pytest_llmcode.reporting.tables import model_table

    def rows(model: str, passed: int, failed: int, score: float, cost: float) -> list[Row]:
        outcomes = ["passed"] * passed + ["failed"] * failed
        return [Row(f"case{i}", model, 1, outcome, completion_tokens=100, cost_usd=cost,  # type: ignore[arg-type]
                    attempts=1, score=score, latency_s=1.0)
                for i, outcome in enumerate(outcomes)]

    summary = build(rows("cheap", 0, 3, 2.4, 0.0001) + rows("good", 2, 1, 8.0, 0.001),
                    model_order=("cheap", "good"), prices={"cheap": 0.1, "good": 1.0}, k=1)
    assert list(summary.models) == ["good", "cheap"]
    header, first, second = model_table(summary.models)
    at = {name: header.index(name) for name in ("value", "$/pass", "passes/$")}
    assert first[0] == "good" and first[at["value"]] == "8.0"
    assert first[at["$/pass"]] == "0.001500" and first[at["passes/$"]] == "667"
    assert second[0] == "cheap" and second[at["value"]] == "24.0"
    assert second[at["$/pass"]] == "-" and second[at["passes/$"]] == "0"
