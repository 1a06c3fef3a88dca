"""Static quality and documentation measures of one answer, run inside the sandbox.

Usage: quality.py LANGUAGE PATH_TO_ANSWER_FILE

Prints one JSON object: {"quality": 0..10, "documentation": 0..10, "details": {...}}.
The tester starts it with start_quality() and collects it with Measurement.finish(), in
its own container, where no answer runs; Python answers are measured in a fork of its warm
process.

The answer is never executed: only parsers, linters, type checkers and compilers look at
it. Quality is 10 minus one point per finding of the language's own tools (floored at 0);
documentation is 10 times the share of public definitions that carry a doc comment (with
no public definition, the module's own doc comment decides).

  python      pyflakes and mypy --strict; docstrings read with ast
  javascript  TypeScript's checker on the JS (unused names, unreachable code, missing
              returns, fallthrough) and a few lint rules; JSDoc on the exported functions
  typescript  tsc --strict plus noUnused*/noImplicitReturns/noFallthrough, explicit `any`
              and ts-ignore comments; JSDoc on the exported functions, classes, methods
  go          gofmt -l and go vet; Go doc comments on exported functions, methods, types

Directives an answer could write to switch a check off have no effect: Python's comments
(`# type: ignore`, `# mypy: ignore-errors`, `# noqa`) and `@no_type_check` are removed from
the copy pyflakes and mypy read; TypeScript's comments (`@ts-nocheck`, `@ts-ignore`,
`@ts-expect-error`) from what the checker reads (ts_comments.js); a Go file is vetted by
name, so a build constraint does not hide it. Nothing honours `//nolint` or
`eslint-disable` here in the first place.
"""

from __future__ import annotations

import ast
import io
import json
import os
import re
import select
import shutil
import sys
import time
import tokenize
import traceback
from typing import Any, NamedTuple

from jobs import kill_group, run

HERE = os.path.dirname(os.path.abspath(__file__))
MYPY_CACHE = "/opt/mypy-cache"
TOOL_LIMIT_S = 25.0
QUALITY_LIMIT_S = 30.0
MAX_LISTED = 20
OUTPUT_LIMIT = 1 << 20


class Measurement:
    """A measure running in a child process of its own session, its JSON on a pipe."""

    def __init__(self, pid: int, stdout: int) -> None:
        self.pid = pid
        self.stdout = stdout

    def finish(self, deadline: float) -> object:
        """The measure's JSON, or {"error": ...}. It may use what is left of the grading
        time limit (`deadline`, monotonic) plus the few seconds before the container's own
        timeout stops everything, at most QUALITY_LIMIT_S."""
        until = min(time.monotonic() + QUALITY_LIMIT_S, deadline + 4)
        out = b""
        timed_out = False
        with os.fdopen(self.stdout, "rb", buffering=0) as stream:
            while len(out) <= OUTPUT_LIMIT:
                if not select.select([stream], [], [], max(until - time.monotonic(), 0))[0]:
                    timed_out = True
                    break
                chunk = stream.read(1 << 16)
                if not chunk:
                    break
                out += chunk
        kill_group(self.pid)
        _, status = os.waitpid(self.pid, 0)
        if timed_out:
            return {"error": "the quality measure ran out of time"}
        text = out.decode("utf-8", "replace")
        try:
            return json.loads(text.strip().splitlines()[-1])
        except (ValueError, IndexError):
            code = os.waitstatus_to_exitcode(status)
            return {"error": f"the quality measure failed (exit {code}): {text[-500:]}"}


