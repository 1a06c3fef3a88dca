"""`python -m pytest_llmcode import`: what each format's cases hold, what is skipped and why,
and that importing twice changes nothing. (tests/test_importers_sandbox.py grades them.)"""

from __future__ import annotations

import ast
import gzip
import json
import math
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pytest_llmcode.__main__ import main as llmcode_main
from pytest_llmcode.cases import load_case
from pytest_llmcode.cases.onefile import load_one_file_case
from pytest_llmcode.importers.literals import (
    DECODER_SOURCE,
    decode_plain,
    encode_plain,
    py_string,
)
from pytest_llmcode.importers.records import SourceError, read_records
from pytest_llmcode.importers.writer import CaseFiles, loads_back

FIXTURES = Path(__file__).parent / "fixtures" / "importers"
ROOT = Path(__file__).resolve().parents[1]


def run_import(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, list[str]]:
    code = llmcode_main(["import", *map(str, args)])
    return code, capsys.readouterr().out.splitlines()


def record(name: str, task: str) -> dict[str, object]:
    return next(r for r in read_records(FIXTURES / name) if str(r.get("task_id")) == task)


def assigned(path: Path, name: str) -> object:
    """A module-level constant of a generated file, read without running it."""
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", None) == name:
            return ast.literal_eval(node.value)
    raise AssertionError(f"{name} not in {path}")


@pytest.mark.parametrize(("fmt", "source", "written", "skipped"), [
    ("humaneval", "HumanEval.jsonl",
     ["test_humaneval_901.py", "test_humaneval_902.py", "test_humaneval_903.py",
      "test_humaneval_904.py"],
     ["skipped HumanEval/905: its entry point `main_function` is defined by the canonical "
      "solution, not the prompt"]),
    ("humaneval", "humaneval_python.jsonl", ["test_humanevalx_python_901.py"], []),
    ("humaneval", "humaneval_js.jsonl",
     [f"humanevalx_javascript_90{n}" for n in range(1, 5)], []),
    ("humaneval", "humaneval_go.jsonl", [f"humanevalx_go_90{n}" for n in range(1, 4)], []),
    ("mbpp", "mbpp.jsonl", ["test_mbpp_901.py", "test_mbpp_902.py", "test_mbpp_903.py",
                            "test_mbpp_905.py"],
     ["skipped mbpp/904: its tests use the code's class `Point`: its objects cannot cross "
      "the isolation boundary to the answer"]),
    ("mbpp", "sanitized-mbpp.json",
     ["test_mbpp_sanitized_911.py", "test_mbpp_sanitized_912.py", "test_mbpp_sanitized_913.py"],
     []),
    ("evalplus", "HumanEvalPlus.jsonl",
     ["test_humanevalplus_932.py", "test_humanevalplus_933.py", "test_humanevalplus_934.py"], []),
    ("evalplus", "MbppPlus.jsonl",
     ["test_mbppplus_2.py", "test_mbppplus_917.py", "test_mbppplus_918.py"],
     ["skipped Mbpp/124: its base_input holds a value of type complex, which cannot cross "
      "the isolation boundary to the answer",
      "skipped Mbpp/916: EvalPlus checks only that check_str returns something other than "
      "None; its canonical solution returns a re.Match, which cannot cross the isolation "
      "boundary"]),
])
def test_each_format_writes_its_cases_and_names_what_it_skipped(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str, source: str,
        written: list[str], skipped: list[str]) -> None:
    out = tmp_path / "cases"
    code, lines = run_import(capsys, fmt, FIXTURES / source, "--out", out)
    assert code == 0
    assert sorted(p.name for p in out.iterdir()) == written
    n = len(written)
    assert lines == [*skipped, f"{n} case{'s' * (n != 1)} in {out} ({n} written, 0 unchanged); "
                                f"{len(skipped)} skipped"]
    for name in written:  # every case loads, as the plugin reads it
        case = (load_case(out / name / "case.yaml") if (out / name).is_dir()
                else load_one_file_case(out / name))
        assert case.weights == {"code_quality": 0.0, "documentation": 0.0}
        assert case.exports and all(e in case.prompt for e in case.exports)


def test_importing_again_changes_nothing(tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "cases"
    run_import(capsys, "humaneval", FIXTURES / "humaneval_go.jsonl", "--out", out)
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in out.rglob("*") if p.is_file()}
    code, lines = run_import(capsys, "humaneval", FIXTURES / "humaneval_go.jsonl", "--out", out)
    assert code == 0
    assert lines == [f"3 cases in {out} (0 written, 3 unchanged); 0 skipped"]
    assert {p: (p.read_bytes(), p.stat().st_mtime_ns)
            for p in out.rglob("*") if p.is_file()} == before


