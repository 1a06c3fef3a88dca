"""MBPP (`task_id, text, code, test_list, test_setup_code, challenge_test_list`) and
sanitized MBPP (`task_id, prompt, code, test_imports, test_list`).

The dataset's check runs the code, then the setup code (or the test imports), then each
assert of test_list. A case's hidden test file holds the setup and imports, the answer's
functions the asserts call (`from solution import ...`), and one hidden test per assert,
each the dataset's assert unchanged. The challenge tests are not part of MBPP's standard
check; `--mbpp-challenge-tests` adds them as hidden tests `test_challenge_N`.

The prompt: MBPP's own prompts show the tests to the model (the paper's shows all three,
EvalPlus's MBPP+ and the sanitized split's evaluations show the first); a test shown is no
longer hidden. By default the prompt shows the first assert, as MBPP+ does, and says so;
`--mbpp-no-example` shows none and names the function and its parameters instead. The
shown assert stays among the hidden tests: the dataset's check includes it."""

from __future__ import annotations

import ast
import textwrap
from typing import Iterable, Iterator

from .pycase import (
    PYTHON,
    Options,
    case_stem,
    check_module_names,
    fenced,
    one_file_case,
)
from .records import Record, Unrepresentable, task_label
from .writer import Converted, Skipped

TIMEOUT_S = 30.0


def convert(records: Iterable[Record], options: Options) -> Iterator[Converted]:
    for index, record in enumerate(records):
        task = task_label(record, index)
        if task.isdigit():
            task = f"{'mbpp-sanitized' if _sanitized(record) else 'mbpp'}/{task}"
        try:
            yield case(task, record, options)
        except Unrepresentable as exc:
            yield Skipped(task, str(exc))


def _strings(record: Record, name: str) -> list[str]:
    value = record.get(name) or []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise Unrepresentable(f"its `{name}` is not a list of strings")
    return [v.replace("\r\n", "\n") for v in value]


def _sanitized(record: Record) -> bool:
    return "prompt" in record and "text" not in record


def case(task: str, record: Record, options: Options) -> Converted:
    sanitized = _sanitized(record)
    text = record.get("prompt" if sanitized else "text")
    code = record.get("code")
    if not isinstance(text, str) or not isinstance(code, str):
        raise Unrepresentable("it lacks its description (text or prompt) or its code")
    code = code.replace("\r\n", "\n")
    tests = _strings(record, "test_list")
    if not tests:
        raise Unrepresentable("its test_list is empty")
    challenge = _strings(record, "challenge_test_list") if options.challenge_tests else []
    setup = str(record.get("test_setup_code") or "").replace("\r\n", "\n")
    imports = _strings(record, "test_imports")
    try:
        solution = ast.parse(code)
    except SyntaxError as exc:
        raise Unrepresentable(f"its code is not valid {PYTHON} (line {exc.lineno}: "
                              f"{exc.msg})") from None
    exports, constants = _solution_names(solution, tests + challenge,
                                         setup + "\n" + "\n".join(imports))
    # The dataset's check runs the asserts in the code's namespace: a module the code
    # imports (math, re) and a constant it defines are there for them.
    imports += _code_imports_used(code, solution, tests + challenge)
    imports += [ast.get_source_segment(code, node) or "" for node in constants]
    check_module_names("\n".join(imports) + "\n" + setup)
    named = [(f"test_{n}", t) for n, t in enumerate(tests, 1)]
    named += [(f"test_challenge_{n}", t) for n, t in enumerate(challenge, 1)]
    body = "\n".join([
        "# The dataset's test setup and the imports its asserts use, as its own check runs",
        "# them before the asserts.",
        *imports,
        *([setup.strip("\n")] if setup.strip() else []),
        "",
        f"from solution import {', '.join(exports)}  # noqa: E402  (the answer)",
        "",
        "",
        "\n\n".join(_test_function(name, assertion) for name, assertion in named),
    ])
    number = str(record.get("task_id", task))
    dataset = "mbpp-sanitized" if sanitized else "mbpp"
    stem = case_stem(dataset, number)
    return one_file_case(task, stem, _prompt(text, tests[0], exports, solution, options),
                         [dataset, f"mbpp/{number}"], exports, body, code,
                         options.timeout_s or TIMEOUT_S, options)