def start_quality(language: str, path: str, mypy: WarmMypy | None = None) -> Measurement:
    """Start measuring in the background; Measurement.finish collects the result. With a
    warm mypy (tester.py), a Python answer is measured in a fork of this process;
    otherwise the measure runs in a fresh interpreter."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.setsid()
            os.close(read)
            os.dup2(write, 1)
            os.dup2(write, 2)
            os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
            if language == "python" and mypy is not None:
                print(json.dumps(measure(language, path, mypy)), flush=True)
            else:
                here = os.path.abspath(__file__)
                os.execv(sys.executable, [sys.executable, here, language, path])
        except BaseException:  # noqa: BLE001 - whatever it was, the parent reads it
            traceback.print_exc()
        finally:
            os._exit(0)
    os.close(write)
    return Measurement(pid, read)


class Measured(NamedTuple):
    findings: list[str]
    public: list[str]  # public definitions, by name
    documented: list[str]  # those of them with a doc comment
    module_doc: bool
    tools: list[str]
    unparsable: bool = False  # the file does not even parse: nothing else counts


def main() -> None:
    language, path = sys.argv[1:3]
    print(json.dumps(measure(language, path)))


def measure(language: str, path: str, mypy: WarmMypy | None = None) -> dict[str, Any]:
    """Measure a copy of the answer in a scratch directory of this process's own."""
    scratch = f"/tmp/quality-{os.getpid()}"
    os.makedirs(scratch)
    os.chdir(scratch)
    try:
        copy = os.path.join(scratch, os.path.basename(path))
        shutil.copyfile(path, copy)
        if language == "python":
            return result(measure_python(copy, mypy))
        return result(MEASURES[language](copy))
    finally:
        os.chdir("/tmp")
        shutil.rmtree(scratch, ignore_errors=True)


def result(m: Measured) -> dict[str, Any]:
    quality = 0.0 if m.unparsable else max(0.0, 10.0 - len(m.findings))
    if m.public:
        documentation = 10.0 * len(m.documented) / len(m.public)
    else:
        documentation = 10.0 if m.module_doc else 0.0
    undocumented = [name for name in m.public if name not in m.documented]
    return {
        "quality": round(quality, 4),
        "documentation": round(documentation, 4),
        "details": {
            "tools": m.tools,
            "finding_count": len(m.findings),
            "findings": [f[:300] for f in m.findings[:MAX_LISTED]],
            "public": len(m.public),
            "documented": len(m.documented),
            "undocumented": undocumented[:MAX_LISTED],
            "module_doc": m.module_doc,
        },
    }


def tool(cmd: list[str]) -> tuple[int | None, str]:
    """Run a tool in the scratch directory (the current one), in its own process group;
    None as the code means it ran out of time."""
    return run(cmd, time.monotonic() + TOOL_LIMIT_S, limit=None)


# -- python ------------------------------------------------------------------------------


MYPY_FLAGS = ["--strict", "--no-error-summary", "--hide-error-context", "--no-color-output",
              "--show-error-codes", "--config-file="]


class WarmMypy:
    """mypy's daemon with the standard library's stubs loaded once, so that a check takes
    milliseconds. Check only in a forked child: each check then starts from the
    same state, and nothing of one answer reaches the next."""

    WARM_UP = "_llmcode_mypy_warm_up"

    def __init__(self) -> None:
        from mypy.dmypy_server import Server
        from mypy.main import process_options

        cache = "/tmp/mypy-cache"
        shutil.copytree(MYPY_CACHE, cache)
        here = os.getcwd()
        os.makedirs("/tmp/mypy-warm-up")
        os.chdir("/tmp/mypy-warm-up")
        try:
            with open(self.WARM_UP + ".py", "w", encoding="utf-8") as fh:
                fh.write('"""Loads the standard library\'s stubs."""\n')
            warm_up = self.WARM_UP + ".py"
            _, options = process_options([*MYPY_FLAGS, f"--cache-dir={cache}", warm_up])
            self.server = Server(options, "/tmp/mypy-warm-up/status.json")
            self.check(self.WARM_UP + ".py")
        finally:
            os.chdir(here)

    def check(self, name: str) -> str:
        """mypy's output on a module in the current directory."""
        from mypy.modulefinder import BuildSource

        done = self.server.check([BuildSource(name, name[: -len(".py")])], export_types=False,
                                 is_tty=False, terminal_width=80)
        return str(done.get("out", "")) + str(done.get("err", ""))


