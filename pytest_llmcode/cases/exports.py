"""Which names a solution defines and which names its hidden tests take from it, read
statically for each language (nothing is run).

None means "cannot tell" (a syntax error, a star import, a module that is one value): a
check built on these then says nothing rather than guess.
"""

from __future__ import annotations

import ast
import re

Names = frozenset[str]

IDENT = r"[A-Za-z_$][\w$]*"


def defined_names(language: str, code: str) -> Names | None:
    if language == "python":
        return _python_defined(code)
    if language == "javascript":
        return _commonjs_defined(mask_c_like(code, template=True), code)
    if language == "typescript":
        return _typescript_defined(code)
    if language == "go":
        return _go_defined(code)
    return None


def used_names(language: str, tests: list[str], defined: Names | None) -> Names | None:
    """The names the tests take from the solution module. For Go, whose tests share the
    package, that is the package-level names of the reference the tests mention."""
    if language == "python":
        return python_imports(tests)
    if language in ("javascript", "typescript"):
        return _require_uses(tests)
    if language == "go":
        if defined is None:
            return None
        mentioned: set[str] = set()
        for text in tests:
            masked = mask_c_like(text, raw_backquote=True)
            mentioned |= set(re.findall(r"(?<![\w.])([A-Za-z_]\w*)", masked))
        return frozenset(mentioned & defined)
    return None


# -- Python -------------------------------------------------------------------------------

def _python_defined(code: str) -> Names | None:
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return None
    names: set[str] = set()

    def visit(body: list[ast.stmt]) -> bool:
        for node in body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                if node.name == "__getattr__":
                    return False  # any name may exist
                names.add(node.name)
            elif isinstance(node, ast.ClassDef):
                names.add(node.name)
                # A method named in `exports` is defined too.
                names.update(n.name for n in node.body
                             if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)))
            elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    names.update(n.id for n in ast.walk(target) if isinstance(n, ast.Name))
            elif isinstance(node, ast.Import):
                names.update((a.asname or a.name).split(".")[0] for a in node.names)
            elif isinstance(node, ast.ImportFrom):
                if any(a.name == "*" for a in node.names):
                    return False
                names.update(a.asname or a.name for a in node.names)
            else:
                for inner in ("body", "orelse", "finalbody"):
                    if not visit(getattr(node, inner, [])):
                        return False
                for handler in getattr(node, "handlers", []):
                    if not visit(handler.body):
                        return False
        return True

    return frozenset(names) if visit(tree.body) else None


def python_imports(tests: list[str]) -> Names | None:
    """Names imported from `solution` (`from solution import a`) or read from it
    (`import solution as s` then `s.a`)."""
    names: set[str] = set()
    for text in tests:
        try:
            tree = ast.parse(text)
        except SyntaxError:
            return None
        aliases: set[str] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module == "solution" and not node.level:
                if any(a.name == "*" for a in node.names):
                    return None
                names.update(a.name for a in node.names)
            elif isinstance(node, ast.Import):
                aliases.update(a.asname or a.name for a in node.names if a.name == "solution")
        for node in ast.walk(tree):
            if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                    and node.value.id in aliases):
                names.add(node.attr)
    return frozenset(names)


# -- JavaScript and TypeScript ------------------------------------------------------------

def mask_c_like(text: str, template: bool = False, raw_backquote: bool = False) -> str:
    """The text with comments blanked and string contents replaced by `_`, offsets kept:
    structure can be read with regular expressions, values at the same offsets of the
    original. Backquotes delimit template literals (JS) or raw strings (Go)."""
    out = list(text)
    i, n = 0, len(text)
    quotes = "'\"" + ("`" if template or raw_backquote else "")
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            end = text.find("\n", i)
            end = n if end < 0 else end
            out[i:end] = " " * (end - i)
            i = end
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            end = n if end < 0 else end + 2
            out[i:end] = [ch if ch == "\n" else " " for ch in text[i:end]]
            i = end
        elif c in quotes:
            j = i + 1
            while j < n and text[j] != c:
                if text[j] == "\\" and not (c == "`" and raw_backquote):
                    j += 1
                elif text[j] == "\n" and c != "`":
                    break
                j += 1
            for k in range(i + 1, min(j, n)):
                if out[k] != "\n":
                    out[k] = "_"
            i = j + 1
        else:
            i += 1
    return "".join(out)


def _closing(masked: str, start: int, open_: str = "{", close: str = "}") -> int:
    """The index of the bracket closing the one at `start` (masked text), or -1."""
    depth = 0
    for i in range(start, len(masked)):
        if masked[i] == open_:
            depth += 1
        elif masked[i] == close:
            depth -= 1
            if depth == 0:
                return i
    return -1


def _split_top(masked: str, start: int, end: int) -> list[tuple[int, int]]:
    """Spans of the comma-separated entries between start and end at bracket depth 0."""
    spans, depth, begin = [], 0, start
    for i in range(start, end):
        ch = masked[i]
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif ch == "," and depth == 0:
            spans.append((begin, i))
            begin = i + 1
    spans.append((begin, end))
    return [(a, b) for a, b in spans if masked[a:b].strip()]