def test_a_changed_task_is_written_again(tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    out, source = tmp_path / "cases", tmp_path / "he.jsonl"
    task = record("HumanEval.jsonl", "HumanEval/902")
    source.write_text(json.dumps(task) + "\n")
    run_import(capsys, "humaneval", source, "--out", out)
    task["test"] = str(task["test"]) + "    assert candidate([0]) == (0, 0)\n"
    source.write_text(json.dumps(task) + "\n")
    assert run_import(capsys, "humaneval", source, "--out", out)[1][-1].endswith(
        "(1 written, 0 unchanged); 0 skipped")
    assert "assert candidate([0]) == (0, 0)" in (out / "test_humaneval_902.py").read_text()


def test_humaneval_helpers_are_in_the_hidden_test_and_the_stub_is_not(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "cases"
    run_import(capsys, "humaneval", FIXTURES / "HumanEval.jsonl", "--out", out)
    task = record("HumanEval.jsonl", "HumanEval/901")
    path = out / "test_humaneval_901.py"
    case = load_one_file_case(path)
    tree = ast.parse(path.read_text())
    functions = [n.name for n in tree.body if isinstance(n, ast.FunctionDef)]
    # the helper runs on the trusted side; the entry point is the answer's
    assert functions == ["shift_letters", "check", "test_check"]
    assert "from solution import unshift_letters" in path.read_text()
    assert str(task["test"]).strip() in path.read_text()
    # the prompt: the dataset's prompt, verbatim, with what the reply must hold
    assert str(task["prompt"]).strip("\n") in case.prompt
    assert case.prompt.startswith("Complete the Python function `unshift_letters` below.")
    assert "```python" in case.prompt and "def check" not in case.prompt
    assert case.reference.code == str(task["prompt"]).lstrip("\n") + str(
        task["canonical_solution"])
    assert case.tags == ("humaneval", "HumanEval/901")
    assert case.exports == ("unshift_letters",)
    assert case.timeout_s == 30


def test_humaneval_x_python_calls_check_in_the_hidden_test_not_at_import(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "cases"
    run_import(capsys, "humaneval", FIXTURES / "humaneval_python.jsonl", "--out", out)
    tree = ast.parse((out / "test_humanevalx_python_901.py").read_text())
    calls = [n for n in tree.body if isinstance(n, ast.Expr)]
    assert calls == [] or all(isinstance(c.value, ast.Constant) for c in calls)
    test = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "test_check")
    assert ast.unparse(test.body[0]) == "check(count_vowels)"


def test_mbpp_prompt_shows_the_first_test_only_and_the_tests_keep_the_datasets_asserts(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "cases"
    run_import(capsys, "mbpp", FIXTURES / "mbpp.jsonl", "--out", out)
    task = record("mbpp.jsonl", "901")
    case = load_one_file_case(out / "test_mbpp_901.py")
    tests: list[str] = task["test_list"]  # type: ignore[assignment]
    first, *others = tests
    assert first in case.prompt and not any(t in case.prompt for t in others)
    text = (out / "test_mbpp_901.py").read_text()
    assert all(f"\n    {t}\n" in text for t in tests)
    assert "challenge" not in text and "\r" not in text
    assert [n.name for n in ast.parse(text).body if isinstance(n, ast.FunctionDef)] == [
        "test_1", "test_2", "test_3"]
    # the code's `import math` is in the asserts' namespace in MBPP's own check
    assert "\nimport math\n" in (out / "test_mbpp_903.py").read_text()
    # and a constant of the code the asserts read
    assert "\nLIMIT = 100\n" in (out / "test_mbpp_905.py").read_text()
    # setup code, as MBPP runs it before the asserts
    assert 'SAMPLE = ["apple", "avocado", "banana"]' in (out / "test_mbpp_902.py").read_text()


def test_mbpp_flags_show_no_test_and_add_the_challenge_tests(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "cases"
    run_import(capsys, "mbpp", FIXTURES / "mbpp.jsonl", "--out", out, "--mbpp-no-example",
               "--mbpp-challenge-tests", "--with-quality", "--timeout", "12")
    case = load_one_file_case(out / "test_mbpp_901.py")
    assert "assert" not in case.prompt
    assert "as `max_adjacent_pair(items)`" in case.prompt
    assert case.weights == {} and case.timeout_s == 12
    text = (out / "test_mbpp_901.py").read_text()
    assert "def test_challenge_1():\n    assert max_adjacent_pair([0, 10**20, 10**20])" in text


def test_evalplus_inputs_have_the_shapes_of_evalplus_loader(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "cases"
    run_import(capsys, "evalplus", FIXTURES / "MbppPlus.jsonl", "--out", out)
    run_import(capsys, "evalplus", FIXTURES / "HumanEvalPlus.jsonl", "--out", out)
    base = decode_plain(str(assigned(out / "test_mbppplus_2.py", "BASE_INPUTS")))
    assert base == [[(3, 4, 5, 6), (5, 7, 4, 10)], [(1, 2, 3, 4), (5, 4, 3, 7)]]
    assert all(type(a) is tuple for inp in base for a in inp)
    plus = decode_plain(str(assigned(out / "test_humanevalplus_933.py", "PLUS_INPUTS")))
    assert plus[1] == [[1.0, math.inf]] and plus[2] == [[-math.inf, -1.0]]
    assert assigned(out / "test_mbppplus_917.py", "ATOL") == 0.0001
    # EvalPlus's own oracles: find_zero accepts any zero, similar_elements compares sets
    assert "_poly(*args, out)" in (out / "test_humanevalplus_932.py").read_text()
    assert "set(out) == set(expected)" in (out / "test_mbppplus_2.py").read_text()
    assert "_poly" not in (out / "test_humanevalplus_933.py").read_text()
    case = load_one_file_case(out / "test_mbppplus_2.py")
    assert case.tags == ("mbpp+", "Mbpp/2") and case.timeout_s == 120
    assert case.reference.code == (str(record("MbppPlus.jsonl", "Mbpp/2")["prompt"])
                                   + str(record("MbppPlus.jsonl", "Mbpp/2")[
                                       "canonical_solution"]))


def test_javascript_case_binds_the_answer_and_keeps_the_helpers(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "cases"
    run_import(capsys, "humaneval", FIXTURES / "humaneval_js.jsonl", "--out", out)
    case = load_case(out / "humanevalx_javascript_901" / "case.yaml")
    test = (case.folder / "tests" / "humaneval.test.js").read_text()
    assert "const rotateRight = llmcodeSolution('rotateRight');" in test
    assert "const rotateLeft = (s, k) => {" in test  # the prompt's helper, trusted side
    assert "const rotateRight = (s, k) =>" not in test  # the stub is not
    assert case.reference.code.endswith("module.exports = { rotateRight };\n")
    assert case.language == "javascript" and case.exports == ("rotateRight",)


def test_go_case_renames_helpers_replaces_testify_and_prunes_imports(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "cases"
    run_import(capsys, "humaneval", FIXTURES / "humaneval_go.jsonl", "--out", out)
    case = load_case(out / "humanevalx_go_901" / "case.yaml")
    test = (case.folder / "tests" / "solution_test.go").read_text()
    assert "func llmtShiftLetters(" in test and "func ShiftLetters(" not in test
    assert "UnshiftLetters(llmtShiftLetters(s, k), k)" in test
    assert "assert := llmtNewAssert(t)" in test and "stretchr" not in test
    assert '"time"' in test and '"math/rand"' in test
    # the prompt imports "time", which only the dataset's test uses: Go would reject it
    assert '"time"' not in case.reference.code and '"strings"' in case.reference.code
    assert case.reference.code.startswith("package solution\n")


def test_a_case_that_would_not_read_back_is_skipped_with_the_reason() -> None:
    text = '"""Write f."""\nimport pytest\n\npytestmark = pytest.mark.llmcode()\n\n' \
           'from solution import f\n\n\ndef test_f():\n    assert f() == 1\n\n\n' \
           'REFERENCE = "def f():\\n    return 1\\n"\n'
    assert loads_back(CaseFiles("t", {"test_f.py": text}, "Write f.", "def f():\n    return 1\n",
                                ("f",))) is None
    assert loads_back(CaseFiles("t", {"test_f.py": text}, "Write g.", "def f():\n    return 1\n",
                                ("f",))) == "the case's prompt would not read back as written"
    broken = text.replace("pytestmark = pytest.mark.llmcode()", "pytestmark = pytest.mark.llmcode(x=1)")
    reason = loads_back(CaseFiles("t", {"test_f.py": broken}, "Write f.", "", ("f",)))
    assert reason is not None and reason.startswith("the written case does not load:")


def test_multipl_e_and_foreign_languages_are_skipped_with_the_reason(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "mixed.jsonl"
    source.write_text("\n".join(json.dumps(r) for r in [
        {"name": "HumanEval_0_has_close_elements", "language": "ts", "prompt": "function f",
         "doctests": "transform", "original": "x", "prompt_terminology": "reworded",
         "tests": "test();", "stop_tokens": ["\nfunction "]},
        {"task_id": "C++/0", "prompt": "#include", "canonical_solution": "}", "test": ""},
    ]) + "\n")
    code, lines = run_import(capsys, "humaneval", source, "--out", tmp_path / "out")
    assert code == 1
    assert lines == [
        "skipped HumanEval_0_has_close_elements: typescript is not graded here (HumanEval-X "
        "ships Python, JavaScript and Go references that are)",
        "skipped C++/0: c++ is not graded here (HumanEval-X ships Python, JavaScript and Go "
        "references that are)",
        f"0 cases in {tmp_path / 'out'} (0 written, 0 unchanged); 2 skipped"]
    source.write_text(json.dumps({"name": "HumanEval_1_x", "language": "js", "prompt": "f",
                                  "tests": "", "stop_tokens": []}) + "\n")
    assert run_import(capsys, "humaneval", source, "--out", tmp_path / "out")[1][0] == (
        "skipped HumanEval_1_x: a MultiPL-E record: MultiPL-E publishes no canonical solution, "
        "and a case needs one as its reference")


def test_records_are_read_from_gzip_json_lines_and_json_arrays(tmp_path: Path) -> None:
    rows = [{"task_id": "a"}, {"task_id": "b"}]
    (tmp_path / "x.jsonl.gz").write_bytes(gzip.compress(
        "\n".join(json.dumps(r) for r in rows).encode()))
    (tmp_path / "x.json").write_text(json.dumps(rows, indent=2))
    assert read_records(tmp_path / "x.jsonl.gz") == rows
    assert read_records(tmp_path / "x.json") == rows
    (tmp_path / "bad.jsonl").write_text('{"task_id": "a"}\n{"task_id": \n')
    with pytest.raises(SourceError, match=r"bad.jsonl:2: not a JSON record"):
        read_records(tmp_path / "bad.jsonl")


def test_a_missing_or_unreadable_file_is_a_clean_error(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert llmcode_main(["import", "mbpp", str(tmp_path / "none.jsonl"), "--out",
                         str(tmp_path)]) == 2
    assert "none.jsonl: cannot read it" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_info:
        llmcode_main(["import", "squad", "x", "--out", "y"])
    assert exit_info.value.code == 2
    assert "invalid choice: 'squad'" in capsys.readouterr().err


def test_the_command_is_listed() -> None:
    done = subprocess.run([sys.executable, "-m", "pytest_llmcode", "--help"], cwd=ROOT,
                          capture_output=True, text=True, check=False)
    assert "import   write eval cases from a HumanEval, MBPP or EvalPlus file" in done.stderr


PLAIN = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text()
    | st.binary(),
    lambda inner: (st.lists(inner) | st.lists(inner).map(tuple)
                   | st.dictionaries(st.text() | st.integers() | st.tuples(st.integers()), inner)
                   | st.sets(st.integers() | st.text()) | st.frozensets(st.integers())),
    max_leaves=20,
)


def same_types(a: Any, b: Any) -> bool:
    """The same types all the way down (a tuple stays a tuple, an int key an int)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, (list, tuple)):
        return all(same_types(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return all(any(same_types(k, j) and same_types(v, b[j]) for j in b if j == k)
                   for k, v in a.items())
    if isinstance(a, (set, frozenset)):
        return all(any(same_types(x, y) for y in b if y == x) for x in a)
    return True


@given(PLAIN)
def test_plain_values_survive_the_json_of_generated_files(value: object) -> None:
    namespace: dict[str, object] = {"json": json}
    exec(DECODER_SOURCE, namespace)
    text = encode_plain(value)
    for decoded in (decode_plain(text), namespace["_decode"](text)):  # type: ignore[operator]
        assert decoded == value and same_types(decoded, value)


def test_non_finite_floats_survive() -> None:
    decoded = decode_plain(encode_plain([math.inf, -math.inf, math.nan]))
    assert decoded[:2] == [math.inf, -math.inf] and math.isnan(decoded[2])


@given(st.text())
def test_any_text_is_written_as_a_literal_that_reads_back(text: str) -> None:
    assert ast.literal_eval(py_string(text)) == text
