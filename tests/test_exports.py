"""The static reading of a solution's names and its tests' use of them, per language, and
the problems the case check reports from it (no Docker)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from support.chat_server import EVAL_CASES, bundled_cases

from pytest_llmcode.cases import load_case
from pytest_llmcode.cases.exports import defined_names, used_names
from pytest_llmcode.cases.static_check import static_problems
from pytest_llmcode.verdicts.runner_frames import without_runner_frames


@pytest.mark.parametrize("language, code, names", [
    ("python", "import re\nfrom x import y as z\nA, B = 1, 2\nclass K:\n    def m(self): ...\n"
               "if True:\n    def f(): ...\n", {"re", "z", "A", "B", "K", "m", "f"}),
    ("python", "from os import *\n", None),
    ("python", "def __getattr__(name): ...\n", None),
    ("python", "def broken(:\n", None),
    ("javascript", "// module.exports = { fake };\nconst s = 'module.exports = {x}';\n"
                   "async function a() {}\nmodule.exports = { a, b: 1, 'c': 2, d() {}, async e() {} };\n",
     {"a", "b", "c", "d", "e"}),
    ("javascript", "exports.one = 1;\nmodule.exports.two = 2;\nexports['three'] = 3;\n",
     {"one", "two", "three"}),
    ("javascript", "module.exports = app;\n", None),
    ("javascript", "module.exports = { ...helpers };\n", None),
    ("typescript", "export function a(): void {}\nexport async function b() {}\nexport const c = 1;\n"
                   "export class D {}\nexport interface E {}\nexport type F = number;\n"
                   "const g = 1;\nexport { g as h };\n", {"a", "b", "c", "D", "E", "F", "h"}),
    ("typescript", "export * from './x';\n", None),
    ("go", "package solution\n\nimport \"fmt\"\n\nconst (\n\tmaxOpen = 10\n\tmaxIdle, spare = 5, 1\n)\n\n"
           "type Store struct {\n\tdb int\n}\n\nfunc New() *Store { return &Store{} }\n\n"
           "func (s *Store) Find(name string) error {\n\tfmt.Println(`func Fake()`)\n\treturn nil\n}\n\n"
           "var Default = map[string]int{\n\t\"a\": 1,\n}\n",
     {"maxOpen", "maxIdle", "spare", "Store", "New", "Find", "Default"}),
])
def test_defined_names(language: str, code: str, names: set[str] | None) -> None:
    found = defined_names(language, code)
    assert (None if found is None else set(found)) == names


@pytest.mark.parametrize("language, tests, names", [
    ("python", ["from solution import a, b as c\nimport solution as s\ns.d()\n"], {"a", "b", "d"}),
    ("python", ["from solution import *\n"], None),
    ("javascript", ["const { a, b: x } = require('./solution');\n"], {"a", "b"}),
    ("javascript", ["const sol = require(\"./solution.js\");\nsol.a(); sol . b();\n"], {"a", "b"}),
    ("javascript", ["const sol = require('./solution');\nsol[name]();\n"], None),
    ("javascript", ["const x = require('./solution').only;\n"], {"only"}),
    ("javascript", ["// const { a } = require('./solution');\n"], set()),
    ("typescript", ["const { median } = require('./solution');\n"], {"median"}),
])
def test_used_names(language: str, tests: list[str], names: set[str] | None) -> None:
    found = used_names(language, tests, None)
    assert (None if found is None else set(found)) == names


def test_go_tests_use_the_package_names_they_mention() -> None:
    tests = ["package solution\n\nfunc TestX(t *testing.T) {\n\ts := New()\n\t_ = s.Find(\"x\")\n"
             "\t// Default in a comment\n}\n"]
    assert used_names("go", tests, frozenset({"New", "Find", "Default", "Store"})) == {"New"}


def test_the_bundled_cases_have_no_static_problem() -> None:
    for case in bundled_cases():
        assert static_problems(case) == [], case.name


def _copy(tmp_path: Path, name: str) -> Path:
    target = tmp_path / name
    shutil.copytree(EVAL_CASES / name, target, ignore=shutil.ignore_patterns(".*"))
    return target


def test_exports_that_the_reference_lacks_and_the_tests_do_not_import(tmp_path: Path) -> None:
    # The example: `exports: [to_rom]` while the tests import `to_roman`.
    folder = _copy(tmp_path, "flatten")
    manifest = folder / "case.yaml"
    manifest.write_text(manifest.read_text().replace("exports: [flatten]", "exports: [flaten]"))
    problems = static_problems(load_case(manifest))
    assert problems[0].startswith("exports lists `flaten`, but the reference (")
    assert problems[0].endswith("does not define it (did you mean `flatten`?)")
    assert problems[1] == ("the hidden tests use `flatten` from the solution, but exports does "
                           "not list it: add it to exports (is `flaten` a typo of it?)")
    assert "the prompt never names `flaten`" in problems[2]


def test_tests_that_use_a_name_the_reference_lacks(tmp_path: Path) -> None:
    folder = _copy(tmp_path, "race_fix")
    test_file = folder / "tests" / "race_fix.test.js"
    test_file.write_text(test_file.read_text().replace("const { loadData }", "const { loadData, retry }"))
    assert static_problems(load_case(folder / "case.yaml")) == [
        "the hidden tests use `retry` from the solution, but exports does not list it: add it "
        "to exports"
    ]


def test_runner_frames_are_trimmed_from_a_pytest_trace() -> None:
    trace = (
        "def test_flat():\n>       assert flatten([1]) == [1]\n\ntest_flatten.py:21: \n"
        "_ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _\n\nname = 'flatten'\n\n    def call(name):\n"
        ">               raise exception\nE               AttributeError: no flatten\n\n"
        "/opt/llmcode/remote_python.py:51: AttributeError\n"
    )
    assert without_runner_frames(trace) == (
        "def test_flat():\n>       assert flatten([1]) == [1]\n\ntest_flatten.py:21: \n"
        "E   AttributeError: no flatten"
    )


def test_runner_and_machinery_frames_are_trimmed_from_python_and_node_traces() -> None:
    python = (
        'Traceback (most recent call last):\n  File "/opt/llmcode/shim_python.py", line 60, in serve\n'
        '    state["module"] = importlib.import_module(module)\n                      ^^^^^\n'
        '  File "/usr/lib/python3.11/importlib/__init__.py", line 126, in import_module\n'
        '    return _bootstrap._gcd_import(name[level:], package, level)\n'
        '  File "<frozen importlib._bootstrap>", line 1206, in _gcd_import\n'
        '  File "/tmp/work/solution.py", line 1\n    def flatten(items)\n                      ^\n'
        "SyntaxError: expected ':'"
    )
    assert without_runner_frames(python) == (
        'Traceback (most recent call last):\n  File "/tmp/work/solution.py", line 1\n'
        "    def flatten(items)\n                      ^\nSyntaxError: expected ':'"
    )
    node = ("TypeError: the answer exports no function loadData\n"
            "    at Socket.<anonymous> (/opt/llmcode/remote_node.js:32:38)\n"
            "    at Socket.emit (node:events:517:28)\n"
            "    at load (/tmp/work/solution.js:3:9)\n")
    assert without_runner_frames(node) == (
        "TypeError: the answer exports no function loadData\n    at load (/tmp/work/solution.js:3:9)"
    )
