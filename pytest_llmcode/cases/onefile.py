"""One-file Python eval cases: a test file that holds the whole case.

- the module docstring is the prompt, and all the model sees;
- `pytestmark = pytest.mark.llmcode(...)` declares the file a case; its keyword arguments
  are case.yaml's other fields (`exports` defaults to the names the tests import from
  `solution`);
- the test functions are the hidden tests; they import from `solution`;
- `REFERENCE = '''...'''` holds a solution that passes them;
- `WRONG = {"name": '''...'''}` holds plausible answers that must fail at least one.

The file is read, never imported, on the host. The hidden tests the sandbox runs are the
file itself, in the trusted tester where no answer runs.
"""

from __future__ import annotations

import ast
import json
import re
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import CaseError, EvalCase, KnownAnswer, check_fields, shown
from .exports import python_imports

MARKER = "llmcode"
REFERENCE = "REFERENCE"
WRONG = "WRONG"
SPELLED = "pytest.mark.llmcode({}=...)"


@dataclass(frozen=True, kw_only=True)
class OneFileCase(EvalCase):
    reference_code: str
    reference_line: int
    wrong: tuple[tuple[str, str], ...] = ()

    def test_files(self) -> list[Path]:
        return [self.source]

    @property
    def reference(self) -> KnownAnswer:
        where = f"{shown(self.source)}:{self.reference_line} ({REFERENCE})"
        return KnownAnswer("reference", self.reference_code, where)

    def known_wrong(self) -> list[KnownAnswer]:
        return [KnownAnswer(label, code, f"{shown(self.source)} ({WRONG}[{label!r}])")
                for label, code in self.wrong]

    @property
    def cassette_dir(self) -> Path:
        return self.source.parent / ".cassettes" / self.name


def case_name(path: Path) -> str:
    """`test_slugify.py` and `slugify_test.py` are the case `slugify`."""
    stem = path.stem
    return stem.removeprefix("test_") if stem.startswith("test_") else stem.removesuffix("_test")


def load_one_file_case(path: Path) -> OneFileCase:
    text = path.read_text(encoding="utf-8")
    try:
        tree = ast.parse(text, filename=str(path))
    except SyntaxError as exc:
        raise CaseError(f"{path}:{exc.lineno}: not valid Python: {exc.msg}") from None
    fields: dict[str, Any] | None = None
    reference: tuple[str, int] | None = None
    wrong: dict[str, str] = {}
    for node in tree.body:
        target = _assigned_name(node)
        if target == "pytestmark":
            fields = _marker_fields(node, path)
        elif target == REFERENCE:
            reference = (_code(node, path, REFERENCE), node.lineno)
        elif target == WRONG:
            wrong = _wrong_answers(node, path)
    if fields is None:
        raise CaseError(f"{path}: not a one-file eval case: declare one at module level with "
                        "`pytestmark = pytest.mark.llmcode()`")
    prompt = ast.get_docstring(tree, clean=True)
    if not prompt:
        raise CaseError(f"{path}: the prompt is missing: start the file with a docstring that "
                        "tells the model what to write (it is all the model sees)")
    if reference is None:
        raise CaseError(f"{path}: the reference answer is missing: add {REFERENCE} = '''...''' "
                        "holding a solution.py that passes every test of the file")
    for implied, why in (("language", "one-file cases are Python; other languages use a "
                                      "case folder"),
                         ("prompt", "the prompt is the module docstring"),
                         ("solution_file", "the answer is always solution.py")):
        if implied in fields:
            raise CaseError(f"{path}: {SPELLED.format(implied)}: {why}")
    data = {"name": case_name(path), "language": "python", "solution_file": "solution.py",
            "prompt": prompt, **fields}
    if "exports" not in fields:
        imported = python_imports([text])
        data["exports"] = sorted(imported) if imported else []
    check_fields(data, str(path), SPELLED)
    return OneFileCase(
        name=data["name"],
        source=path,
        language="python",
        prompt=prompt,
        solution_file="solution.py",
        interface=data.get("interface", "functions"),
        exports=tuple(data["exports"]),
        timeout_s=float(data.get("timeout_s", 30.0)),
        tags=tuple(data.get("tags", ())),
        weights={k: float(v) for k, v in data.get("weights", {}).items()},
        reference_code=reference[0],
        reference_line=reference[1],
        wrong=tuple(wrong.items()),
    )


def _assigned_name(node: ast.stmt) -> str | None:
    if isinstance(node, ast.Assign) and len(node.targets) == 1:
        target = node.targets[0]
    elif isinstance(node, ast.AnnAssign) and node.value is not None:
        target = node.target
    else:
        return None
    return target.id if isinstance(target, ast.Name) else None


def _value(node: ast.stmt) -> ast.expr:
    value = node.value if isinstance(node, (ast.Assign, ast.AnnAssign)) else None
    assert value is not None
    return value


def _marker_fields(node: ast.stmt, path: Path) -> dict[str, Any] | None:
    """The keyword arguments of `pytestmark = pytest.mark.llmcode(...)`, as literals; None
    when pytestmark is some other mark."""
    value = _value(node)
    call = value if isinstance(value, ast.Call) else None
    mark = call.func if call is not None else value
    if not (isinstance(mark, ast.Attribute) and mark.attr == MARKER):
        return None
    fields: dict[str, Any] = {}
    if call is None:
        return fields
    if call.args:
        raise CaseError(f"{path}:{node.lineno}: pytest.mark.llmcode takes keyword arguments "
                        "only, the fields of case.yaml: pytest.mark.llmcode(tags=[...])")
    for keyword in call.keywords:
        if keyword.arg is None:
            raise CaseError(f"{path}:{node.lineno}: pytest.mark.llmcode(**...): write each "
                            "field out as a keyword argument")
        try:
            literal = ast.literal_eval(keyword.value)
        except ValueError:
            raise CaseError(
                f"{path}:{keyword.value.lineno}: {SPELLED.format(keyword.arg)} must be a "
                "literal (a string, number, list or dict), not an expression"
            ) from None
        # Tuples read as the lists the schema expects.
        fields[keyword.arg] = json.loads(json.dumps(literal))
    return fields


def _code(node: ast.stmt, path: Path, name: str) -> str:
    try:
        code = ast.literal_eval(_value(node))
    except ValueError:
        code = None
    if not isinstance(code, str):
        raise CaseError(f"{path}:{node.lineno}: {name} must be a string literal holding the "
                        f"code, e.g. {name} = '''def f(): ...'''")
    return _tidy(code)


def _wrong_answers(node: ast.stmt, path: Path) -> dict[str, str]:
    try:
        answers = ast.literal_eval(_value(node))
    except ValueError:
        answers = None
    if not (isinstance(answers, dict)
            and all(isinstance(k, str) and isinstance(v, str) for k, v in answers.items())):
        raise CaseError(f"{path}:{node.lineno}: {WRONG} must be a dict literal of name -> code, "
                        f"e.g. {WRONG} = {{'off_by_one': '''def f(): ...'''}}")
    for label in answers:
        if not re.fullmatch(r"[A-Za-z0-9_.-]+", label):
            raise CaseError(f"{path}:{node.lineno}: {WRONG}[{label!r}]: name wrong answers "
                            "with letters, digits, '_', '.' or '-'")
    return {label: _tidy(code) for label, code in answers.items()}


def _tidy(code: str) -> str:
    """Code written inside a string literal, as the module it stands for."""
    return textwrap.dedent(code).strip("\n") + "\n"
