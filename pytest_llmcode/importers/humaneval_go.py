"""HumanEval-X Go (`Go/N`: prompt, import, docstring, declaration, canonical_solution,
test, test_setup, example_test) as case folders.

The dataset's check compiles `test_setup + prompt + completion + test` as one `main_test.go`
and runs `go test`; its tests use testify's `assert.New(t)` and `assert.Equal`. Here the
answer is `solution.go` (`package solution`, graded in its own container behind the
generated bridge, as every Go case) and the hidden test `solution_test.go` holds: the
prompt's helper functions, renamed `llmt<Name>` (the answer may define its own copies),
the dataset's test with `assert.New(t)` bound to a local equivalent of testify's `Equal`
(same equality: ObjectsAreEqual, i.e. bytes.Equal for []byte, reflect.DeepEqual
otherwise), and only the imports the test file uses (Go rejects unused ones)."""

from __future__ import annotations

import re

from ..cases.exports import defined_names
from ..cases.exports import mask_c_like as masked_code
from .folder import folder_case
from .pycase import Options, case_stem
from .records import Unrepresentable, required
from .writer import Converted

TIMEOUT_S = 60.0
TESTIFY = "github.com/stretchr/testify/assert"
PREFIX = "llmt"  # what the sandbox's static scan expects of test-only names
IMPORT_BLOCK = re.compile(r"^import\s*(\((?:[^()]*)\)|[A-Za-z_.]*\s*\"[^\"\n]*\")[ \t]*\n?",
                          re.MULTILINE)
IMPORT_SPEC = re.compile(r"(?:([A-Za-z_.]\w*)\s+)?\"([^\"\n]+)\"")
FUNC = re.compile(r"^func\s+([A-Za-z_]\w*)\s*[\[(]", re.MULTILINE)

ASSERTIONS = """\
// testify's assert.Equal, which the dataset's test uses: ObjectsAreEqual decides, a
// failure is reported with t.Errorf and the test goes on.
type llmtAssertions struct{ t *testing.T }

func llmtNewAssert(t *testing.T) *llmtAssertions { return &llmtAssertions{t} }

func (a *llmtAssertions) Equal(expected, actual interface{}, msgAndArgs ...interface{}) bool {
	a.t.Helper()
	if llmtIsFunction(expected) || llmtIsFunction(actual) {
		a.t.Errorf("Invalid operation: %#v == %#v (cannot take func type as argument)%s",
			expected, actual, llmtMessages(msgAndArgs))
		return false
	}
	if !llmtObjectsAreEqual(expected, actual) {
		a.t.Errorf("Not equal: \\nexpected: %#v\\nactual  : %#v%s", expected, actual,
			llmtMessages(msgAndArgs))
		return false
	}
	return true
}

func llmtMessages(msgAndArgs []interface{}) string {
	if len(msgAndArgs) == 0 {
		return ""
	}
	return "\\nMessages: " + fmt.Sprint(msgAndArgs...)
}

func llmtIsFunction(value interface{}) bool {
	return value != nil && reflect.TypeOf(value).Kind() == reflect.Func
}

func llmtObjectsAreEqual(expected, actual interface{}) bool {
	if expected == nil || actual == nil {
		return expected == actual
	}
	exp, ok := expected.([]byte)
	if !ok {
		return reflect.DeepEqual(expected, actual)
	}
	act, ok := actual.([]byte)
	if !ok {
		return false
	}
	if exp == nil || act == nil {
		return exp == nil && act == nil
	}
	return bytes.Equal(exp, act)
}
"""


