"""A Python task as a one-file eval case: the prompt as the module docstring, the marker,
the hidden tests (dataset code that runs on the trusted side, in the tester), and the
canonical solution as REFERENCE."""

from __future__ import annotations

import ast
import inspect
import re
import textwrap
from dataclasses import dataclass

from .literals import py_string
from .records import Unrepresentable
from .writer import CaseFiles

# Names the generated file itself defines at module level; dataset code that defines them
# would change the case.
RESERVED = frozenset({"pytest", "pytestmark", "REFERENCE", "WRONG"})
# pytest collects these as tests; dataset code must not add hidden tests of its own.
COLLECTED = re.compile(r"^(test|Test)")
PYTHON = "Python 3.11"


@dataclass(frozen=True)
class Options:
    """What the import command's flags decide for every case."""

    timeout_s: float | None = None  # None: the format's own default
    quality: bool = False  # keep the code-quality and documentation measures in the score
    challenge_tests: bool = False  # MBPP: its challenge_test_list as well
    show_example: bool = True  # MBPP: the first test shown in the prompt, as the datasets do


def case_stem(*parts: str) -> str:
    """A file-system and test-id safe name: `HumanEval/12` -> `humaneval_12`."""
    return "_".join(re.sub(r"[^a-z0-9]+", "_", p.lower()).strip("_") for p in parts if p)


def one_file_case(task: str, stem: str, prompt: str, tags: list[str], exports: list[str],
                  body: str, reference: str, timeout_s: float, options: Options) -> CaseFiles:
    """The case file `test_<stem>.py`. `body` is the hidden tests' code, `reference` the
    code a correct answer could be."""
    prompt = inspect.cleandoc(prompt)  # what the loader reads from the docstring
    reference = reference_code(reference)
    fields = [f"tags={tags!r}", f"exports={exports!r}", f"timeout_s={timeout_s:g}"]
    if not options.quality:
        fields.append('weights={"code_quality": 0, "documentation": 0}')
    future, rest = _split_future(body)
    text = "\n".join([
        py_string(prompt),
        "",
        *future,
        "import pytest",
        "",
        "pytestmark = pytest.mark.llmcode(",
        *(f"    {f}," for f in fields),
        ")",
        "",
        rest.strip("\n"),
        "",
        "",
        f"REFERENCE = {py_string(reference)}",
        "",
    ])
    return CaseFiles(task, {f"test_{stem}.py": text}, prompt, reference, tuple(exports))


def reference_code(code: str) -> str:
    """The code as a one-file case's REFERENCE reads back (dedented, one final newline),
    when that changes nothing it means. Dedenting empties whitespace-only lines, which in
    a docstring (or any string that is a statement of its own) changes no behaviour, and
    anywhere else could. HumanEval's prompts have such lines in their docstrings."""
    code = code.replace("\r\n", "\n")
    try:
        before = _meaning(ast.parse(code))
    except SyntaxError as exc:
        raise Unrepresentable(f"its canonical solution is not valid {PYTHON} "
                              f"(line {exc.lineno}: {exc.msg})") from None
    tidy = textwrap.dedent(code).strip("\n") + "\n"
    if _meaning(ast.parse(tidy)) != before:
        raise Unrepresentable("its canonical solution changes meaning when written as a "
                              "REFERENCE string (whitespace-only lines inside a string)")
    return tidy


def _meaning(tree: ast.Module) -> str:
    """The tree's dump, whitespace-only lines emptied in strings that are statements."""
    for node in ast.walk(tree):
        if (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
                and isinstance(node.value.value, str)):
            node.value.value = "\n".join(line if line.strip() else ""
                                          for line in node.value.value.split("\n"))
    return ast.dump(tree)


def check_module_names(code: str) -> None:
    """Dataset code placed at the test module's top level must not redefine the case's own
    names or add tests pytest would collect."""
    tree = ast.parse(code)
    for node in tree.body:
        if isinstance(node, ast.Import) and [(a.name, a.asname) for a in node.names] == [
                ("pytest", None)]:
            continue  # the same module the case file imports
        names = _defined(node)
        taken = sorted(names & RESERVED)
        if taken:
            raise Unrepresentable(f"its test code defines {', '.join(taken)}, a name the "
                                  "case file needs")
        collected = sorted(n for n in names if COLLECTED.match(n)
                           and isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef,
                                                 ast.ClassDef)))
        if collected:
            raise Unrepresentable(f"its test code defines {', '.join(collected)}, which "
                                  "pytest would collect as extra hidden tests")


def _defined(node: ast.stmt) -> set[str]:
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return {node.name}
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return {(a.asname or a.name).split(".")[0] for a in node.names}
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)
            and isinstance(n.ctx, ast.Store)}


def _split_future(code: str) -> tuple[list[str], str]:
    """`from __future__` imports must open the module: they move above the marker."""
    lines = code.split("\n")
    tree = ast.parse(code)
    future = [n for n in tree.body if isinstance(n, ast.ImportFrom) and n.module == "__future__"]
    moved: list[str] = []
    for node in reversed(future):
        end = node.end_lineno or node.lineno
        moved[:0] = lines[node.lineno - 1:end]
        del lines[node.lineno - 1:end]
    return moved, "\n".join(lines)


def fenced(language: str, code: str) -> str:
    fence = "```"
    while fence in code:
        fence += "`"
    return f"{fence}{language}\n{code.strip(chr(10))}\n{fence}"


def complete_function_prompt(entry: str, code_prompt: str) -> str:
    """The dataset's code prompt, with what the reply must hold (as EvalPlus asks chat
    models: a self-contained script in a code block)."""
    return (f"Complete the Python function `{entry}` below. Reply with a self-contained "
            f"{PYTHON} module that defines `{entry}`, with the imports and helper functions "
            "it uses, in one fenced code block (```python).\n\n"
            + fenced("python", code_prompt))
