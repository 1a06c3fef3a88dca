"""CI gates: each fails and passes where it should, with exit codes checked, and the
baseline comparison shows deltas and flips."""

from __future__ import annotations

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


def test_a_case_added_since_the_baseline_is_listed_not_counted(
    pytester: pytest.Pytester, two_cases: ChatServer
) -> None:
    base = pytester.path / "base.json"
    run(pytester, two_cases, "good", f"--llm-report={base}").assert_outcomes(passed=2)
    copy_cases(pytester, "dijkstra")
    two_cases.script("good", answers(dijkstra="no_path.ts"))
    out = pytester.path / "report.json"
    result = run(pytester, two_cases, "good", f"--llm-baseline={base}", f"--llm-report={out}")
    result.assert_outcomes(passed=2, failed=1)
    assert result.ret == pytest.ExitCode.OK
    result.stdout.fnmatch_lines([
        f"llmcode baseline {base}: 2 case(s) compared; 1 added, not compared",
        "llmcode baseline good: pass rate 1.000 -> 1.000 (+0.000) on 2 item(s) in 2 case(s)",
        "llmcode baseline: added since the baseline (not compared): dijkstra",
        "llmcode gate passed: max-regression good: measured 0.000 (pass rate 1.000 -> 1.000 "
        "on 2 item(s) of 2 case(s) compared; 1 added, not compared), required <= 0.050",
    ])
    data = report(out)["baseline"]
    assert data["added_cases"] == ["dijkstra"] and data["regressions"] == []
    assert data["compared_cases"] == ["flatten", "race_fix"]


def test_a_k_subset_against_a_fuller_baseline_shows_no_false_gain(
    pytester: pytest.Pytester, two_cases: ChatServer
) -> None:
    base = pytester.path / "base.json"
    run(pytester, two_cases, "mixed", f"--llm-report={base}").assert_outcomes(passed=1, failed=1)
    result = run(pytester, two_cases, "mixed", f"--llm-baseline={base}", "-k", "flatten")
    assert result.ret == pytest.ExitCode.OK
    result.stdout.fnmatch_lines([
        "llmcode baseline mixed: pass rate 1.000 -> 1.000 (+0.000) on 1 item(s) in 1 case(s)",
        "llmcode baseline: in the baseline, not run now (not compared): race_fix",
    ])


def test_baseline_regression_gate_deltas_and_flips(
    pytester: pytest.Pytester, two_cases: ChatServer
) -> None:
    base = pytester.path / "base.json"
    two_cases.script("m", answers())
    run(pytester, two_cases, "m", f"--llm-report={base}").assert_outcomes(passed=2)
    two_cases.script("m", answers(**MIXED))
    out = pytester.path / "report.json"
    result = run(pytester, two_cases, "m", f"--llm-baseline={base}", f"--llm-report={out}",
                 "--llm-record-mode=all")
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines([
        "llmcode baseline m: pass rate 1.000 -> 0.500 (-0.500) on 2 item(s) in 2 case(s)",
        "llmcode flip race_fix[[]m[]] sample 1: passed in the baseline, failed now",
        "llmcode gate failed: max-regression m: measured 0.500 (pass rate 1.000 -> 0.500 on "
        "2 item(s) of 2 case(s) compared), required <= 0.050",
    ])
    data = report(out)["baseline"]
    assert data["models"]["m"] == {"before": 1.0, "after": 0.5, "delta": -0.5,
                                   "compared_cases": 2, "compared_items": 2}
    assert data["regressions"] == [
        {"case": "race_fix", "model": "m", "sample": 1, "before": "passed", "after": "failed"}
    ]

    # A looser threshold holds: the run passes, the flip is still shown.
    result = run(pytester, two_cases, "m", f"--llm-baseline={base}", "--llm-max-regression=0.5")
    assert result.ret == pytest.ExitCode.OK
    result.stdout.fnmatch_lines([
        "llmcode flip race_fix[[]m[]] sample 1: *",
        "llmcode gate passed: max-regression m: measured 0.500 *, required <= 0.500",
    ])

    # Once the case changes, the flip is no longer a comparison of like with like.
    manifest = pytester.path / "eval_cases" / "race_fix" / "case.yaml"
    manifest.write_text(manifest.read_text() + "# edited\n")
    result = run(pytester, two_cases, "m", f"--llm-baseline={base}")
    result.stdout.fnmatch_lines([
        "llmcode baseline: changed since the baseline (not compared): race_fix",
        "llmcode gate passed: max-regression m: measured 0.000 (pass rate 1.000 -> 1.000 on "
        "1 item(s) of 1 case(s) compared; 1 changed, not compared), required <= 0.050",
    ])
    result.stdout.no_fnmatch_line("llmcode flip*")

    # Nor is a pass of the changed case a fix of the one that failed in the baseline.
    two_cases.script("m", answers())
    fixed = run(pytester, two_cases, "m", f"--llm-baseline={out}", "--llm-record-mode=all")
    fixed.assert_outcomes(passed=2)
    fixed.stdout.fnmatch_lines(["llmcode baseline: changed since the baseline (not compared): "
                                "race_fix"])
    fixed.stdout.no_fnmatch_line("llmcode fix*")


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
