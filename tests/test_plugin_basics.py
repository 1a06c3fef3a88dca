"""Plugin behaviour that needs neither Docker nor an endpoint."""

from __future__ import annotations

import os

import pytest
from support.chat_server import ChatServer

from pytest_llmcode.settings import default_grading_workers

CASE = """\
language: python
solution_file: solution.py
exports: [double]
prompt: Write double(x).
"""


def make_case(pytester: pytest.Pytester, manifest: str = CASE, name: str = "double") -> None:
    folder = pytester.mkdir("eval_cases") if not (pytester.path / "eval_cases").exists() else pytester.path / "eval_cases"
    case = folder / name
    (case / "tests").mkdir(parents=True)
    (case / "reference").mkdir()
    (case / "case.yaml").write_text(manifest)
    (case / "tests" / "test_double.py").write_text(
        "from solution import double\n\ndef test_two():\n    assert double(2) == 4\n"
    )
    (case / "reference" / "solution.py").write_text("def double(x):\n    return 2 * x\n")


def test_without_models_the_plugin_does_nothing(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_case(pytester)
    monkeypatch.setenv("DOCKER_HOST", f"unix://{pytester.path}/no-such-docker.sock")
    result = pytester.runpytest("eval_cases")
    # Neither the manifest nor the hidden tests are collected; one line says how to run it.
    assert result.ret == pytest.ExitCode.NO_TESTS_COLLECTED
    result.stdout.fnmatch_lines([
        "collected 0 items",
        "llmcode: 1 eval case found but not run: add --llm-models=MODELS to evaluate models "
        "(--llm-models=reference grades the reference answers, free), or --llm-check-cases to "
        "check the cases",
    ])
    assert len([line for line in result.outlines if line.startswith("llmcode:")]) == 1


def test_plugin_can_be_disabled(pytester: pytest.Pytester) -> None:
    make_case(pytester)
    result = pytester.runpytest("eval_cases", "-p", "no:llmcode", "--llm-models=reference")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*unrecognized arguments: --llm-models=reference*"])


@pytest.mark.parametrize(
    "manifest, field",
    [
        (CASE.replace("language: python", "language: cobol"), "field language"),
        (CASE.replace("prompt: Write double(x).\n", ""), "'prompt' is a required property"),
        (CASE + "timeout_s: -3\n", "field timeout_s"),
        (CASE + "colour: blue\n", "field colour: unknown field; the fields are name, description, *"),
        (CASE + "export: [double]\n", "field export: unknown field; did you mean `exports`?"),
        (CASE.replace("solution.py", "solution.js"), "field solution_file"),
        ("language: [unclosed\n", "not valid YAML"),
    ],
)
def test_broken_manifest_is_a_collection_error_naming_file_and_field(
    pytester: pytest.Pytester, manifest: str, field: str
) -> None:
    make_case(pytester, manifest)
    result = pytester.runpytest("eval_cases", "--llm-models=reference", "--collect-only")
    assert result.ret == pytest.ExitCode.INTERRUPTED
    result.stdout.fnmatch_lines(["*eval_cases/double/case.yaml*", f"*{field}*"])
    result.stdout.no_fnmatch_line("*Traceback*")


def test_missing_reference_is_named(pytester: pytest.Pytester) -> None:
    make_case(pytester)
    (pytester.path / "eval_cases/double/reference/solution.py").unlink()
    result = pytester.runpytest("eval_cases", "--llm-models=reference", "--collect-only")
    result.stdout.fnmatch_lines(["*the reference answer is missing: create*reference/solution.py*"])


@pytest.mark.parametrize(
    "args, message",
    [
        (["--llm-concurrency=zero"], "--llm-concurrency: 'zero' is not a valid number"),
        (["--llm-concurrency=0"], "--llm-concurrency: must be at least 1"),
        (["--llm-base-url=ftp://example"], "is not an http(s) URL"),
        (["--llm-models=a,a"], "lists a model twice"),
        (["--llm-catalog=nope.yaml"], "--llm-catalog 'nope.yaml': no such file"),
    ],
)
def test_bad_options_are_usage_errors(
    pytester: pytest.Pytester, args: list[str], message: str
) -> None:
    make_case(pytester)
    if not any(a.startswith("--llm-models") for a in args):
        args = ["--llm-models=reference", *args]
    result = pytester.runpytest("eval_cases", *args)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([f"*{message}*"])


def test_prices_from_ini_and_unknown_models_in_header(pytester: pytest.Pytester) -> None:
    make_case(pytester)
    pytester.makeini("[pytest]\nllm_prices =\n    my-model=1.5\n")
    result = pytester.runpytest("eval_cases", "--llm-models=my-model,other-model", "--collect-only",
                                "--llm-base-url=http://127.0.0.1:9/v1")
    result.stdout.fnmatch_lines(["*no price known for other-model*"])
    result.stdout.no_fnmatch_line("*no price known for my-model*")


def test_bad_price_line_is_a_usage_error(pytester: pytest.Pytester) -> None:
    make_case(pytester)
    pytester.makeini("[pytest]\nllm_prices =\n    my-model=cheap\n")
    result = pytester.runpytest("eval_cases", "--llm-models=my-model", "--collect-only")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*price of my-model: 'cheap' is not a number*"])


def test_hooks_customise_messages_extraction_and_see_outcomes(
    pytester: pytest.Pytester, chat_server: ChatServer, sandbox_image: str
) -> None:
    from support.chat_server import Reply

    make_case(pytester)
    chat_server.script("m", lambda body: Reply("<answer>def double(x):\n    return x + x\n</answer>"))
    pytester.makeconftest(
        """
        seen = []

        def pytest_llmcode_messages(case, model):
            return [{"role": "system", "content": "code only"},
                    {"role": "user", "content": case.prompt}]

        def pytest_llmcode_extract_code(reply, case):
            return reply.split("<answer>")[1].split("</answer>")[0]

        def pytest_llmcode_outcome(outcome):
            seen.append(outcome.status)

        def pytest_sessionfinish(session):
            print("outcomes seen:", seen)
        """
    )
    result = pytester.runpytest("eval_cases", "--llm-models=m", f"--llm-base-url={chat_server.base_url}", "-s")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*outcomes seen: ?'passed'?*"])
    assert chat_server.requests[0].body["messages"][0] == {"role": "system", "content": "code only"}


@pytest.mark.parametrize("cores, memory_gib, expected", [(2, 24, 3), (16, 8, 4), (4, 1, 1)])
def test_default_grading_workers_fit_cores_and_memory(
    monkeypatch: pytest.MonkeyPatch, cores: int, memory_gib: int, expected: int
) -> None:
    pages = {"SC_PAGE_SIZE": 4096, "SC_PHYS_PAGES": memory_gib * (1 << 30) // 4096}
    monkeypatch.setattr(os, "cpu_count", lambda: cores)
    monkeypatch.setattr(os, "sysconf", pages.__getitem__)
    assert default_grading_workers() == expected
