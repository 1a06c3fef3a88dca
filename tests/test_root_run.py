"""`pytest --llm-models=...` from a project's root runs its eval cases (ini llm_cases),
while plain `pytest` keeps running its own tests."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from support.chat_server import EVAL_CASES
from support.one_file_case import CASE

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def project(pytester: pytest.Pytester) -> Path:
    """A user's project: its own tests, and eval cases in evals/ (one of each form)."""
    pytester.makepyprojecttoml(
        '[tool.pytest.ini_options]\ntestpaths = ["tests"]\nllm_cases = ["evals"]\n'
    )
    (pytester.path / "tests").mkdir()
    (pytester.path / "tests" / "test_own.py").write_text("def test_own():\n    pass\n")
    (pytester.path / "evals").mkdir()
    (pytester.path / "evals" / "test_double.py").write_text(CASE)
    shutil.copytree(EVAL_CASES / "flatten", pytester.path / "evals" / "flatten",
                    ignore=shutil.ignore_patterns(".*"))
    return pytester.path


def test_plain_pytest_runs_the_projects_own_tests(pytester: pytest.Pytester, project: Path) -> None:
    result = pytester.runpytest("--co", "-q")
    result.stdout.fnmatch_lines(["tests/test_own.py::test_own", "1 test collected*"])


def test_with_models_the_eval_cases_run_instead(pytester: pytest.Pytester, project: Path) -> None:
    result = pytester.runpytest("--llm-models=reference", "--co")
    result.stdout.fnmatch_lines([
        "llmcode: eval cases from evals (ini llm_cases)",
        "*collected 2 items*",
        "*flatten[[]reference[]]*",
    ])
    quiet = pytester.runpytest("--llm-models=reference", "--co", "-q")
    quiet.stdout.fnmatch_lines([
        "evals/flatten/case.yaml::flatten[[]reference[]]",
        "evals/test_double.py::double[[]reference[]]",
        "2 tests collected*",
    ])
    checked = pytester.runpytest("--llm-check-cases", "--co", "-q")
    checked.stdout.fnmatch_lines(["evals/flatten/case.yaml::flatten[[]check[]]",
                                  "evals/test_double.py::double[[]check[]]"])


def test_the_check_can_be_the_projects_default(pytester: pytest.Pytester, project: Path) -> None:
    pytester.makepyprojecttoml('[tool.pytest.ini_options]\ntestpaths = ["tests"]\n'
                               'llm_cases = ["evals"]\nllm_check_cases = true\n')
    result = pytester.runpytest("--co", "-q")
    result.stdout.fnmatch_lines(["evals/flatten/case.yaml::flatten[[]check[]]", "*2 tests collected*"])


def test_a_path_given_wins_over_the_ini(pytester: pytest.Pytester, project: Path) -> None:
    result = pytester.runpytest("tests", "--llm-models=reference", "--co", "-q")
    result.stdout.fnmatch_lines(["tests/test_own.py::test_own", "1 test collected*"])


def test_a_missing_eval_folder_is_a_usage_error(pytester: pytest.Pytester, project: Path) -> None:
    pytester.makepyprojecttoml('[tool.pytest.ini_options]\nllm_cases = ["nowhere"]\n')
    result = pytester.runpytest("--llm-models=reference")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*llm_cases: */nowhere does not exist; set the ini option "
                                 "llm_cases (in */pyproject.toml) to the folders of your eval "
                                 "cases, relative to that file"])


def test_workers_of_pytest_xdist_run_the_eval_cases_too(
    pytester: pytest.Pytester, project: Path, sandbox_image: str
) -> None:
    result = pytester.runpytest_subprocess("--llm-models=reference", "-n", "2",
                                           "-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)


def test_this_repository_root_runs_the_bundled_cases() -> None:
    """The README's promise, here: `pytest --llm-models=MODELS` from the root."""
    out = subprocess.run(
        [sys.executable, "-m", "pytest", "--llm-models=reference", "--co", "-q",
         "-p", "no:cacheprovider"],
        cwd=ROOT, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)},
    ).stdout
    collected = [line for line in out.splitlines() if "::" in line]
    assert collected == [f"eval_cases/{case.parent.name}/case.yaml::{case.parent.name}[reference]"
                         for case in sorted(EVAL_CASES.glob("*/case.yaml"))]


def test_the_packages_case_templates_are_never_eval_cases() -> None:
    """`python -m pytest_llmcode new` copies them; pytest run over the package (or a
    checkout) must not take them for cases."""
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "pytest_llmcode", "--llm-models=reference", "--co",
         "-q", "-p", "no:cacheprovider"],
        cwd=ROOT, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert [line for line in done.stdout.splitlines() if "::" in line] == [], done.stdout
    assert "eval case" not in done.stdout + done.stderr, done.stdout