def convert(task: str, record: dict[str, object], options: Options) -> Converted:
    prompt = required(record, "prompt")
    canonical = required(record, "canonical_solution")
    test = required(record, "test")
    setup = record.get("test_setup")
    setup = setup if isinstance(setup, str) else ""
    imports, code_start = _imports(prompt)
    funcs = list(FUNC.finditer(masked_code(prompt, raw_backquote=True)))
    if not funcs or funcs[-1].start() < code_start:
        raise Unrepresentable("its prompt declares no top-level function")
    stub = funcs[-1]
    entry = stub.group(1)
    if re.search(rf"\b{PREFIX}", prompt + test):
        raise Unrepresentable(f"its code uses the prefix `{PREFIX}` the case's test reserves")
    helpers = prompt[code_start:stub.start()]
    declared = defined_names("go", helpers)
    if declared is None:
        raise Unrepresentable("its prompt's helper declarations cannot be read")
    helpers, test = _renamed(helpers, declared), _renamed(test, declared)
    test = _replaced(test, r"(?<![\w.])assert\s*\.\s*New\s*\(", "llmtNewAssert(")
    body = "\n".join([
        "// The dataset's prompt without the stub of " + entry + ": its helpers, renamed.",
        helpers.strip("\n"),
        "",
        "// The dataset's test; assert.New(t) is llmtNewAssert(t) below.",
        test.strip("\n"),
        "",
        ASSERTIONS,
    ])
    candidates = {**imports, **_imports(setup)[0], "testing": "testing", "reflect": "reflect",
                  "bytes": "bytes", "fmt": "fmt"}
    candidates.pop(TESTIFY, None)
    tests = "\n".join([f"// The hidden test of {task} (HumanEval-X).",
                       "package solution", "", _import_block(candidates, body), body])
    code = prompt[code_start:] + canonical
    reference = "\n".join(["package solution", "", _import_block(imports, code), code.lstrip()])
    prompt_text = (
        f"Complete the Go function `{entry}` below. Reply with the whole file, solution.go "
        "(`package solution`, Go 1.19, standard library only), with only the imports it uses "
        f"(Go rejects unused imports) and the helper functions it calls, in one fenced code "
        f"block (```go).\n\n```go\n{prompt.strip(chr(10))}\n```\n")
    fields = {"language": "go", "solution_file": "solution.go", "exports": [entry],
              "timeout_s": options.timeout_s or TIMEOUT_S, "tags": ["humaneval-x", task],
              "prompt": prompt_text}
    return folder_case(task, case_stem("humanevalx", task), fields,
                       {"solution_test.go": tests}, reference, options)


def _imports(code: str) -> tuple[dict[str, str], int]:
    """The import paths of the code's import declarations (path -> the name the code uses
    it by) and where the code after them starts."""
    masked = masked_code(code, raw_backquote=True)
    found: dict[str, str] = {}
    end = 0
    for block in IMPORT_BLOCK.finditer(masked):
        for spec in IMPORT_SPEC.finditer(code[block.start(1):block.end(1)]):
            path = spec.group(2)
            found[path] = spec.group(1) or path.rsplit("/", 1)[-1]
        end = block.end()
    return found, end


def _import_block(imports: dict[str, str], code: str) -> str:
    """An import declaration of the packages `code` uses."""
    masked = masked_code(code, raw_backquote=True)
    used = sorted(path for path, name in imports.items()
                  if name in ("_", ".") or re.search(rf"(?<![\w.]){re.escape(name)}\s*\.", masked))
    if not used:
        return ""
    lines = [f'\t{imports[p]} "{p}"' if imports[p] != p.rsplit("/", 1)[-1] else f'\t"{p}"'
             for p in used]
    return "import (\n" + "\n".join(lines) + "\n)\n"


def _renamed(code: str, names: frozenset[str]) -> str:
    for name in sorted(names):
        code = _replaced(code, rf"(?<![\w.]){re.escape(name)}\b", PREFIX + name)
    return code


def _replaced(code: str, pattern: str, replacement: str) -> str:
    """`pattern` replaced where it matches code (outside comments and strings)."""
    masked = masked_code(code, raw_backquote=True)
    spans = [m.span() for m in re.finditer(pattern, masked)]
    for start, end in reversed(spans):
        code = code[:start] + replacement + code[end:]
    return code
