"""No cross-item harm: in one run, a model whose every answer and reply is hostile is graded
beside a control model that answers every case with its reference. The control passes every
item, each hostile item fails (the answer's fault, never an infrastructure error), and no
secret of the host, terminal escape or CI log command reaches the terminal, the JSON report,
the partial log or JUnit."""

from __future__ import annotations

import json
import os
import re
import secrets
import threading
import time
from pathlib import Path
from typing import Any

import docker
import pytest
from support.chat_server import ChatServer, Reply, case_for, fenced, right_answer
from support.llm_runs import run

from pytest_llmcode.grading.containers import LABEL

ADVERSARIAL = Path(__file__).resolve().parent / "adversarial"
SAMPLES = 4
# Samples 1 to 3 of each case: hostile answers that exhaust, kill or stop their container,
# forge what decides a verdict, or dump what they can find, run while the control's answers
# are graded beside them.
HOSTILE_ANSWERS = {
    "flatten": ["fork_bomb.py", "kills_its_supervisor.py", "dumps_environment.py"],
    "race_fix": ["while_true.js", "kills_its_supervisor.js", "dumps_environment.js"],
    "users_api": ["process_exit_in_handler.js", "never_listens.js",
                  "dumps_environment_in_responses.js"],
    "dijkstra": ["ts_nocheck_hides_implicit_any.ts", "process_exit_at_load.ts",
                 "replaces_object_is_and_assert.ts"],
    "go_review": ["allocates_8gb_and_spins.go", "kills_every_process_of_its_container.go",
                  "dumps_environment.go"],
}
# Sample 4: a reply that attacks the harness itself.
HOSTILE_REPLIES = {
    # 80 KB of fences that never close: the extractor's worst case.
    "flatten": "```python\n" * 8000,
    # No code at all, CI log commands and terminal escapes in the prose.
    "race_fix": ("::error::all tests passed\n##teamcity[buildStatus status='SUCCESS']\n"
                 "##vso[task.complete result=Succeeded;]\n\x1b[2J\x1b]0;pwned\x07no code, sorry"),
    "users_api": "```js\nmodule.exports = require('child_process').execSync('id');\n```",
    "dijkstra": "```ts\n// @ts-nocheck\nexport function dijkstra(g, s) { return g[s]; }\n```",
    "go_review": fenced("go", (ADVERSARIAL / "go_review" / "ci_commands_in_build_output.go").read_text()),
}
CI_COMMAND_LINE = re.compile(
    r"^[ \t]*(::|##\[|section_start:|section_end:|\^\^\^ \+\+\+|travis_(fold|time):)"
    r"|##(vso|teamcity)\[",
    re.M | re.I,
)


def hostile_model() -> Any:
    served: dict[str, int] = {}
    lock = threading.Lock()

    def respond(body: dict[str, Any]) -> Reply:
        case = case_for(body)
        with lock:
            served[case.name] = served.get(case.name, 0) + 1
            n = served[case.name]
        if n > len(HOSTILE_ANSWERS[case.name]):
            return Reply(HOSTILE_REPLIES[case.name])
        answer = ADVERSARIAL / case.name / HOSTILE_ANSWERS[case.name][n - 1]
        return Reply(fenced(case.language, answer.read_text()))

    return respond


def test_hostile_items_beside_a_control_model_change_none_of_its_verdicts(
    pytester: pytest.Pytester, eval_dir: Path, chat_server: ChatServer, sandbox_image: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    secret = "llmcode-secret-" + secrets.token_hex(16)
    for name in ("GLOBAL_API_KEY", "OPENAI_API_KEY", "LLMCODE_TEST_SECRET"):
        monkeypatch.setenv(name, secret)
    chat_server.script("control", right_answer)
    chat_server.script("hostile", hostile_model())
    report = pytester.path / "report.json"
    junit = pytester.path / "junit.xml"

    result = run(pytester, chat_server, "control,hostile", f"--llm-samples={SAMPLES}",
                 "--llm-grading-workers=2", f"--llm-report={report}", f"--junitxml={junit}",
                 )

    cases = len(HOSTILE_ANSWERS)
    rows = json.loads(report.read_text())["results"]
    outcomes = {(r["model"], r["case"], r["sample"]): (r["outcome"], r["failure"]) for r in rows}
    control = {k: v for k, v in outcomes.items() if k[0] == "control"}
    hostile = {k: v for k, v in outcomes.items() if k[0] == "hostile"}
    assert len(control) == len(hostile) == cases * SAMPLES
    assert all(outcome == "passed" for outcome, _ in control.values()), control
    assert all(outcome == "failed" for outcome, _ in hostile.values()), hostile
    result.assert_outcomes(passed=cases * SAMPLES, failed=cases * SAMPLES)

    shown = [result.stdout.str(), result.stderr.str(), report.read_text(), junit.read_text()]
    shown += [p.read_text() for p in pytester.path.glob("*.partial.jsonl")]
    for text in shown:
        assert secret not in text
        assert "\x1b" not in text and "\x9b" not in text
    assert not CI_COMMAND_LINE.search(result.stdout.str())
    assert _containers_of_this_process() == []


def _containers_of_this_process(settle_s: float = 15.0) -> list[str]:
    client = docker.from_env()
    try:
        deadline = time.monotonic() + settle_s
        while True:
            found = client.api.containers(
                all=True, filters={"label": [LABEL, f"{LABEL}.pid={os.getpid()}"]})
            if not found or time.monotonic() > deadline:
                return [f"{c['Id'][:12]} {c.get('Status')}" for c in found]
            time.sleep(0.2)
    finally:
        client.close()
