"""Runs that survive the real API, through pytester against the loopback server and real
Docker: retries reported per item, fallback, the cost budget, record and replay, limits
shared by pytest-xdist workers, resume."""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

import pytest
from support.chat_server import (
    ChatServer,
    Reply,
    case_for,
    failing_answer,
    right_answer,
    wrong_answer,
)
from support.llm_runs import run


def rows(report: Path) -> dict[str, dict[str, Any]]:
    data = json.loads(report.read_text())
    return {f"{r['case']}[{r['model']}]": r for r in data["results"]}


def test_an_items_report_says_how_many_attempts_it_took_and_how_long_it_waited(
    pytester: pytest.Pytester, eval_dir: Path, chat_server: ChatServer, sandbox_image: str
) -> None:
    script = itertools.chain(
        [Reply(status=429, raw_body="{}", headers={"Retry-After": "1"}),
         Reply(status=503, raw_body="{}")],
        itertools.repeat(None),
    )
    chat_server.script("deepseek-v4-flash", lambda body: next(script) or right_answer(body))
    report = pytester.path / "report.json"
    result = run(pytester, chat_server, "deepseek-v4-flash", "-k", "flatten",
                 f"--llm-report={report}")
    result.assert_outcomes(passed=1)
    row = rows(report)["flatten[deepseek-v4-flash]"]
    assert row["attempts"] == 3 == len(chat_server.requests)
    # Retry-After: 1, then an exponential backoff of 2 s x [0.5, 1] after the 503.
    assert 2.0 <= row["waited_s"] <= 3.0
    assert row["answered_by"] == "deepseek-v4-flash" and row["unanswered_attempts"] == 0


def test_fallback_answers_after_an_error_never_after_a_wrong_answer(
    pytester: pytest.Pytester, eval_dir: Path, chat_server: ChatServer, sandbox_image: str
) -> None:
    chat_server.script("deepseek-v4-flash", failing_answer)  # HTTP 500, every time
    chat_server.script("qwen3-coder-30b", right_answer)
    chat_server.script("glm-5", wrong_answer)
    chat_server.script("hunyuan-turbo", failing_answer)
    chat_server.script("ga-standard", failing_answer)
    report = pytester.path / "report.json"
    result = run(
        pytester, chat_server, "deepseek-v4-flash,glm-5,hunyuan-turbo", "-k", "flatten",
        "--llm-fallback=deepseek-v4-flash=qwen3-coder-30b,glm-5=qwen3-coder-30b "
        "hunyuan-turbo=ga-standard", "--llm-retries=1", f"--llm-report={report}",
    )
    result.assert_outcomes(passed=1, failed=1, errors=1)
    result.stdout.fnmatch_lines(["llmcode: fallback deepseek-v4-flash -> qwen3-coder-30b"])
    result.stdout.fnmatch_lines([
        "*hunyuan-turbo: HTTP 500 from the endpoint*(2 attempts, * s waiting); "
        "fallback ga-standard: HTTP 500 from the endpoint*(2 attempts, * s waiting)*"
    ])
    counts = {m: len(chat_server.requests_for(m)) for m in
              ("deepseek-v4-flash", "qwen3-coder-30b", "glm-5", "hunyuan-turbo", "ga-standard")}
    # glm-5's wrong answer is an answer: its fallback is never asked.
    assert counts == {"deepseek-v4-flash": 2, "qwen3-coder-30b": 1, "glm-5": 1,
                      "hunyuan-turbo": 2, "ga-standard": 2}
    by_item = rows(report)
    flash = by_item["flatten[deepseek-v4-flash]"]
    assert flash["outcome"] == "passed" and flash["answered_by"] == "qwen3-coder-30b"
    assert flash["served_model"] == "qwen3-coder-30b-served" and flash["attempts"] == 3
    # Priced as what answered: the failed attempts reported no usage.
    assert flash["cost_usd"] == pytest.approx(flash["completion_tokens"] * 0.35 / 1e6)
    assert by_item["flatten[glm-5]"]["answered_by"] == "glm-5"
    assert by_item["flatten[hunyuan-turbo]"]["attempts"] == 4


