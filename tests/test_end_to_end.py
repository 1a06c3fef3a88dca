"""The whole path through pytester: loopback chat server, real Docker sandbox."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from support.chat_server import (
    ChatServer,
    Reply,
    bundled_cases,
    codeless_answer,
    failing_answer,
    right_answer,
    wrong_answer,
)
from support.llm_runs import run


def test_right_wrong_codeless_and_failing_models(
    pytester: pytest.Pytester, eval_dir: Path, chat_server: ChatServer, sandbox_image: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-secret-123")
    chat_server.script("deepseek-v4-flash", right_answer)
    chat_server.script("qwen3-coder-30b", wrong_answer)
    chat_server.script("local-model", codeless_answer)
    chat_server.script("glm-5", failing_answer)
    report = pytester.path / "report.json"
    junit = pytester.path / "junit.xml"

    result = run(
        pytester, chat_server, "deepseek-v4-flash,qwen3-coder-30b,local-model,glm-5",
        f"--llm-report={report}", f"--junitxml={junit}", "--llm-retries=2", "-rA",
    )

    cases = len(bundled_cases())
    result.assert_outcomes(passed=cases, failed=2 * cases, errors=cases)
    result.stdout.fnmatch_lines([
        "*llmcode results*",
        "model*passed*failed*errors*pass rate*cost USD*p50 s*p95 s*",
        f"deepseek-v4-flash*{cases}*0*0*100.0%*",
        f"qwen3-coder-30b*0*{cases}*0*0.0%*",
        f"local-model*0*{cases}*0*0.0%*unknown*",
        f"glm-5*0*0*{cases}*-*",
    ])
    # The wrong answer fails with the names of hidden tests; the code-less one says why.
    result.stdout.fnmatch_lines(["*_ flatten[[]qwen3-coder-30b[]] _*", "*hidden tests did not pass*"])
    result.stdout.fnmatch_lines(["*holds no usable python code*"])
    result.stdout.fnmatch_lines(["*glm-5: HTTP 500 from the endpoint*"])
    assert "sk-test-secret-123" not in result.stdout.str()

    # A persistent 500 is retried exactly twice, then the item errors.
    assert len(chat_server.requests_for("glm-5")) == 3 * cases
    assert all(r.authorization == "Bearer sk-test-secret-123" for r in chat_server.requests)
    assert all(r.body["temperature"] == 0.0 for r in chat_server.requests)

    data = json.loads(report.read_text())
    flash = data["models"]["deepseek-v4-flash"]
    rows = [r for r in data["results"] if r["model"] == "deepseek-v4-flash"]
    tokens = sum(r["completion_tokens"] for r in rows)
    assert tokens > 0 and flash["completion_tokens"] == tokens
    assert flash["cost_usd"] == pytest.approx(tokens * 0.25 / 1_000_000)
    for row in rows:
        assert row["cost_usd"] == pytest.approx(row["completion_tokens"] * 0.25 / 1_000_000)
        assert row["served_model"] == "deepseek-v4-flash-served"
        assert row["outcome"] == "passed" and row["failure"] is None
    assert flash["passed"] == cases and flash["pass_rate"] == 1.0
    assert {"latency_p50_s", "latency_p95_s", "prompt_tokens", "errors", "failed"} <= set(flash)
    assert data["models"]["local-model"]["cost_usd"] is None
    assert data["models"]["glm-5"]["errors"] == cases

    properties = {
        p.get("name"): p.get("value")
        for case in ET.parse(junit).getroot().iter("testcase")
        if case.get("name") == "flatten[deepseek-v4-flash]"
        for p in case.iter("property")
    }
    assert properties["llmcode_outcome"] == "passed"
    assert float(properties["llmcode_cost_usd"]) > 0


def test_item_ids_select_with_k(pytester: pytest.Pytester, eval_dir: Path, chat_server: ChatServer) -> None:
    result = run(pytester, chat_server, "deepseek-v4-flash,qwen3-coder-30b", "--collect-only", "-q",
                 "-k", "flatten or dijkstra")
    result.stdout.fnmatch_lines([
        "eval_cases/dijkstra/case.yaml::dijkstra[deepseek-v4-flash]",
        "eval_cases/dijkstra/case.yaml::dijkstra[qwen3-coder-30b]",
        "eval_cases/flatten/case.yaml::flatten[deepseek-v4-flash]",
        "eval_cases/flatten/case.yaml::flatten[qwen3-coder-30b]",
    ])
    assert "race_fix" not in result.stdout.str()
    assert chat_server.requests == []


def test_generation_runs_concurrently(
    pytester: pytest.Pytester, eval_dir: Path, chat_server: ChatServer, sandbox_image: str
) -> None:
    chat_server.script("slow", lambda body: Reply("no code here, sorry", delay_s=2.0))
    result = run(pytester, chat_server, "slow", "-k", "flatten", "--llm-samples=20")
    result.assert_outcomes(failed=20)
    assert len(chat_server.requests) == 20
    # Twenty 2 s replies, eight in flight at once: the server saw them overlap.
    assert chat_server.peak_in_flight == 8
    first_end = min(r.ended for r in chat_server.requests)
    started_before_first_end = [r for r in chat_server.requests if r.started < first_end]
    assert len(started_before_first_end) == 8


def test_auth_failure_names_the_variable(
    pytester: pytest.Pytester, eval_dir: Path, chat_server: ChatServer, sandbox_image: str
) -> None:
    chat_server.script("deepseek-v4-flash", lambda body: Reply(status=401, raw_body='{"error":"bad key"}'))
    result = run(pytester, chat_server, "deepseek-v4-flash", "-k", "flatten")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*refused the API key (HTTP 401): set a valid key in OPENAI_API_KEY*"])
    assert len(chat_server.requests) == 1  # 401 is not retried


def test_dead_docker_engine_is_an_error_not_a_failure(
    pytester: pytest.Pytester, eval_dir: Path, chat_server: ChatServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DOCKER_HOST", f"unix://{pytester.path}/no-such-docker.sock")
    chat_server.script("deepseek-v4-flash", right_answer)
    result = run(pytester, chat_server, "deepseek-v4-flash,reference", "-k", "flatten")
    result.assert_outcomes(errors=2)
    result.stdout.fnmatch_lines(["*no Docker engine answers*start-docker.sh*"])


def test_missing_key_for_the_default_endpoint_skips_without_network(
    pytester: pytest.Pytester, eval_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("GLOBAL_API_KEY", "GLOBAL_APIS_KEY", "OPENAI_API_KEY", "LLMCODE_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DOCKER_HOST", f"unix://{pytester.path}/no-such-docker.sock")
    result = pytester.runpytest("eval_cases", "--llm-models=deepseek-v4-flash", "-k", "flatten", "-rs")
    result.assert_outcomes(errors=0, skipped=1)
    result.stdout.fnmatch_lines(["*no API key for global-apis.com: set GLOBAL_API_KEY (or GLOBAL_APIS_KEY)*"])