def _solution_names(solution: ast.Module, tests: list[str], setup: str
                    ) -> tuple[list[str], list[ast.stmt]]:
    """The functions of the solution the asserts call, and the assignments of the
    constants (`N = 3`) they read."""
    top: dict[str, ast.stmt] = {}
    for node in solution.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            top[node.name] = node
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            for target in node.targets if isinstance(node, ast.Assign) else [node.target]:
                top.update({n.id: node for n in ast.walk(target) if isinstance(n, ast.Name)})
    try:
        setup_tree = ast.parse(setup)
    except SyntaxError as exc:
        raise Unrepresentable(f"its test setup is not valid Python ({exc.msg})") from None
    provided = {n.id for n in ast.walk(setup_tree) if isinstance(n, ast.Name)} | {
        (a.asname or a.name).split(".")[0] for n in ast.walk(setup_tree)
        if isinstance(n, (ast.Import, ast.ImportFrom)) for a in n.names}
    used: list[str] = []
    for test in tests:
        try:
            tree = ast.parse(test)
        except SyntaxError as exc:
            raise Unrepresentable(f"its test {test!r} is not valid Python ({exc.msg})") from None
        for found in ast.walk(tree):
            if (isinstance(found, ast.Name) and isinstance(found.ctx, ast.Load)
                    and found.id in top and found.id not in provided and found.id not in used):
                used.append(found.id)
    functions: list[str] = []
    constants: list[ast.stmt] = []
    for name in used:
        node = top[name]
        if isinstance(node, ast.ClassDef):
            raise Unrepresentable(f"its tests use the code's class `{name}`: its objects "
                                  "cannot cross the isolation boundary to the answer")
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            functions.append(name)
        elif _is_constant(node):
            constants += [node] if node not in constants else []
        else:
            raise Unrepresentable(f"its tests read the code's variable `{name}`, which is "
                                  "not a constant the tests could hold themselves")
    if not functions:
        raise Unrepresentable("its tests call no function its code defines (no entry point)")
    return functions, constants


def _is_constant(node: ast.stmt) -> bool:
    if not isinstance(node, (ast.Assign, ast.AnnAssign)) or node.value is None:
        return False
    try:
        ast.literal_eval(node.value)
    except ValueError:
        return False
    return True


def _code_imports_used(code: str, solution: ast.Module, tests: list[str]) -> list[str]:
    used = {n.id for t in tests for n in ast.walk(ast.parse(t)) if isinstance(n, ast.Name)}
    return [ast.get_source_segment(code, node) or "" for node in solution.body
            if isinstance(node, (ast.Import, ast.ImportFrom))
            and {(a.asname or a.name).split(".")[0] for a in node.names} & used]


def _test_function(name: str, assertion: str) -> str:
    """`def name():` around the dataset's assert, checked to mean the same indented."""
    function = f"def {name}():\n{textwrap.indent(assertion.strip(chr(10)), '    ')}\n"
    inner = ast.parse(function).body[0]
    assert isinstance(inner, ast.FunctionDef)
    if ast.dump(ast.Module(inner.body, [])) != ast.dump(ast.parse(assertion.strip("\n"))):
        raise Unrepresentable(f"its test {assertion!r} changes meaning inside a function")
    return function


def _prompt(text: str, first_test: str, exports: list[str], solution: ast.Module,
            options: Options) -> str:
    names = " and ".join(f"`{n}`" for n in exports)
    lines = [text.strip().replace("\r\n", "\n"), ""]
    if options.show_example:
        lines += ["Your code should pass this test:", "", fenced("python", first_test), "",
                  f"Write it in {PYTHON} as the function{'s' * (len(exports) > 1)} {names}."]
    else:
        signatures = [_signature(n, solution) for n in exports]
        lines.append(f"Write it in {PYTHON} as {' and '.join(signatures)}.")
    lines.append("Reply with a self-contained module in one fenced code block (```python).")
    return "\n".join(lines)


def _signature(name: str, solution: ast.Module) -> str:
    node = next(n for n in solution.body
                if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.name == name)
    params = [a.arg for a in [*node.args.posonlyargs, *node.args.args]]
    if node.args.vararg:
        params.append("*" + node.args.vararg.arg)
    return f"`{name}({', '.join(params)})`"