@pytest.mark.parametrize("xdist", [[], ["-n", "2"]], ids=["one process", "xdist"])
def test_the_budget_stops_requests_before_it_is_exceeded(
    pytester: pytest.Pytester, eval_dir: Path, chat_server: ChatServer, xdist: list[str]
) -> None:
    pytester.makeini("[pytest]\nllm_prices =\n    pricey=1\n")  # $1 per million output tokens
    chat_server.script("pricey", lambda body: Reply("no code, sorry", completion_tokens=1000))
    report = pytester.path / "report.json"
    # Worst case of one request: 1000 max_tokens x $1/M = $0.001; $0.0035 allows three,
    # however the items are spread over processes.
    result = run(pytester, chat_server, "pricey", "-k", "flatten", "--llm-samples=6",
                 "--llm-max-tokens=1000", "--llm-max-cost=0.0035", f"--llm-report={report}",
                 *xdist)
    assert len(chat_server.requests) == 3
    result.assert_outcomes(failed=3, errors=3)
    result.stdout.fnmatch_lines([
        "*[[]infrastructure[]] max-cost: the next request could exceed --llm-max-cost $0.0035*",
        "llmcode gate failed: max-cost: $0.003000 spent of --llm-max-cost $0.0035; 3 requests "
        "were not sent because the next could have exceeded it (worst case of one: "
        "up to $0.001000 (1000 max_tokens x $1/M))",
    ])
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    budget = json.loads(report.read_text())["budget"]
    assert budget["spent_usd"] == pytest.approx(0.003) and budget["refused"] == 3


def test_the_budget_needs_a_price_for_every_model(
    pytester: pytest.Pytester, eval_dir: Path, chat_server: ChatServer
) -> None:
    result = run(pytester, chat_server, "mystery", "--llm-max-cost=1",
                 "--llm-fallback=mystery=deepseek-v4-flash")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--llm-max-cost needs a price*none is known for mystery*"])
    assert chat_server.requests == []


