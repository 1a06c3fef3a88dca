"""Authoring cases: the scaffold, the free check of a suite (--llm-check-cases), a broken
case costing nothing in a model run, and reference verdicts reused across runs. Through
pytester, the loopback chat server and the real sandbox."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from support.chat_server import ChatServer, Reply, fenced
from support.llm_runs import copy_cases, run
from support.one_file_case import CASE as ONE_FILE

from pytest_llmcode.authoring.scaffold import LANGUAGES
from pytest_llmcode.grading.grader import Grader

ROOT = Path(__file__).resolve().parents[1]


def new_case(directory: Path, name: str, language: str) -> subprocess.CompletedProcess[str]:
    """The scaffold, run as a user runs it."""
    return subprocess.run(
        [sys.executable, "-m", "pytest_llmcode", "new", name, "--language", language,
         "--dir", str(directory)],
        capture_output=True, text=True, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, (path, old)
    path.write_text(text.replace(old, new))


def test_new_explains_each_file_and_refuses_to_overwrite(tmp_path: Path) -> None:
    help_text = subprocess.run(
        [sys.executable, "-m", "pytest_llmcode", "new", "--help"], capture_output=True,
        text=True, env={"PYTHONPATH": str(ROOT)}, check=True,
    ).stdout
    for explained in ("the module docstring", "REFERENCE = '''...'''", "WRONG = {name:",
                      "case.yaml", "tests/", "reference/solution.*", "wrong/*",
                      "--llm-check-cases"):
        assert explained in help_text
    first = new_case(tmp_path, "roman", "python")
    assert first.returncode == 0, first.stderr
    assert "wrote the eval case roman (python)" in first.stdout
    again = new_case(tmp_path, "roman", "python")
    assert again.returncode == 1 and "already exists" in again.stderr
    bad = new_case(tmp_path, "9lives", "go")
    assert bad.returncode == 2 and "use letters, digits and underscores" in bad.stderr


def test_the_scaffold_of_every_language_passes_the_check(
    pytester: pytest.Pytester, sandbox_image: str
) -> None:
    cases = pytester.path / "eval_cases"
    for language in LANGUAGES:
        made = new_case(cases, f"my_{language}", language)
        assert made.returncode == 0, made.stderr
    result = pytester.runpytest("eval_cases", "--llm-check-cases", "-v")
    result.assert_outcomes(passed=len(LANGUAGES))
    result.stdout.fnmatch_lines([
        "*eval_cases/my_express/case.yaml::my_express[[]check[]] PASSED*",
        "*eval_cases/my_go/case.yaml::my_go[[]check[]] PASSED*",
        "*eval_cases/my_javascript/case.yaml::my_javascript[[]check[]] PASSED*",
        "*eval_cases/my_typescript/case.yaml::my_typescript[[]check[]] PASSED*",
        "*eval_cases/test_my_python.py::my_python[[]check[]] PASSED*",
        "llmcode check: 5 cases: 5 sound; 0 reference verdicts reused from earlier runs",
    ])
    assert result.ret == pytest.ExitCode.OK


def test_each_mistake_is_reported_with_its_cause(
    pytester: pytest.Pytester, sandbox_image: str
) -> None:
    cases = copy_cases(pytester, "flatten")
    edit(cases / "flatten/case.yaml", "exports: [flatten]", "exports: [flaten]")
    (cases / "test_misnamed.py").write_text(ONE_FILE.replace("def double(x):\n    return 2", "def dbl(x):\n    return 2"))
    (cases / "test_syntax.py").write_text(ONE_FILE.replace("def double(x):\n    return 2", "def double(x)\n    return 2"))
    (cases / "test_assertion.py").write_text(ONE_FILE.replace("return 2 * x", "return 2 * x + 1"))
    (cases / "test_right_wrong.py").write_text(ONE_FILE.replace("return x + 2", "return x + x"))
    (cases / "test_sound.py").write_text(ONE_FILE)
    for language in ("typescript", "go"):
        assert new_case(cases, f"bad_{language}", language).returncode == 0
    edit(cases / "bad_typescript/reference/solution.ts", "return null;", "return 'none';")
    edit(cases / "bad_go/reference/solution.go", "return string(runes)", "return runes")

    result = pytester.runpytest("eval_cases", "--llm-check-cases", "-p", "no:cacheprovider")

    result.assert_outcomes(passed=1, failed=7)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    out = result.stdout.str()
    assert "/opt/llmcode" not in out  # the runners' own frames are trimmed
    result.stdout.fnmatch_lines([
        "llmcode check: 8 cases: 1 sound, 7 broken (assertion, bad_go, bad_typescript, "
        "flatten, misnamed, right_wrong, syntax); 0 reference verdicts reused from earlier runs",
    ])

    def section(name: str) -> list[str]:
        start = out.index(f"_ {name}[check] _")
        return out[start:].split("\n_")[0].splitlines()

    pytest.LineMatcher(section("flatten")).fnmatch_lines([
        "broken case flatten (eval_cases/flatten/case.yaml):",
        "- exports lists `flaten`, but the reference (eval_cases/flatten/reference/solution.py) "
        "does not define it (did you mean `flatten`?)",
        "- the hidden tests use `flatten` from the solution, but exports does not list it: add "
        "it to exports (is `flaten` a typo of it?)",
        "- the prompt never names `flaten`: *",
    ])
    pytest.LineMatcher(section("misnamed")).fnmatch_lines([
        "broken case misnamed (eval_cases/test_misnamed.py):",
        "- exports lists `double`, but the reference (eval_cases/test_misnamed.py:19 (REFERENCE)) "
        "does not define it (did you mean `dbl`?)",
        "- its reference answer (eval_cases/test_misnamed.py:19 (REFERENCE)) fails its own hidden "
        "tests: 2 of 2 hidden tests did not pass; the first, test_misnamed.py::test_two (failed):",
        "  def test_two():",
        "  >       assert double(2) == 4",
        "  E *AttributeError: module 'solution' has no attribute 'double'",
    ])
    pytest.LineMatcher(section("syntax")).fnmatch_lines([
        "*fails its own hidden tests: 2 of 2 hidden tests did not pass*",
        "*SyntaxError: importing the answer failed: expected ':' (solution.py, line 1)",
        "  the answer's own output:",
        '*File "/tmp/work/solution.py", line 1',
        "*def double(x)",
        "*SyntaxError: expected ':'",
    ])
    pytest.LineMatcher(section("assertion")).fnmatch_lines([
        "*2 of 2 hidden tests did not pass; the first, test_assertion.py::test_two (failed):",
        "*assert double(2) == 4",
        "*E       assert 5 == 4",
    ])
    pytest.LineMatcher(section("right_wrong")).fnmatch_lines([
        "- the known-wrong answer eval_cases/test_right_wrong.py (WRONG['adds_two']) passes every "
        "hidden test: add a test that it fails (or drop it if it is right)",
    ])
    pytest.LineMatcher(section("bad_typescript")).fnmatch_lines([
        "*fails its own hidden tests: the answer does not build",
        "*solution.ts(*): error TS2322: Type 'string' is not assignable to type 'number'.",
    ])
    pytest.LineMatcher(section("bad_go")).fnmatch_lines([
        "*fails its own hidden tests: the answer does not build",
        "*./solution.go:10:9: cannot use runes (variable of type []rune) as type string in return "
        "statement",
    ])


def test_a_broken_case_costs_nothing_in_a_model_run(
    pytester: pytest.Pytester, chat_server: ChatServer, sandbox_image: str
) -> None:
    cases = copy_cases(pytester, "flatten", "race_fix")
    edit(cases / "race_fix/case.yaml", "exports: [loadData]", "exports: [loadDta]")
    (cases / "test_assertion.py").write_text(ONE_FILE.replace("return 2 * x", "return 2 * x + 1"))
    flatten_reference = (cases / "flatten/reference/solution.py").read_text()
    chat_server.script("m", lambda body: Reply(fenced("python", flatten_reference)))

    result = run(pytester, chat_server, "m,reference")

    result.assert_outcomes(passed=2, errors=4)
    result.stdout.fnmatch_lines([
        "*ERROR at setup of race_fix[[]m[]]*",
        "broken case race_fix (eval_cases/race_fix/case.yaml):",
        "- exports lists `loadDta`, but the reference*",
    ])
    result.stdout.fnmatch_lines(["*ERROR at setup of assertion[[]reference[]]*",
                                 "broken case assertion (eval_cases/test_assertion.py):"])
    assert "[infrastructure] broken case" not in result.stdout.str()
    # Only the sound case was asked for: not one request for a broken one.
    assert [r.body["messages"][0]["content"][:30] for r in chat_server.requests] == [
        "Write a Python 3.11 module tha"]


@pytest.fixture
def gradings(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every real grading of the in-process runs, by case."""
    seen: list[str] = []
    grade = Grader.grade

    def counted(self: Grader, case: Any, code: str, expected: Any) -> Any:
        seen.append(case.name)
        return grade(self, case, code, expected)

    monkeypatch.setattr(Grader, "grade", counted)
    return seen


