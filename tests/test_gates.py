"""CI gates: each fails and passes where it should, with exit codes checked, and the
baseline comparison shows deltas and flips."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from support.chat_server import ChatServer, Reply, failing_answer
from support.llm_runs import answers, copy_cases, report, run
from test_plugin_basics import make_case

# "mixed" answers flatten right and race_fix wrong: pass rate 0.5.
MIXED = {"race_fix": "missing_return.js"}


@pytest.fixture
def two_cases(pytester: pytest.Pytester, chat_server: ChatServer, sandbox_image: str) -> ChatServer:
    copy_cases(pytester, "flatten", "race_fix")
    chat_server.script("good", answers())
    chat_server.script("mixed", answers(**MIXED))
    return chat_server


def test_gates_that_hold_let_failed_answers_pass_the_run(
    pytester: pytest.Pytester, two_cases: ChatServer
) -> None:
    result = run(pytester, two_cases, "mixed", "--llm-min-pass-rate=0.4", "--llm-min-score=1")
    result.assert_outcomes(passed=1, failed=1)
    assert result.ret == pytest.ExitCode.OK
    result.stdout.fnmatch_lines([
        "llmcode: gates min-pass-rate, min-score decide the exit status of the answers",
        "llmcode gate passed: min-pass-rate mixed: measured 0.500, required >= 0.400",
        "llmcode gate passed: min-score mixed: measured *, required >= 1.00",
        "llmcode gates: all 2 passed; failed answers alone do not fail the run while gates are set",
    ])


def test_without_gates_a_failed_answer_fails_the_run(
    pytester: pytest.Pytester, two_cases: ChatServer
) -> None:
    result = run(pytester, two_cases, "mixed")
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.no_fnmatch_line("llmcode gate*")


def test_failing_gates_name_gate_model_measured_and_required(
    pytester: pytest.Pytester, two_cases: ChatServer
) -> None:
    out = pytester.path / "report.json"
    result = run(pytester, two_cases, "good,mixed", "--llm-min-pass-rate=good=0.9,mixed=0.8",
                 "--llm-min-score=9.9", f"--llm-report={out}")
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    mixed_score = report(out)["models"]["mixed"]["score"]
    result.stdout.fnmatch_lines([
        "llmcode gate passed: min-pass-rate good: measured 1.000, required >= 0.900",
        "llmcode gate failed: min-pass-rate mixed: measured 0.500, required >= 0.800",
        "llmcode gate passed: min-score good: measured 10.00, required >= 9.90",
        f"llmcode gate failed: min-score mixed: measured {mixed_score:.2f}, required >= 9.90",
    ])
    gates = report(out)["gates"]
    assert [(g["gate"], g["model"], g["passed"]) for g in gates] == [
        ("min-pass-rate", "good", True), ("min-pass-rate", "mixed", False),
        ("min-score", "good", True), ("min-score", "mixed", False),
    ]


def test_a_gate_fails_a_run_whose_answers_all_passed(
    pytester: pytest.Pytester, two_cases: ChatServer
) -> None:
    two_cases.script("harsh", lambda body: Reply('{"code_quality": 0, "documentation": 0}'))
    result = run(pytester, two_cases, "good", "-k", "flatten", "--llm-judge-model=harsh",
                 "--llm-min-score=7.5")
    result.assert_outcomes(passed=1)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    # correctness 10 x 0.40 + edge cases 10 x 0.20, the judge's zeros for the rest.
    result.stdout.fnmatch_lines([
        "llmcode gate failed: min-score good: measured 6.00, required >= 7.50",
    ])


def test_gates_never_excuse_errors(
    pytester: pytest.Pytester, two_cases: ChatServer
) -> None:
    two_cases.script("broken", failing_answer)
    result = run(pytester, two_cases, "good,broken", "-k", "flatten", "--llm-retries=0",
                 "--llm-min-pass-rate=good=0.5")
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(["llmcode gate passed: min-pass-rate good: *"])
    assert result.ret == pytest.ExitCode.TESTS_FAILED


def _baseline(pytester: pytest.Pytester, outcomes: dict[str, str], model: str,
              hashes: dict[str, str] | None = None) -> Path:
    path = pytester.path / "baseline.json"
    results = [{"case": c, "model": model, "sample": 1, "outcome": o} for c, o in outcomes.items()]
    graded = [o for o in outcomes.values() if o in ("passed", "failed")]
    rate = graded.count("passed") / len(graded) if graded else None
    path.write_text(json.dumps({
        "models": {model: {"pass_rate": rate}}, "results": results,
        "manifest": {"cases": hashes or {}},
    }))
    return path


def test_baseline_regression_gate_deltas_and_flips(
    pytester: pytest.Pytester, two_cases: ChatServer
) -> None:
    baseline = _baseline(pytester, {"flatten": "passed", "race_fix": "passed"}, "mixed",
                         {"flatten": "0" * 64})
    out = pytester.path / "report.json"
    result = run(pytester, two_cases, "mixed", f"--llm-baseline={baseline}",
                 f"--llm-report={out}")
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines([
        "llmcode baseline mixed: pass rate 1.000 -> 0.500 (-0.500)",
        "llmcode flip race_fix[[]mixed[]] sample 1: passed in the baseline, failed now",
        "llmcode baseline: these cases changed since the baseline run: flatten",
        "llmcode gate failed: max-regression mixed: measured 0.500 "
        "(pass rate 1.000 -> 0.500), required <= 0.050",
    ])
    data = report(out)["baseline"]
    assert data["models"]["mixed"] == {"before": 1.0, "after": 0.5, "delta": -0.5}
    assert data["regressions"] == [
        {"case": "race_fix", "model": "mixed", "sample": 1, "before": "passed", "after": "failed"}
    ]

    # A looser threshold holds: the run passes, the flip is still shown.
    result = run(pytester, two_cases, "mixed", f"--llm-baseline={baseline}",
                 "--llm-max-regression=0.5")
    assert result.ret == pytest.ExitCode.OK
    result.stdout.fnmatch_lines([
        "llmcode flip race_fix[[]mixed[]] sample 1: *",
        "llmcode gate passed: max-regression mixed: measured 0.500 *, required <= 0.500",
    ])

    # Fixed since the baseline: reported as a fix, no regression.
    baseline = _baseline(pytester, {"flatten": "failed", "race_fix": "failed"}, "mixed")
    result = run(pytester, two_cases, "mixed", f"--llm-baseline={baseline}", "-k", "flatten")
    assert result.ret == pytest.ExitCode.OK
    result.stdout.fnmatch_lines([
        "llmcode baseline mixed: pass rate 0.000 -> 1.000 (+1.000)",
        "llmcode fix flatten[[]mixed[]] sample 1: failed in the baseline, passed now",
    ])


@pytest.mark.parametrize(
    "args, message",
    [
        (["--llm-min-pass-rate=1.5"], "--llm-min-pass-rate: 1.5 is not between 0 and 1"),
        (["--llm-min-pass-rate=most"], "--llm-min-pass-rate: 'most' is not a number"),
        (["--llm-min-score=11"], "--llm-min-score: 11 is not between 0 and 10"),
        (["--llm-min-score=nobody=5"], "--llm-min-score: 'nobody' is not one of the models"),
        (["--llm-max-regression=-0.1"], "--llm-max-regression: -0.1 is not between 0 and 1"),
        (["--llm-baseline=nope.json"], "--llm-baseline 'nope.json': no such file"),
        (["--llm-baseline=case.txt"], "--llm-baseline: the baseline report case.txt is not JSON"),
        (["--llm-seed=-1"], "--llm-seed: must be at least 0"),
    ],
)
def test_bad_gate_options_are_usage_errors(
    pytester: pytest.Pytester, args: list[str], message: str
) -> None:
    make_case(pytester)
    pytester.makefile(".txt", case="not json")
    result = pytester.runpytest("eval_cases", "--llm-models=reference", "--collect-only", *args)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([f"*{message}*"])


def test_gate_options_have_ini_twins(pytester: pytest.Pytester) -> None:
    make_case(pytester)
    pytester.makeini("[pytest]\nllm_min_pass_rate = 2\n")
    result = pytester.runpytest("eval_cases", "--llm-models=reference", "--collect-only")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--llm-min-pass-rate: 2 is not between 0 and 1*"])
