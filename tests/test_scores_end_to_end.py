"""Scores through the whole path: scripted answers of known quality from the loopback
server, graded and measured in the real sandbox."""

from __future__ import annotations

import pytest
from support.chat_server import ChatServer, Reply
from support.llm_runs import alternating, answers, copy_cases, report, run

UNTYPED_SHALLOW = (
    "def flatten(items):\n    out = []\n    for x in items:\n        if isinstance(x, list):\n"
    "            out.extend(x)\n        else:\n            out.append(x)\n    return out\n"
)


def weighted(row: dict[str, float], w: tuple[float, float, float, float]) -> float:
    parts = [row["correctness"], row["edge_cases"], row["code_quality"], row["documentation"]]
    return sum(weight * part for weight, part in zip(w, parts)) / sum(w)


def test_better_answers_score_higher_and_weights_are_exact(
    pytester: pytest.Pytester, chat_server: ChatServer, sandbox_image: str
) -> None:
    copy_cases(pytester, "flatten")
    chat_server.script("good", answers())
    chat_server.script("edgeless", answers(flatten="any_iterable.py"))
    chat_server.script("wrong", answers(flatten=UNTYPED_SHALLOW))
    pytester.makeini("[pytest]\nllm_prices =\n    good=0.25\n    edgeless=0.5\n")
    out = pytester.path / "report.json"

    result = run(pytester, chat_server, "good,edgeless,wrong", f"--llm-report={out}")

    result.assert_outcomes(passed=1, failed=2)
    rows = {r["model"]: r for r in report(out)["results"]}
    good, edgeless, wrong = rows["good"], rows["edgeless"], rows["wrong"]
    assert good["score"] > edgeless["score"] > wrong["score"]
    # The edgeless answer passes every core test and misses edges; the wrong one misses
    # core tests too, and mypy --strict and the docstring check see it is untyped, bare.
    assert (good["core_passed"], good["edge_passed"]) == (good["core_total"], good["edge_total"])
    assert edgeless["core_passed"] == edgeless["core_total"] == 6
    assert edgeless["edge_passed"] < edgeless["edge_total"]
    assert wrong["core_passed"] < wrong["core_total"]
    assert wrong["code_quality"] < 10 and wrong["documentation"] == 0
    assert wrong["quality_findings"] >= 1
    assert "mypy" in wrong["quality_notes"] and "no doc comment: flatten" in wrong["quality_notes"]
    assert good["quality_notes"] is None
    for row in rows.values():
        assert row["quality_source"] == "static"
        assert row["correctness"] == pytest.approx(10 * row["core_passed"] / row["core_total"], abs=1e-4)
        assert row["edge_cases"] == pytest.approx(10 * row["edge_passed"] / row["edge_total"], abs=1e-4)
        assert row["score"] == pytest.approx(weighted(row, (0.40, 0.20, 0.25, 0.15)), abs=1e-3)
    assert good["score"] == 10.0
    assert edgeless["score"] == pytest.approx(0.4 * 10 + 0.2 * 10 * 6 / 9 + 0.25 * 10 + 0.15 * 10,
                                              abs=1e-3)

    models = report(out)["models"]
    assert models["good"]["score"] == 10.0 and models["good"]["value"] == pytest.approx(40.0)
    assert models["edgeless"]["value"] == pytest.approx(edgeless["score"] / 0.5)
    assert models["wrong"]["value"] is None  # no price known: no value
    assert models["edgeless"]["cost_per_pass_usd"] is None  # nothing passed
    assert models["good"]["cost_per_pass_usd"] == pytest.approx(models["good"]["cost_usd"])
    assert models["good"]["completion_tokens_per_item"] == good["completion_tokens"]
    result.stdout.fnmatch_lines([
        "model*pass rate*95% CI*score*$/M out*value*$/pass*passes/$*out tok/item*cost USD*p50 s*p95 s*p99 s",
        "good*1*0*0*100.0%*21%-100%*10.0*0.25*40.0*",
        "case*good*edgeless*wrong",
        f"flatten*pass 10.0*FAIL {edgeless['score']:.1f}*FAIL {wrong['score']:.1f}",
    ])

    # The manifest may override weights: correctness and edge cases only, equally.
    manifest = pytester.path / "eval_cases" / "flatten" / "case.yaml"
    manifest.write_text(manifest.read_text() + "weights: {correctness: 1, edge_cases: 1, "
                        "code_quality: 0, documentation: 0}\n")
    run(pytester, chat_server, "edgeless", f"--llm-report={out}").assert_outcomes(failed=1)
    (row,) = report(out)["results"]
    assert row["score"] == pytest.approx((10 + 10 * 6 / 9) / 2, abs=1e-3)