def measure_python(path: str, mypy: WarmMypy | None = None) -> Measured:
    from pyflakes.api import check as pyflakes_check  # type: ignore[import-untyped]
    from pyflakes.reporter import Reporter  # type: ignore[import-untyped]

    source = open(path, encoding="utf-8", errors="replace").read()
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        return Measured([f"syntax error: {exc.msg} (line {exc.lineno})"], [], [], False, ["ast"],
                        unparsable=True)
    name = os.path.basename(path)
    try:
        checked = without_directives(source, tree)
    except (tokenize.TokenError, SyntaxError) as exc:
        return Measured([f"tokenize: {exc}"], [], [], False, ["tokenize"], unparsable=True)
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(checked)
    findings: list[str] = []
    flakes = io.StringIO()
    pyflakes_check(checked, name, Reporter(flakes, flakes))
    findings += [f"pyflakes: {line}" for line in flakes.getvalue().splitlines()
                 if line.startswith(name)]
    if mypy is not None:
        out = mypy.check(name)
    else:
        # The image holds mypy's cache of the standard library's stubs: a copy of it spares
        # this check a cold start.
        shutil.copytree(MYPY_CACHE, "mypy-cache")
        _, out = tool([sys.executable, "-m", "mypy", *MYPY_FLAGS, "--cache-dir=mypy-cache", name])
    findings += [f"mypy: {line}" for line in out.splitlines() if ": error:" in line]
    public, documented = python_public(tree)
    module_doc = bool(ast.get_docstring(tree))
    return Measured(findings, public, documented, module_doc, ["pyflakes", "mypy --strict"])


NO_TYPE_CHECK = frozenset({"no_type_check", "no_type_check_decorator"})


def without_directives(source: str, tree: ast.Module) -> str:
    """The answer as pyflakes and mypy see it: every comment blanked (comments are where
    mypy takes `# type: ignore` and `# mypy: ignore-errors`, and other tools their
    `# noqa`) and every `@no_type_check` decorator removed, so that nothing the answer
    writes switches a check off. Blanked with spaces: findings keep their positions."""
    lines = source.splitlines(keepends=True)
    spans: list[tuple[int, int, int, int]] = []  # (first row, column, last row, column)
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.COMMENT:
            spans.append((*token.start, *token.end))
    aliases = set(NO_TYPE_CHECK)
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module in ("typing", "typing_extensions"):
            aliases |= {a.asname for a in node.names if a.name in NO_TYPE_CHECK and a.asname}
    for node in ast.walk(tree):
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        for decorator in node.decorator_list:
            named = (decorator.id if isinstance(decorator, ast.Name)
                     else decorator.attr if isinstance(decorator, ast.Attribute) else None)
            if named in aliases and decorator.end_lineno is not None:
                opening, closing = lines[decorator.lineno - 1], lines[decorator.end_lineno - 1]
                at = opening.rindex("@", 0, _column(opening, decorator.col_offset) + 1)
                spans.append((decorator.lineno, at, decorator.end_lineno,
                              _column(closing, decorator.end_col_offset or 0)))
    for first, start, last, end in spans:
        for row in range(first, last + 1):
            line = lines[row - 1]
            body = line.rstrip("\r\n")
            left = start if row == first else 0
            right = end if row == last else len(body)
            lines[row - 1] = body[:left] + " " * (right - left) + body[right:] + line[len(body):]
    return "".join(lines)


def _column(line: str, utf8_offset: int) -> int:
    """ast's columns count UTF-8 bytes, tokenize's and str's characters."""
    return len(line.encode("utf-8")[:utf8_offset].decode("utf-8", "ignore"))


def python_public(tree: ast.Module) -> tuple[list[str], list[str]]:
    exported = _dunder_all(tree)
    public: list[str] = []
    documented: list[str] = []

    def visit(node: ast.AST, qualname: str) -> None:
        public.append(qualname)
        if ast.get_docstring(node):  # type: ignore[arg-type]
            documented.append(qualname)

    definitions = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
    for node in tree.body:
        if not isinstance(node, definitions):
            continue
        if (node.name not in exported) if exported is not None else node.name.startswith("_"):
            continue
        visit(node, node.name)
        if isinstance(node, ast.ClassDef):
            for member in node.body:
                if isinstance(member, (ast.FunctionDef, ast.AsyncFunctionDef)) and (
                    not member.name.startswith("_")
                ):
                    visit(member, f"{node.name}.{member.name}")
    return public, documented


def _dunder_all(tree: ast.Module) -> set[str] | None:
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets
        ) and isinstance(node.value, (ast.List, ast.Tuple)):
            return {e.value for e in node.value.elts if isinstance(e, ast.Constant)
                    and isinstance(e.value, str)}
    return None