def test_record_then_replay_with_the_server_stopped(
    pytester: pytest.Pytester, eval_dir: Path, chat_server: ChatServer, sandbox_image: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-secret-456")
    chat_server.script("deepseek-v4-flash", right_answer)
    chat_server.script("qwen3-coder-30b", wrong_answer)
    models, selection = "deepseek-v4-flash,qwen3-coder-30b", "flatten or race_fix"
    recorded, replayed = pytester.path / "recorded.json", pytester.path / "replayed.json"

    first = run(pytester, chat_server, models, "-k", selection, "--llm-record-mode=once",
                f"--llm-report={recorded}")
    first.assert_outcomes(passed=2, failed=2)
    assert len(chat_server.requests) == 4
    cassette = eval_dir / "flatten" / ".cassettes" / "deepseek-v4-flash-s1.yaml"
    text = cassette.read_text()
    assert "sk-test-secret-456" not in text and "Authorization" not in text
    for field in ("request:", "endpoint: 127.0.0.1:", "model: deepseek-v4-flash", "messages:",
                  "temperature: 0.0", "answered_by: deepseek-v4-flash", "completion_tokens:",
                  "latency_s:", "recorded_at:"):
        assert field in text

    chat_server.stop()  # from here on, any request would fail
    second = run(pytester, chat_server, models, "-k", selection, "--llm-record-mode=none",
                 f"--llm-report={replayed}")
    second.assert_outcomes(passed=2, failed=2)
    second.stdout.fnmatch_lines(["llmcode: 4 answers replayed from cassettes: this run spent $0 "
                                 "on them; when recorded they cost $0.0*"])
    before, after = rows(recorded), rows(replayed)
    assert before.keys() == after.keys()
    for item, then in before.items():
        now = after[item]
        assert now["outcome"] == then["outcome"] and now["replayed"] is True
        assert (now["cost_usd"], now["attempts"], now["latency_s"]) == (0.0, 0, None)
        assert now["recorded_cost_usd"] == pytest.approx(then["cost_usd"])
        assert now["recorded_latency_s"] == pytest.approx(then["latency_s"], abs=1e-4)
        assert now["recorded_completion_tokens"] == then["completion_tokens"]
        assert now["served_model"] == then["served_model"]
    summary = json.loads(replayed.read_text())["models"]["deepseek-v4-flash"]
    assert summary["cost_usd"] == 0 and summary["replayed"] == 2
    assert summary["recorded_cost_usd"] == pytest.approx(
        json.loads(recorded.read_text())["models"]["deepseek-v4-flash"]["cost_usd"])

    # A prompt edited after recording: a miss that names the field, never a stale answer.
    manifest = eval_dir / "flatten" / "case.yaml"
    manifest.write_text(manifest.read_text().replace("nested list recursively",
                                                     "nested list iteratively"))
    (eval_dir / "race_fix" / ".cassettes" / "qwen3-coder-30b-s1.yaml").unlink()
    third = run(pytester, chat_server, models, "-k", selection, "--llm-record-mode=none")
    third.assert_outcomes(passed=1, errors=3)
    third.stdout.fnmatch_lines([
        "*cassette *flatten/.cassettes/deepseek-v4-flash-s1.yaml does not match this request: "
        "messages[[]0[]].content differs from character *recursively*iteratively*",
    ])
    third.stdout.fnmatch_lines([
        "*no recorded answer: cassette *race_fix/.cassettes/qwen3-coder-30b-s1.yaml is missing*",
    ])


def test_in_ci_nothing_is_requested_by_default(
    pytester: pytest.Pytester, eval_dir: Path, chat_server: ChatServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CI", "true")
    chat_server.script("deepseek-v4-flash", right_answer)
    result = run(pytester, chat_server, "deepseek-v4-flash", "-k", "flatten")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["llmcode: record mode none (CI is set); cassettes in *",
                                 "*no recorded answer: cassette*is missing*"])
    assert chat_server.requests == []


def test_xdist_workers_share_the_endpoints_concurrency(
    pytester: pytest.Pytester, eval_dir: Path, chat_server: ChatServer
) -> None:
    chat_server.script("slow", lambda body: Reply("no code here, sorry", delay_s=1.0))
    report = pytester.path / "report.json"
    result = run(pytester, chat_server, "slow", "-k", "flatten", "--llm-samples=8",
                 "--llm-concurrency=2", "-n", "2", f"--llm-report={report}")
    result.assert_outcomes(failed=8)
    assert len(chat_server.requests) == 8
    # Each worker alone would keep two requests in flight (its own item and the next).
    assert chat_server.peak_in_flight == 2
    # The controller's report has every worker's rows; the partial log is gone.
    data = json.loads(report.read_text())
    assert sorted(r["sample"] for r in data["results"]) == list(range(1, 9))
    assert sum(r["attempts"] for r in data["results"]) == 8
    assert not (pytester.path / "report.partial.jsonl").exists()


def test_resume_reruns_only_what_did_not_finish(
    pytester: pytest.Pytester, eval_dir: Path, chat_server: ChatServer, sandbox_image: str
) -> None:
    broken = {"race_fix"}

    def answer(body: dict[str, Any]) -> Reply:
        return failing_answer(body) if case_for(body).name in broken else right_answer(body)

    chat_server.script("deepseek-v4-flash", answer)
    chat_server.script("glm-5", wrong_answer)
    report = pytester.path / "report.json"
    models, selection = "deepseek-v4-flash,glm-5", "flatten or race_fix"
    first = run(pytester, chat_server, models, "-k", selection, "--llm-retries=0",
                f"--llm-report={report}")
    first.assert_outcomes(passed=1, failed=2, errors=1)
    assert len(chat_server.requests) == 4

    broken.clear()
    second = run(pytester, chat_server, models, "-k", selection, f"--llm-resume={report}",
                 f"--llm-report={report}")
    # Passed and failed items are reused; only the errored one runs, and it asks again.
    second.assert_outcomes(passed=1, deselected=6 + 3)  # -k, then the three reused
    second.stdout.fnmatch_lines(["llmcode: resuming *report.json: 3 finished items are reused*"])
    assert len(chat_server.requests) == 5
    merged = rows(report)
    assert {k: r["outcome"] for k, r in merged.items()} == {
        "flatten[deepseek-v4-flash]": "passed", "race_fix[deepseek-v4-flash]": "passed",
        "flatten[glm-5]": "failed", "race_fix[glm-5]": "failed"}
    assert json.loads(report.read_text())["resumed_from"] == str(report)


@pytest.mark.parametrize(
    "args, message",
    [
        (["--llm-record-mode=sometimes"], "--llm-record-mode: 'sometimes' is not one of none, once, new, all"),
        (["--llm-fallback=a"], "--llm-fallback 'a': write MODEL=FALLBACK"),
        (["--llm-rpm=0"], "--llm-rpm: must be at least 1"),
        (["--llm-max-cost=lots"], "--llm-max-cost: 'lots' is not a valid number"),
        (["--llm-resume=nope.json"], "--llm-resume 'nope.json': no such report"),
    ],
)
def test_bad_options_are_usage_errors(
    pytester: pytest.Pytester, eval_dir: Path, chat_server: ChatServer, args: list[str],
    message: str,
) -> None:
    result = run(pytester, chat_server, "deepseek-v4-flash", *args)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([f"*{message}*"])


def test_a_bad_resume_file_is_a_usage_error(
    pytester: pytest.Pytester, eval_dir: Path, chat_server: ChatServer
) -> None:
    (pytester.path / "old.json").write_text("{not json")
    result = run(pytester, chat_server, "deepseek-v4-flash", "--llm-resume=old.json")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--llm-resume old.json: not a JSON report*"])




def test_ini_twins_of_the_new_options(
    pytester: pytest.Pytester, eval_dir: Path, chat_server: ChatServer
) -> None:
    pytester.makeini("[pytest]\nllm_record_mode = none\nllm_max_cost = 1.5\nllm_rpm = 30\n"
                     "llm_fallback = deepseek-v4-flash=qwen3-coder-30b\n")
    result = run(pytester, chat_server, "deepseek-v4-flash", "--collect-only")
    result.stdout.no_fnmatch_line("*llmcode results*")  # collecting is not running
    result.stdout.fnmatch_lines([
        "llmcode: concurrency 8, 30 requests/min per endpoint*",
        "llmcode: record mode none; cassettes in .cassettes/ next to each case",
        "llmcode: fallback deepseek-v4-flash -> qwen3-coder-30b",
        "llmcode: max cost $1.5 for the run*",
    ])
    # The command line wins over the ini file.
    again = run(pytester, chat_server, "deepseek-v4-flash", "--collect-only",
                "--llm-record-mode=all")
    again.stdout.fnmatch_lines(["llmcode: record mode all; *"])


def test_last_failed_reruns_from_the_recorded_answers(
    pytester: pytest.Pytester, eval_dir: Path, chat_server: ChatServer, sandbox_image: str
) -> None:
    chat_server.script("deepseek-v4-flash", right_answer)
    chat_server.script("glm-5", wrong_answer)
    args = ("eval_cases", "--llm-models=deepseek-v4-flash,glm-5",
            f"--llm-base-url={chat_server.base_url}", "-k", "flatten")
    pytester.runpytest(*args).assert_outcomes(passed=1, failed=1)
    assert len(chat_server.requests) == 2
    rerun = pytester.runpytest(*args, "--lf")
    rerun.assert_outcomes(failed=1)  # only the item that failed runs again
    assert len(chat_server.requests) == 2  # the wrong answer was replayed, not bought again
    rerun.stdout.fnmatch_lines(["llmcode: 1 answers replayed from cassettes*"])