def test_samples_give_pass_at_k_interval_consistency_and_seeds(
    pytester: pytest.Pytester, chat_server: ChatServer, sandbox_image: str
) -> None:
    copy_cases(pytester, "flatten", "race_fix")
    # Per case, every third request gets a wrong answer: flatten and race_fix each 2 of 3.
    chat_server.script("flaky", alternating(right_every=3, wrong_on=0))
    out = pytester.path / "report.json"

    result = run(pytester, chat_server, "flaky", "--llm-samples=3", "--llm-seed=7",
                 f"--llm-report={out}")

    result.assert_outcomes(passed=4, failed=2)
    data = report(out)
    flaky = data["models"]["flaky"]
    # n=3, c=2 per case: pass@1 = 2/3, pass@3 = 1 - C(1,3)/C(3,3) = 1, pass@2 = 1 - 0 = 1.
    assert flaky["k"] == 3
    assert flaky["pass_at_1"] == pytest.approx(2 / 3)
    assert flaky["pass_at_k"] == 1.0
    assert flaky["pass_rate"] == pytest.approx(4 / 6)
    low, high = flaky["pass_rate_ci95"]
    assert (round(low, 4), round(high, 4)) == (0.3000, 0.9032)
    assert flaky["repeated_cases"] == 2
    assert flaky["inconsistent_cases"] == ["flatten", "race_fix"]
    result.stdout.fnmatch_lines([
        "model*pass rate*95% CI*pass@1*pass@3*score*",
        "flaky*4*2*0*66.7%*30%-90%*66.7%*100.0%*",
        "flatten*2/3 *",
        "llmcode consistency flaky: 2 of 2 repeated cases disagree across samples: flatten, race_fix",
    ])
    # Sample s is sent seed + s - 1, and every row records what it was sent.
    assert sorted(r.body["seed"] for r in chat_server.requests) == [7, 7, 8, 8, 9, 9]
    assert {(r["sample"], r["seed"]) for r in data["results"]} == {(1, 7), (2, 8), (3, 9)}
    assert data["manifest"]["parameters"]["seed"] == 7


def test_judge_rates_quality_and_documentation_and_bills_separately(
    pytester: pytest.Pytester, chat_server: ChatServer, sandbox_image: str
) -> None:
    copy_cases(pytester, "flatten")
    chat_server.script("good", answers())
    chat_server.script("edgeless", answers(flatten="any_iterable.py"))

    def judge(body: dict[str, object]) -> Reply:
        prompt = str(body["messages"][0]["content"])  # type: ignore[index]
        if "collections.abc import Iterable" in prompt:
            return Reply("I think it is fine.", completion_tokens=5, prompt_tokens=40)
        return Reply('Ratings: {"code_quality": 4, "documentation": 2, "reason": "terse"}',
                     completion_tokens=10, prompt_tokens=50)

    chat_server.script("judge-m", judge)
    pytester.makeini("[pytest]\nllm_prices =\n    judge-m=2\n    good=1\n")
    out = pytester.path / "report.json"

    result = run(pytester, chat_server, "good,edgeless", "--llm-judge-model=judge-m",
                 f"--llm-report={out}")

    result.assert_outcomes(passed=1, failed=1)
    data = report(out)
    rows = {r["model"]: r for r in data["results"]}
    good = rows["good"]
    assert good["quality_source"] == "judge"
    assert (good["code_quality"], good["documentation"]) == (4.0, 2.0)
    assert good["score"] == pytest.approx(0.4 * 10 + 0.2 * 10 + 0.25 * 4 + 0.15 * 2)
    assert (good["judge_prompt_tokens"], good["judge_completion_tokens"]) == (50, 10)
    # A reply without ratings falls back to the static measures, and says so.
    edgeless = rows["edgeless"]
    assert edgeless["quality_source"] == "static" and edgeless["code_quality"] == 10.0
    assert "holds no JSON object" in edgeless["judge_error"]
    assert "static measures used" in edgeless["score_note"]

    assert data["judge"] == {"model": "judge-m", "calls": 2, "errors": 1, "prompt_tokens": 90,
                             "completion_tokens": 15, "cost_usd": pytest.approx(15 * 2 / 1e6)}
    # The judge's tokens are not the models'.
    assert data["models"]["good"]["cost_usd"] == pytest.approx(good["completion_tokens"] / 1e6)
    assert data["manifest"]["parameters"]["judge_model"] == "judge-m"
    prompts = [r.body for r in chat_server.requests_for("judge-m")]
    assert all(p["temperature"] == 0.0 for p in prompts)
    assert all("Rate only these two criteria" in p["messages"][0]["content"] for p in prompts)
    result.stdout.fnmatch_lines([
        "llmcode judge judge-m: 2 calls, 1 errors, 90 prompt + 15 completion tokens, "
        "cost USD 0.000030 (not included in the models' cost)",
    ])
