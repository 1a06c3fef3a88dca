"""Providers through the whole plugin: keys bound to endpoints, two endpoints in one run,
per-model parameters and system prompts, reasoning models, cut-off answers, and keys kept
out of everything a run writes (loopback servers, the real Docker sandbox)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from typing import Any, Iterator

import docker  # noqa: F401 - before any in-process pytester run, see below
import pytest
from support.chat_server import ChatServer, Reply, case_for, fenced, right_answer
from support.llm_runs import copy_cases, report

SECRET = "sk-proj-echoed-4f1c2b9e"
# An in-process pytester run that imports docker (and requests) first gets its modules
# removed afterwards; a later import then mixes two copies of requests ("You can only merge
# into CookieJar"). Importing docker here keeps one copy for the whole module.


@pytest.fixture
def second_server() -> Iterator[ChatServer]:
    server = ChatServer().start()
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def no_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("GLOBAL_API_KEY", "GLOBAL_APIS_KEY", "OPENAI_API_KEY", "LLMCODE_BASE_URL",
                 "LOCAL_A_KEY", "LOCAL_B_KEY"):
        monkeypatch.delenv(name, raising=False)


def catalog(pytester: pytest.Pytester, *entries: dict[str, Any]) -> str:
    path = pytester.path / "models.json"
    path.write_text(json.dumps(list(entries)))
    return f"--llm-catalog={path}"


def test_only_openai_key_set_the_default_gateway_gets_nothing(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    copy_cases(pytester, "flatten")
    monkeypatch.setenv("OPENAI_API_KEY", SECRET)
    monkeypatch.setenv("DOCKER_HOST", f"unix://{pytester.path}/no-such-docker.sock")
    result = pytester.runpytest("eval_cases", "--llm-models=deepseek-v4-flash", "-rs",
                                "-p", "no:cacheprovider")
    result.assert_outcomes(skipped=1)
    result.stdout.fnmatch_lines([
        "llmcode: key global-apis.com: no key (GLOBAL_API_KEY is not set)",
        "*SKIPPED*no API key for global-apis.com: set GLOBAL_API_KEY (or GLOBAL_APIS_KEY); "
        "OPENAI_API_KEY is sent only to api.openai.com and to a base URL you choose*",
    ])
    assert SECRET not in result.stdout.str()


def test_two_models_on_two_endpoints_each_reach_only_their_own(
    pytester: pytest.Pytester, chat_server: ChatServer, second_server: ChatServer,
    sandbox_image: str, monkeypatch: pytest.MonkeyPatch,
) -> None:
    copy_cases(pytester, "flatten", "race_fix")
    monkeypatch.setenv("LOCAL_A_KEY", "key-of-server-a-1")
    monkeypatch.setenv("LOCAL_B_KEY", "key-of-server-b-2")
    monkeypatch.setenv("OPENAI_API_KEY", SECRET)
    chat_server.script("model-a", right_answer)
    second_server.script("model-b", right_answer)
    result = pytester.runpytest(
        "eval_cases", "--llm-models=model-a,model-b", "-p", "no:cacheprovider",
        "--llm-report=r.json",
        catalog(pytester,
                {"id": "model-a", "base_url": chat_server.base_url, "api_key_env": "LOCAL_A_KEY",
                 "concurrency": 1, "output_per_m": 1.0},
                {"id": "model-b", "base_url": second_server.base_url,
                 "api_key_env": "LOCAL_B_KEY", "rpm": 100, "output_per_m": 2.0,
                 "params": {"max_tokens": 900, "top_p": 0.5}}),
    )
    result.assert_outcomes(passed=4)
    result.stdout.fnmatch_lines([
        "llmcode: models model-a, model-b; endpoints 127.0.0.1:*, 127.0.0.1:*; sandbox*",
        "llmcode: key 127.0.0.1:*: key from LOCAL_A_KEY (models model-a)",
        "llmcode: key 127.0.0.1:*: key from LOCAL_B_KEY (models model-b)",
    ])
    assert {r.model for r in chat_server.requests} == {"model-a"}
    assert {r.model for r in second_server.requests} == {"model-b"}
    assert {r.authorization for r in chat_server.requests} == {"Bearer key-of-server-a-1"}
    assert {r.authorization for r in second_server.requests} == {"Bearer key-of-server-b-2"}
    assert all(r.body["max_tokens"] == 900 and r.body["top_p"] == 0.5
               for r in second_server.requests)
    assert all("max_tokens" not in r.body for r in chat_server.requests)
    assert chat_server.peak_in_flight == 1  # model-a's endpoint: concurrency 1
    rows = {(r["case"], r["model"]): r for r in report(pytester.path / "r.json")["results"]}
    port_a = chat_server.base_url.split(":")[2].split("/")[0]
    port_b = second_server.base_url.split(":")[2].split("/")[0]
    assert rows[("flatten", "model-a")]["endpoint"] == f"127.0.0.1:{port_a}/v1/chat/completions"
    assert rows[("flatten", "model-b")]["endpoint"] == f"127.0.0.1:{port_b}/v1/chat/completions"
    cassette = pytester.path / "eval_cases" / "flatten" / ".cassettes" / "model-b-s1.yaml"
    assert f"endpoint: 127.0.0.1:{port_b}/v1/chat/completions" in cassette.read_text()


def test_system_prompts_option_catalog_and_case(
    pytester: pytest.Pytester, chat_server: ChatServer, monkeypatch: pytest.MonkeyPatch,
) -> None:
    cases = copy_cases(pytester, "flatten", "race_fix")
    manifest = cases / "race_fix" / "case.yaml"
    manifest.write_text(manifest.read_text() + "system_prompt: Answer in JavaScript only.\n")
    monkeypatch.setenv("DOCKER_HOST", f"unix://{pytester.path}/no-such-docker.sock")
    for model in ("plain", "tuned"):
        chat_server.script(model, right_answer)
    pytester.runpytest(
        "eval_cases", "--llm-models=plain,tuned", f"--llm-base-url={chat_server.base_url}",
        "--llm-system-prompt=You write code.", "-p", "no:cacheprovider",
        catalog(pytester, {"id": "tuned", "system_prompt": "/no_think"}),
    )
    seen = {(case_for(r.body).name, r.model): r.body["messages"][0] for r in chat_server.requests}
    assert seen[("flatten", "plain")] == {"role": "system", "content": "You write code."}
    assert seen[("flatten", "tuned")] == {"role": "system", "content": "/no_think"}
    assert seen[("race_fix", "plain")]["content"] == "Answer in JavaScript only."
    assert seen[("race_fix", "tuned")]["content"] == "Answer in JavaScript only."


def reasoning_then_right(body: dict[str, Any]) -> Reply:
    case = case_for(body)
    draft = fenced(case.language, case.wrong_answers()[0].read_text() + "\n# " + "x" * 4000 + "\n")
    right = fenced(case.language, case.reference_file.read_text())
    return Reply(f"<think>\nA first try:\n{draft}\nNo, that is wrong.\n</think>\n{right}",
                 reasoning_content="more thinking, never graded", completion_tokens=1200,
                 reasoning_tokens=900)


def cut_off(body: dict[str, Any]) -> Reply:
    return Reply("```python\ndef flatten(items):\n    out = []\n    for", finish_reason="length",
                 completion_tokens=64)


def test_reasoning_is_not_graded_but_is_paid_and_cut_off_answers_say_so(
    pytester: pytest.Pytester, chat_server: ChatServer, sandbox_image: str,
) -> None:
    copy_cases(pytester, "flatten")
    chat_server.script("deepseek-r1", reasoning_then_right)
    chat_server.script("short", cut_off)
    result = pytester.runpytest(
        "eval_cases", "--llm-models=deepseek-r1,short", f"--llm-base-url={chat_server.base_url}",
        "--llm-max-tokens=64", "--llm-report=r.json", "-p", "no:cacheprovider",
    )
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines([
        "*the answer was cut off at max_tokens=64 (finish_reason: length, 64 completion "
        "tokens); raise --llm-max-tokens*",
    ])
    assert "runners/" not in result.stdout.str()
    rows = {r["model"]: r for r in report(pytester.path / "r.json")["results"]}
    r1 = rows["deepseek-r1"]
    assert r1["outcome"] == "passed" and r1["reasoning_tokens"] == 900
    assert r1["completion_tokens"] == 1200 and r1["cost_usd"] == pytest.approx(1200 * 2.5e-6)
    assert rows["short"]["finish_reason"] == "length"


def echo_the_key(body: dict[str, Any]) -> Reply:
    auth = "Bearer " + SECRET
    if body["model"] == "error-echo":
        return Reply(status=400, raw_body=json.dumps({"error": f"bad header: {auth}"}))
    if body["model"] == "prose-echo":
        return Reply(f"Your header was {auth}; I cannot help.")
    case = case_for(body)
    code = case.reference_file.read_text() + f"\nLEAKED = {SECRET!r}\n"
    return Reply(fenced(case.language, code) + f"\n(sent with {auth})",
                 finish_reason=f"stop ({auth})")


def test_keys_echoed_by_a_server_reach_no_output(
    pytester: pytest.Pytester, chat_server: ChatServer, sandbox_image: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    copy_cases(pytester, "flatten")
    monkeypatch.setenv("OPENAI_API_KEY", SECRET)
    for model in ("error-echo", "prose-echo", "code-echo"):
        chat_server.script(model, echo_the_key)
    outputs = {name: pytester.path / name for name in ("r.json", "r.md", "junit.xml")}
    result = pytester.runpytest(
        "eval_cases", "--llm-models=error-echo,prose-echo,code-echo",
        f"--llm-base-url={chat_server.base_url}", "--llm-retries=0", "-rA", "-p",
        "no:cacheprovider", f"--llm-report={outputs['r.json']}",
        f"--llm-report-md={outputs['r.md']}", f"--junitxml={outputs['junit.xml']}",
    )
    result.assert_outcomes(passed=1, failed=1, errors=1)
    assert all(r.authorization == f"Bearer {SECRET}" for r in chat_server.requests)
    result.stdout.fnmatch_lines(["*bad header: Bearer [[]redacted[]]*",
                                 "*Your header was Bearer [[]redacted[]]*"])
    written = [result.stdout.str(), result.stderr.str()]
    written += [p.read_text() for p in outputs.values()]
    written += [p.read_text() for p in (pytester.path / "eval_cases").rglob("*.yaml")]
    assert all(SECRET not in text for text in written)
    ET.parse(outputs["junit.xml"])
    rows = {r["model"]: r for r in report(outputs["r.json"])["results"]}
    assert rows["code-echo"]["outcome"] == "passed"


def pathological(body: dict[str, Any]) -> Reply:
    """A reply that stalled the host for half a minute under the old fence pattern: 160 KB
    of fences never closed, then one over the reply cap."""
    if case_for(body).name == "flatten":
        return Reply("```python\n" + "```py\nx = [\n" * 13_000, completion_tokens=50_000)
    return Reply("```js\n" + "a" * 1_100_000 + "\n```", completion_tokens=300_000)


def test_a_pathological_reply_harms_no_other_item(
    pytester: pytest.Pytester, chat_server: ChatServer, sandbox_image: str,
) -> None:
    copy_cases(pytester, "flatten", "race_fix")
    chat_server.script("hostile", pathological)
    chat_server.script("control", right_answer)
    result = pytester.runpytest(
        "eval_cases", "--llm-models=hostile,control,reference", "--llm-report=r.json",
        f"--llm-base-url={chat_server.base_url}", "-p", "no:cacheprovider",
    )
    result.assert_outcomes(passed=4, failed=2)
    rows = {(r["case"], r["model"]): r for r in report(pytester.path / "r.json")["results"]}
    assert rows[("race_fix", "hostile")]["failure"].startswith(
        "the reply is 1,100,010 characters, over the cap of 1,000,000")
    assert rows[("flatten", "hostile")]["outcome"] == "failed"
    assert all(rows[(c, m)]["outcome"] == "passed" for c in ("flatten", "race_fix")
               for m in ("control", "reference"))


def test_a_one_letter_key_round_trips_a_cassette(
    pytester: pytest.Pytester, chat_server: ChatServer, sandbox_image: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`x`, the usual dummy key of a local server, is sent in the header and never
    substituted inside the cassette's text (`text:` stays `text:`)."""
    copy_cases(pytester, "flatten")
    monkeypatch.setenv("OPENAI_API_KEY", "x")
    chat_server.script("local", right_answer)
    args = ["eval_cases", "--llm-models=local", f"--llm-base-url={chat_server.base_url}",
            "-p", "no:cacheprovider"]
    pytester.runpytest(*args, "--llm-record-mode=once").assert_outcomes(passed=1)
    assert chat_server.requests[0].authorization == "Bearer x"
    cassette = pytester.path / "eval_cases" / "flatten" / ".cassettes" / "local-s1.yaml"
    assert "  text: |" in cassette.read_text() and "[redacted]" not in cassette.read_text()
    replay = pytester.runpytest(*args, "--llm-record-mode=none")
    replay.assert_outcomes(passed=1)
    replay.stdout.fnmatch_lines(["*1 answers replayed from cassettes*"])
    assert len(chat_server.requests) == 1
