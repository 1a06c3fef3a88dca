"""One-file Python cases: the prompt, the hidden tests and the reference in one test file.
Read without Docker here; graded through the loopback server and the real sandbox at the
end."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.chat_server import ChatServer, Reply, fenced
from support.llm_runs import run
from support.one_file_case import CASE, PROMPT, write_case

from pytest_llmcode.cases import CaseError
from pytest_llmcode.cases.onefile import load_one_file_case


def test_a_test_file_is_a_whole_case(tmp_path: Path) -> None:
    case = load_one_file_case(write_case(tmp_path))
    assert case.name == "double" and case.language == "python"
    assert case.prompt == PROMPT
    assert case.exports == ("double",)  # the names the tests import from solution
    assert case.tags == ("tiny",) and case.timeout_s == 20
    assert case.reference.code == "def double(x):\n    return 2 * x\n"
    assert case.reference.origin.endswith("test_double.py:19 (REFERENCE)")
    assert [(w.label, w.code) for w in case.known_wrong()] == [
        ("adds_two", "def double(x):\n    return x + 2\n")]
    # The hidden tests the sandbox runs are the file itself; the model gets the docstring.
    assert case.test_files() == [tmp_path / "test_double.py"]
    assert case.cassette_dir == tmp_path / ".cassettes" / "double"


@pytest.mark.parametrize("edit, message", [
    (lambda t: t[t.index("import pytest"):], "the prompt is missing: start the file with a docstring"),
    (lambda t: t[:t.index("REFERENCE")], "the reference answer is missing: add REFERENCE = '''...'''"),
    (lambda t: t.replace('tags=["tiny"]', 'export=["double"]'),
     'pytest.mark.llmcode(export=...): unknown field; did you mean `exports`?'),
    (lambda t: t.replace("timeout_s=20", "timeout_s=-1"), "pytest.mark.llmcode(timeout_s=...): -1 is"),
    (lambda t: t.replace('tags=["tiny"]', "tags=TAGS"),
     "pytest.mark.llmcode(tags=...) must be a literal (a string, number, list or dict)"),
    (lambda t: t.replace('tags=["tiny"]', 'language="go"'),
     "pytest.mark.llmcode(language=...): one-file cases are Python; other languages use a case folder"),
    (lambda t: t.replace('REFERENCE = """', 'REFERENCE = str("""').replace('2 * x\n"""', '2 * x\n""")'),
     "REFERENCE must be a string literal holding the code"),
    (lambda t: t.replace('"adds_two": """', '"adds two": """'), "WRONG['adds two']: name wrong answers"),
    (lambda t: t.replace("def test_two():", "def test_two(:"), "test_double.py:11: not valid Python"),
])
def test_each_mistake_is_named(tmp_path: Path, edit, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(CaseError) as error:
        load_one_file_case(write_case(tmp_path, edit(CASE)))
    assert message in str(error.value)
    assert str(tmp_path / "test_double.py") in str(error.value)


def test_without_models_a_one_file_case_is_found_not_imported(pytester: pytest.Pytester) -> None:
    write_case(pytester.path / "evals")
    result = pytester.runpytest("evals")
    assert result.ret == pytest.ExitCode.NO_TESTS_COLLECTED
    result.stdout.fnmatch_lines(["llmcode: 1 eval case found but not run: add --llm-models=MODELS*"])
    result.stdout.no_fnmatch_line("*ModuleNotFoundError*")


def test_a_broken_one_file_case_is_a_collection_error_without_a_results_table(
    pytester: pytest.Pytester,
) -> None:
    write_case(pytester.path / "evals", CASE.replace('tags=["tiny"]', 'export=["double"]'))
    report = pytester.path / "report.json"
    result = pytester.runpytest("evals", "--llm-models=reference", f"--llm-report={report}",
                                "--llm-base-url=http://127.0.0.1:9/v1")
    assert result.ret == pytest.ExitCode.INTERRUPTED
    result.stdout.fnmatch_lines([
        "*ERROR collecting evals/test_double.py*",
        "*test_double.py: invalid eval case",
        "  pytest.mark.llmcode(export=...): unknown field; did you mean `exports`?",
    ])
    # Nothing ran: no empty table, no "interrupted after 0 finished items", no report.
    result.stdout.no_fnmatch_line("*llmcode results*")
    result.stdout.no_fnmatch_line("*interrupted after*")
    assert not report.exists() and not (pytester.path / "report.partial.jsonl").exists()


def test_one_file_and_folder_cases_are_collected_together(
    pytester: pytest.Pytester, eval_dir: Path
) -> None:
    write_case(eval_dir)
    result = pytester.runpytest("eval_cases", "--llm-models=reference", "--co", "-q",
                                "-p", "no:cacheprovider")
    result.stdout.fnmatch_lines([
        "eval_cases/dijkstra/case.yaml::dijkstra[[]reference[]]",
        "eval_cases/test_double.py::double[[]reference[]]",
        "eval_cases/users_api/case.yaml::users_api[[]reference[]]",
        "6 tests collected*",
    ])


def test_a_case_name_used_twice_is_named(pytester: pytest.Pytester, eval_dir: Path) -> None:
    write_case(eval_dir, name="test_flatten.py")
    result = pytester.runpytest("eval_cases", "--llm-models=reference", "--co")
    result.stdout.fnmatch_lines(["*the case name 'flatten' is taken by *: give one of them another `name`"])


@pytest.mark.parametrize("answer, outcome", [("reference", "passed"), ("adds_two", "failed")])
def test_graded_through_the_endpoint_and_the_sandbox(
    pytester: pytest.Pytester, chat_server: ChatServer, sandbox_image: str, answer: str,
    outcome: str,
) -> None:
    case = load_one_file_case(write_case(pytester.path / "eval_cases"))
    code = case.reference.code if answer == "reference" else dict(case.wrong)[answer]
    chat_server.script("m", lambda body: Reply(fenced("python", code)))
    result = run(pytester, chat_server, "m", "-rA")
    result.assert_outcomes(**{outcome: 1})
    if outcome == "failed":
        result.stdout.fnmatch_lines(["*1 of 2 hidden tests did not pass: test_double.py::test_edge_zero*"])
    # The model was asked the docstring, once; the hidden tests and answers never reached it.
    [request] = chat_server.requests
    assert request.body["messages"] == [{"role": "user", "content": PROMPT}]
    sent = str(request.body)
    assert "test_edge_zero" not in sent and "2 * x" not in sent and "x + 2" not in sent
    cassette = pytester.path / "eval_cases" / ".cassettes" / "double" / "m-s1.yaml"
    assert cassette.is_file()