def _object_keys(masked: str, original: str, open_at: int) -> set[str] | None:
    close = _closing(masked, open_at)
    if close < 0:
        return None
    keys: set[str] = set()
    for a, b in _split_top(masked, open_at + 1, close):
        start = a + len(masked[a:b]) - len(masked[a:b].lstrip())
        if masked.startswith(("...", "["), start):
            return None
        prefix = re.match(r"(?:(?:async|get|set)\s+|\*\s*)*", masked[start:b])
        start += prefix.end() if prefix else 0
        quoted = re.match(r"""(['"])(.*?)\1""", original[start:b])
        key = re.match(IDENT, masked[start:b])
        if quoted:
            keys.add(quoted.group(2))
        elif key:
            keys.add(key.group(0))
        else:
            return None
    return keys


def _commonjs_defined(masked: str, original: str) -> Names | None:
    names: set[str] = set()
    whole = list(re.finditer(r"\bmodule\.exports\s*=(?!=)\s*", masked))
    if len(whole) > 1 or re.search(r"Object\.(?:assign|defineProperty)\(\s*(?:module\.)?exports",
                                   masked):
        return None
    if whole:
        at = whole[0].end()
        if masked[at:at + 1] != "{":
            return None  # the module is one value (a function, an app)
        keys = _object_keys(masked, original, at)
        if keys is None:
            return None
        names |= keys
    names.update(re.findall(rf"\b(?:module\.)?exports\.({IDENT})\s*=(?!=)", masked))
    for match in re.finditer(r"\b(?:module\.)?exports\[", masked):
        literal = re.match(r"""\[\s*(['"])(\w+)\1\s*\]""", original[match.end() - 1:])
        if literal is None:
            return None
        names.add(literal.group(2))
    return frozenset(names)


def _typescript_defined(code: str) -> Names | None:
    masked = mask_c_like(code, template=True)
    if re.search(r"\bexport\s*(?:=|\*)", masked):
        return None
    if not re.search(r"\bexport\b", masked):
        return _commonjs_defined(masked, code) if "module.exports" in masked else frozenset()
    names: set[str] = set()
    declared = (
        r"\bexport\s+(?:declare\s+)?(?:default\s+)?(?:async\s+)?(?:abstract\s+)?"
        rf"(?:function\s*\*?|class|interface|type|enum|const\s+enum|namespace)\s+({IDENT})"
    )
    names.update(re.findall(declared, masked))
    for match in re.finditer(r"\bexport\s+(?:declare\s+)?(?:const|let|var)\s+", masked):
        name = re.match(IDENT, masked[match.end():])
        if name is None:
            return None  # a destructuring export
        names.add(name.group(0))
    for match in re.finditer(r"\bexport\s+(?:type\s+)?\{", masked):
        close = _closing(masked, match.end() - 1)
        for a, b in _split_top(masked, match.end(), close):
            words = masked[a:b].split()
            if words[:1] == ["type"]:
                words = words[1:]
            if words:
                names.add(words[-1])
    if re.search(r"\bexport\s+default\b", masked):
        names.add("default")
    return frozenset(names)


SOLUTION_MODULE = r"""(['"])\./solution(?:\.js)?\1"""


def _require_uses(tests: list[str]) -> Names | None:
    """Names tests take from `require('./solution')`: destructured, or read off the module
    bound to a name."""
    names: set[str] = set()
    for text in tests:
        masked = mask_c_like(text, template=True)
        if re.search(r"\bimport\s*\(\s*" + SOLUTION_MODULE, text):
            return None
        for call in re.finditer(r"\brequire\(\s*" + SOLUTION_MODULE + r"\s*\)", text):
            if masked[call.start()] != "r":
                continue  # inside a comment or string
            before, after = masked[:call.start()], masked[call.end():]
            member = re.match(rf"\s*\.\s*({IDENT})", after)
            destructured = re.search(r"(?:const|let|var)\s*\{([^{}]*)\}\s*=\s*$", before)
            bound = re.search(rf"(?:const|let|var)\s+({IDENT})\s*=\s*$", before)
            if member:
                names.add(member.group(1))
            elif destructured:
                for entry in destructured.group(1).split(","):
                    key = re.match(rf"\s*({IDENT})", entry)
                    if entry.strip().startswith("...") or (entry.strip() and key is None):
                        return None
                    if key:
                        names.add(key.group(1))
            elif bound:
                alias = re.escape(bound.group(1))
                if re.search(rf"(?<![\w$.]){alias}\s*\[", masked):
                    return None
                names.update(re.findall(rf"(?<![\w$.]){alias}\s*\.\s*({IDENT})", masked))
            else:
                return None
    return frozenset(names)


# -- Go -------------------------------------------------------------------------------------

def _go_defined(code: str) -> Names | None:
    masked = mask_c_like(code, raw_backquote=True)
    names: set[str] = set()
    braces = parens = 0
    group = False
    for line in masked.splitlines():
        stripped = line.strip()
        if braces == 0 and parens == 0:
            func = re.match(r"func\s+(?:\([^)]*\)\s*)?([A-Za-z_]\w*)", line)
            decl = re.match(r"(?:var|const|type)\s+([A-Za-z_]\w*(?:\s*,\s*[A-Za-z_]\w*)*)", line)
            group = re.match(r"(?:var|const|type)\s*\(", line) is not None
            if func:
                names.add(func.group(1))
            elif decl:
                names.update(n.strip() for n in decl.group(1).split(","))
        elif group and braces == 0 and parens == 1 and stripped and stripped != ")":
            entry = re.match(r"([A-Za-z_]\w*(?:\s*,\s*[A-Za-z_]\w*)*)", stripped)
            if entry:
                names.update(n.strip() for n in entry.group(1).split(","))
        braces += line.count("{") - line.count("}")
        parens += line.count("(") - line.count(")")
        if braces < 0 or parens < 0:
            return None
    return frozenset(names)