# -- javascript and typescript -----------------------------------------------------------


def measure_node(path: str) -> Measured:
    language = "typescript" if path.endswith(".ts") else "javascript"
    code, out = tool(["node", os.path.join(HERE, "quality_node.js"), language, path])
    try:
        data = json.loads(out.strip().splitlines()[-1])
    except (ValueError, IndexError):
        raise SystemExit(f"the TypeScript checker failed (exit {code}): {out[-500:]}") from None
    return Measured(
        [str(f) for f in data["findings"]],
        [str(n) for n in data["public"]],
        [str(n) for n in data["documented"]],
        bool(data["module_doc"]),
        [str(t) for t in data["tools"]],
        bool(data["unparsable"]),
    )


# -- go ----------------------------------------------------------------------------------

GO_FUNC = re.compile(r"^func\s+(?:\(\s*(?:\w+\s+)?\*?\s*(\w+)(?:\[[^\]]*\])?\s*\)\s*)?(\w+)")
GO_TYPE = re.compile(r"^type\s+(\w+)")
GO_GROUPED_TYPE = re.compile(r"^\s+(\w+)\s+\S")


def measure_go(path: str) -> Measured:
    with open("go.mod", "w", encoding="utf-8") as fh:
        fh.write("module solution\n\ngo 1.19\n")
    name = os.path.basename(path)
    findings: list[str] = []
    code, out = tool(["gofmt", "-l", name])
    unparsable = code != 0  # gofmt fails only when the file does not parse
    if unparsable:
        findings += [f"gofmt: {line}" for line in out.splitlines() if line.strip()]
    elif out.strip():
        findings.append(f"gofmt: {name} is not gofmt-formatted")
    # The file named, not the package: a named file is vetted whatever build constraint
    # (`//go:build ignore`) it carries, so no comment of the answer's takes it out of sight.
    code, out = tool(["go", "vet", name])
    if code is None:
        findings.append("go vet: ran out of time")
    elif code != 0:
        findings += [f"go vet: {line.strip()}" for line in out.splitlines()
                     if line.strip() and not line.startswith("#")]
    source = open(path, encoding="utf-8", errors="replace").read()
    public, documented, module_doc = go_public(source)
    return Measured(findings, public, documented, module_doc, ["gofmt -l", "go vet"],
                    unparsable=unparsable)


def go_public(source: str) -> tuple[list[str], list[str], bool]:
    """Exported functions, methods of exported types and exported types, with whether the
    line right above each is a comment (Go's doc-comment rule)."""
    lines = source.splitlines()
    public: list[str] = []
    documented: list[str] = []
    in_type_group = False
    module_doc = False
    for number, line in enumerate(lines):
        if line.startswith("package "):
            module_doc = _go_comment_above(lines, number)
        if in_type_group:
            if line.startswith(")"):
                in_type_group = False
                continue
            match = GO_GROUPED_TYPE.match(line)
            name = match.group(1) if match and line.startswith(("\t", "    ")) else None
            if name and name[0].isupper() and line.count("\t") <= 1:
                public.append(name)
                if _go_comment_above(lines, number):
                    documented.append(name)
            continue
        if re.match(r"^type\s*\(", line):
            in_type_group = True
            continue
        func = GO_FUNC.match(line)
        if func:
            receiver, name = func.group(1), func.group(2)
            if not name[0].isupper() or (receiver and not receiver[0].isupper()):
                continue
            qualname = f"{receiver}.{name}" if receiver else name
        else:
            match = GO_TYPE.match(line)
            if not match or not match.group(1)[0].isupper():
                continue
            qualname = match.group(1)
        public.append(qualname)
        if _go_comment_above(lines, number):
            documented.append(qualname)
    return public, documented, module_doc


def _go_comment_above(lines: list[str], number: int) -> bool:
    if number == 0:
        return False
    above = lines[number - 1].strip()
    return above.startswith("//") or above.endswith("*/")


MEASURES = {
    "python": measure_python,
    "javascript": measure_node,
    "typescript": measure_node,
    "go": measure_go,
}

if __name__ == "__main__":
    main()
