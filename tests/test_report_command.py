"""`python -m pytest_llmcode report`: HTML and Markdown rebuilt from JSON reports alone,
several merged into one view."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from pytest_llmcode.reporting.baseline import load_baseline
from pytest_llmcode.reporting.json_report import write_json
from pytest_llmcode.reporting.rows import Row
from pytest_llmcode.reporting.summary import build

ROOT = Path(__file__).resolve().parents[1]


def item(case: str, model: str, outcome: str, **fields: Any) -> Row:
    return Row(case, model, 1, outcome, attempts=1, cost_usd=0.001, score=8.0,  # type: ignore[arg-type]
               reply=f"```python\n# {case} by {model}\n```", code=f"# {case} by {model}\n",
               language="python", tags=("t",), case_hash=f"hash-{case}", **fields)


def report_file(path: Path, rows: list[Row], prices: dict[str, float | None],
                endpoint: str, baseline: Path | None = None) -> Path:
    summary = build(rows, tuple(prices), prices, 1,
                    baseline=load_baseline(baseline) if baseline else None)
    write_json(path, summary, {"endpoint": endpoint, "started": "2026-11-30T10:00:00+00:00",
                               "record_mode": "once", "interrupted": False,
                               "manifest": {"cases": summary.case_hashes}})
    return path


def command(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pytest_llmcode", *args], cwd=cwd,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True,
                          text=True, timeout=120, check=False)


def data_of(html: Path) -> dict[str, Any]:
    text = html.read_text()
    marker = '<script type="application/json" id="llmcode-data">'
    start = text.index(marker) + len(marker)
    payload: dict[str, Any] = json.loads(text[start:text.index("</script>", start)])
    return payload


def test_two_runs_of_different_models_merge_into_one_view(tmp_path: Path) -> None:
    monday = report_file(tmp_path / "monday.json",
                         [item("flatten", "a", "passed"), item("dijkstra", "a", "failed")],
                         {"a": 0.25}, "https://one.example/v1")
    tuesday = report_file(tmp_path / "tuesday.json",
                          [item("flatten", "b", "failed"), item("dijkstra", "b", "passed"),
                           item("dijkstra", "a", "passed")],  # a rerun: the later one wins
                          {"b": 2.0, "a": 0.25}, "https://two.example/v1")
    done = command(tmp_path, "report", "monday.json", "tuesday.json", "--html", "all.html",
                   "--md", "all.md")
    assert done.returncode == 0, done.stderr
    assert "HTML report: all.html (4 items from 2 report(s))" in done.stdout
    data = data_of(tmp_path / "all.html")
    assert data["models"] == ["a", "b"]
    assert [r["source"] for r in data["runs"]] == ["monday.json", "tuesday.json"]
    items = {(data["cases"][i["c"]]["name"], data["models"][i["m"]]): i for i in data["items"]}
    assert len(items) == 4
    assert items[("dijkstra", "a")]["outcome"] == "passed"
    assert items[("dijkstra", "a")]["run"] == 1 and items[("flatten", "a")]["run"] == 0
    start, end = items[("flatten", "b")]["code_at"]
    assert items[("flatten", "b")]["reply"][start:end] == "# flatten by b\n"
    assert data["runs"][0]["endpoint"] == "https://one.example/v1"
    md = (tmp_path / "all.md").read_text()
    assert "[HTML report](all.html)" in md
    assert "| a | 2 | 0 | 0 | 100.0% |" in md
    assert monday.exists() and tuesday.exists()


def test_a_partial_log_and_the_flips_a_run_recorded(tmp_path: Path) -> None:
    old = report_file(tmp_path / "old.json", [item("flatten", "a", "passed")], {"a": 1.0},
                      "http://x/v1")
    new = report_file(tmp_path / "new.json", [item("flatten", "a", "failed")], {"a": 1.0},
                      "http://x/v1", baseline=old)
    assert json.loads(new.read_text())["baseline"]["regressions"]
    assert command(tmp_path, "report", "new.json", "--html", "new.html").returncode == 0
    assert data_of(tmp_path / "new.html")["items"][0]["flip"] == "regression"
    # The same flip from --baseline, for a report made without one.
    plain = report_file(tmp_path / "plain.json", [item("flatten", "a", "failed")], {"a": 1.0},
                        "http://x/v1")
    assert command(tmp_path, "report", plain.name, "--baseline", "old.json", "--html",
                   "b.html").returncode == 0
    assert data_of(tmp_path / "b.html")["items"][0]["flip"] == "regression"
    log = tmp_path / "run.partial.jsonl"
    log.write_text(json.dumps({"event": "interrupted"}) + "\n" + "\n".join(
        json.dumps(r) for r in json.loads(new.read_text())["results"]) + "\n{\"cut")
    done = command(tmp_path, "report", log.name, "--html", "partial.html")
    assert done.returncode == 0, done.stderr
    assert data_of(tmp_path / "partial.html")["items"][0]["reply"].startswith("```python")


def test_clear_errors(tmp_path: Path) -> None:
    (tmp_path / "other.json").write_text('{"not": "a report"}')
    missing = command(tmp_path, "report", "nope.json", "--html", "x.html")
    assert missing.returncode == 2 and "nope.json: no such file" in missing.stderr
    wrong = command(tmp_path, "report", "other.json", "--html", "x.html")
    assert wrong.returncode == 2 and "not an --llm-report JSON" in wrong.stderr
    nothing = command(tmp_path, "report", "other.json")
    assert nothing.returncode == 2 and "give --html PATH and/or --md PATH" in nothing.stderr
    assert not (tmp_path / "x.html").exists()
    listed = command(tmp_path)
    assert listed.returncode == 2 and "report" in listed.stderr
