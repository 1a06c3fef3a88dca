"""HumanEval (`task_id, prompt, canonical_solution, test, entry_point`) and HumanEval-X
(the same with `JavaScript/N`, `Go/N`, `Python/N` task ids and no entry_point).

The dataset's own check runs `prompt + completion + test + check(entry_point)` in one
namespace: the test sees the prompt's imports and helper functions (encode_cyclic beside
decode_cyclic, poly beside find_zero) and the answer's entry point. A Python case keeps
exactly that: its hidden test file holds the prompt's code without the entry point's
stub, then the answer's entry point (`from solution import ...`), then the dataset's test
unchanged, and one hidden test, `test_check`, calling `check(entry_point)`."""

from __future__ import annotations

import ast
from typing import Iterable, Iterator

from . import humaneval_go, humaneval_js
from .pycase import (
    Options,
    case_stem,
    check_module_names,
    complete_function_prompt,
    one_file_case,
)
from .records import Record, Unrepresentable, required, task_label, text_field
from .writer import Converted, Skipped

TIMEOUT_S = 30.0
# HumanEval-X's task ids name the language.
FOREIGN = {"cpp", "c++", "java", "rust", "rs", "cs", "php", "rb", "lua", "swift", "scala",
           "kotlin", "julia", "r", "d", "sh", "pl", "racket"}


def convert(records: Iterable[Record], options: Options) -> Iterator[Converted]:
    for index, record in enumerate(records):
        task = task_label(record, index)
        language = _language(record)
        try:
            if language == "javascript":
                yield humaneval_js.convert(task, record, options)
            elif language == "go":
                yield humaneval_go.convert(task, record, options)
            elif language in FOREIGN or language == "typescript":
                yield Skipped(task, f"{language} is not graded here (HumanEval-X ships "
                                    "Python, JavaScript and Go references that are)")
            else:
                yield python_case(task, record, options)
        except Unrepresentable as exc:
            yield Skipped(task, str(exc))


def _language(record: Record) -> str:
    named = record.get("language")
    prefix = str(record.get("task_id", "")).split("/")[0].lower()
    value = str(named).lower() if isinstance(named, str) else prefix
    return {"js": "javascript", "ts": "typescript", "golang": "go",
            "py": "python"}.get(value, value)


def python_case(task: str, record: Record, options: Options) -> Converted:
    prompt = required(record, "prompt")
    canonical = required(record, "canonical_solution")
    test = required(record, "test")
    test, called = _without_check_calls(test)
    entry = text_field(record, "entry_point") or called
    if not entry:
        raise Unrepresentable("it names no entry_point, and its test calls no check(...)")
    helpers = prompt_helpers(prompt, canonical, entry)
    if not _defines(test, "check"):
        raise Unrepresentable("its test defines no check(candidate) function")
    check_module_names(helpers + "\n" + test)
    body = "\n".join([
        "# The dataset's prompt without its stub of `" + entry + "`: in the dataset's own",
        "# check the test sees the prompt's imports and helpers, so they run here, on the",
        "# trusted side.",
        helpers.rstrip("\n"),
        "",
        f"from solution import {entry}  # noqa: E402  (the answer, in its own container)",
        "",
        "# The dataset's test, unchanged.",
        test.strip("\n"),
        "",
        "",
        "def test_check():",
        f"    check({entry})",
    ])
    x = str(record.get("task_id", "")).split("/")[0] in ("Python",)
    stem = case_stem("humanevalx" if x else "", task)
    return one_file_case(task, stem, complete_function_prompt(entry, prompt),
                         ["humaneval-x" if x else "humaneval", task], [entry], body,
                         prompt + canonical, options.timeout_s or TIMEOUT_S, options)


def prompt_helpers(prompt: str, canonical: str, entry: str) -> str:
    """The prompt's code before the entry point's stub: its imports, helper functions and
    comments, verbatim."""
    program = prompt + canonical
    try:
        tree = ast.parse(program)
    except SyntaxError as exc:
        raise Unrepresentable(f"its prompt and canonical solution together are not valid "
                              f"Python (line {exc.lineno}: {exc.msg})") from None
    stubs = [n for n in tree.body
             if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.name == entry]
    if not stubs:
        raise Unrepresentable(f"its entry point `{entry}` is not a top-level function of "
                              "its prompt")
    stub = stubs[-1]
    first = min([stub.lineno, *(d.lineno for d in stub.decorator_list)])
    if first > prompt.count("\n") + 1:
        raise Unrepresentable(f"its entry point `{entry}` is defined by the canonical "
                              "solution, not the prompt")
    return "".join(line + "\n" for line in program.split("\n")[:first - 1])


def _without_check_calls(test: str) -> tuple[str, str | None]:
    """HumanEval-X's tests end with `check(name)` at module level: the case calls check
    inside its hidden test instead. Returns the test without such calls, and the name."""
    try:
        tree = ast.parse(test)
    except SyntaxError as exc:
        raise Unrepresentable(f"its test is not valid Python (line {exc.lineno}: "
                              f"{exc.msg})") from None
    lines = test.split("\n")
    called = None
    for node in reversed(tree.body):
        if (isinstance(node, ast.Expr) and isinstance(node.value, ast.Call)
                and isinstance(node.value.func, ast.Name) and node.value.func.id == "check"):
            args = node.value.args
            if len(args) == 1 and isinstance(args[0], ast.Name):
                called = called or args[0].id
            del lines[node.lineno - 1:(node.end_lineno or node.lineno)]
    return "\n".join(lines), called


def _defines(code: str, name: str) -> bool:
    return any(isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.name == name
               for n in ast.parse(code).body)