def test_unchanged_references_are_not_graded_again(
    pytester: pytest.Pytester, sandbox_image: str, gradings: list[str]
) -> None:
    cases = copy_cases(pytester, "flatten")
    (cases / "test_double.py").write_text(ONE_FILE)

    first = pytester.runpytest("eval_cases", "--llm-check-cases")
    first.assert_outcomes(passed=2)
    # Each reference once, and each known-wrong answer (flatten has 4, double 1).
    assert sorted(gradings) == ["double"] * 2 + ["flatten"] * 5
    gradings.clear()

    second = pytester.runpytest("eval_cases", "--llm-check-cases")
    second.assert_outcomes(passed=2)
    second.stdout.fnmatch_lines(["llmcode check: 2 cases: 2 sound; 2 reference verdicts reused "
                                 "from earlier runs"])
    assert gradings == []

    # A model run starts from the same verdicts: the reference items spend no grading time.
    report = pytester.path / "report.json"
    reference = pytester.runpytest("eval_cases", "--llm-models=reference", f"--llm-report={report}")
    reference.assert_outcomes(passed=2)
    assert gradings == []
    assert [r["grading_s"] for r in json.loads(report.read_text())["results"]] == [0.0, 0.0]

    # A changed case is graded again, and only that one.
    edit(cases / "test_double.py", "assert double(0) == 0", "assert double(0) == 0 * 2")
    third = pytester.runpytest("eval_cases", "--llm-check-cases")
    third.assert_outcomes(passed=2)
    assert gradings == ["double", "double"]
    # --cache-clear forgets them all.
    gradings.clear()
    pytester.runpytest("eval_cases", "--llm-check-cases", "--cache-clear").assert_outcomes(passed=2)
    assert sorted(gradings) == ["double"] * 2 + ["flatten"] * 5
