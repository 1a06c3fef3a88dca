"""Imported cases graded in the real sandbox: every fixture task's reference passes, a
correct answer other than the reference passes, and wrong answers fail, on the hidden
tests the importer wrote (the dataset's check, on the trusted side)."""

from __future__ import annotations

import json
import textwrap
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from support.chat_server import ChatServer, Reply, fenced
from support.llm_runs import run

from pytest_llmcode.__main__ import main as llmcode_main
from pytest_llmcode.cases import EvalCase, load_case
from pytest_llmcode.cases.onefile import load_one_file_case
from pytest_llmcode.grading.grader import Grader
from pytest_llmcode.status import FAILED, PASSED

FIXTURES = Path(__file__).parent / "fixtures" / "importers"
SOURCES = [("humaneval", "HumanEval.jsonl"), ("humaneval", "humaneval_python.jsonl"),
           ("humaneval", "humaneval_js.jsonl"), ("humaneval", "humaneval_go.jsonl"),
           ("mbpp", "mbpp.jsonl"), ("mbpp", "sanitized-mbpp.json"),
           ("evalplus", "HumanEvalPlus.jsonl"), ("evalplus", "MbppPlus.jsonl")]

SHIFT = '''
def shift_letters(s, k):
    return "".join(chr((ord(c) - 97 + k) % 26 + 97) if "a" <= c <= "z" else c for c in s)
'''
ROTATE = '''
const rotateLeft = (s, k) => {
  if (s.length === 0) return s;
  const n = ((k % s.length) + s.length) % s.length;
  return s.slice(n) + s.slice(0, n);
}
'''
GO_SHIFT = '''
func ShiftLetters(s string, k int) string {
	var b strings.Builder
	for _, r := range s {
		if r >= 'a' && r <= 'z' {
			r = 'a' + ((r-'a')+rune(k%26)+26)%26
		}
		b.WriteRune(r)
	}
	return b.String()
}
'''


def py(code: str) -> str:
    return textwrap.dedent(code).strip("\n") + "\n"


# case name -> (label, the verdict it must get, the answer's code)
ANSWERS: dict[str, list[tuple[str, str, str]]] = {
    "humaneval_901": [  # a helper in the prompt, used by the test
        ("another_shift", PASSED, SHIFT + "def unshift_letters(s, k):\n"
                                          "    return shift_letters(s, 26 - k % 26)\n"),
        ("no_wrap", FAILED, SHIFT + "def unshift_letters(s, k):\n    return ''.join("
                                    "chr(ord(c) - k) if 'a' <= c <= 'z' else c for c in s)\n"),
        # the prompt's helper is the tests', never the answer's: it must bring its own
        ("helper_left_out", FAILED, "def unshift_letters(s, k):\n"
                                    "    return shift_letters(s, -k)\n"),
    ],
    "humaneval_902": [  # a tuple result
        ("sorted", PASSED, "def min_and_max(numbers):\n    s = sorted(numbers)\n"
                           "    return s[0], s[-1]\n"),
        ("a_list", FAILED, "def min_and_max(numbers):\n    return [min(numbers), max(numbers)]\n"),
    ],
    "humaneval_903": [  # a dict result; the test prints
        ("counter", PASSED, "from collections import Counter\n\ndef letter_counts(text):\n"
                            "    return dict(Counter(c for c in text.lower() if c.isalpha()))\n"),
        ("case_sensitive", FAILED, "def letter_counts(text):\n    counts = {}\n"
                                   "    for c in text:\n        if c.isalpha():\n"
                                   "            counts[c] = counts.get(c, 0) + 1\n"
                                   "    return counts\n"),
    ],
    "humaneval_904": [  # floats within a tolerance
        ("product_root", PASSED, "import math\n\ndef geometric_mean(values):\n"
                                 "    return math.prod(values) ** (1 / len(values))\n"),
        ("arithmetic", FAILED, "def geometric_mean(values):\n"
                               "    return sum(values) / len(values)\n"),
    ],
    "humanevalx_python_901": [
        ("regex", PASSED, "import re\n\ndef count_vowels(word):\n"
                          "    return len(re.findall('[aeiouAEIOU]', word))\n"),
        ("lower_only", FAILED, "def count_vowels(word):\n"
                               "    return sum(c in 'aeiou' for c in word)\n"),
    ],
    "humanevalx_javascript_901": [
        ("another_rotation", PASSED, ROTATE + "const rotateRight = (s, k) => "
         "rotateLeft(s, s.length ? s.length - (k % s.length) : 0);\n"
         "module.exports = { rotateRight };\n"),
        ("same_direction", FAILED, ROTATE + "const rotateRight = (s, k) => rotateLeft(s, k);\n"
                                            "module.exports = { rotateRight };\n"),
        ("helper_left_out", FAILED, "const rotateRight = (s, k) => rotateLeft(s, -k);\n"
                                    "module.exports = { rotateRight };\n"),
    ],
    "humanevalx_javascript_902": [  # an array result
        ("reduce", PASSED, "function runningMax(xs) {\n  const out = [];\n"
                           "  xs.forEach((x, i) => out.push(i ? Math.max(out[i - 1], x) : x));\n"
                           "  return out;\n}\nmodule.exports = { runningMax };\n"),
        ("sorted", FAILED, "const runningMax = (xs) => [...xs].sort((a, b) => a - b);\n"
                           "module.exports = { runningMax };\n"),
    ],
    "humanevalx_javascript_903": [  # floats within a tolerance
        ("loop", PASSED, "function mean(xs) {\n  let t = 0;\n  for (const x of xs) t += x;\n"
                         "  return t / xs.length;\n}\nmodule.exports = { mean };\n"),
        ("rounded", FAILED, "const mean = (xs) => Math.round(xs.reduce((a, b) => a + b, 0) / "
                            "xs.length);\nmodule.exports = { mean };\n"),
    ],
    "humanevalx_javascript_904": [  # an object result
        ("regex_split", PASSED, "const wordCounts = (s) => {\n  const c = {};\n"
                                "  for (const w of s.split(/ +/)) if (w) c[w] = (c[w] || 0) + 1;\n"
                                "  return c;\n};\nmodule.exports = { wordCounts };\n"),
        ("keeps_empty_words", FAILED, "const wordCounts = (s) => {\n  const c = {};\n"
                                      "  for (const w of s.split(' ')) c[w] = (c[w] || 0) + 1;\n"
                                      "  return c;\n};\nmodule.exports = { wordCounts };\n"),
    ],
    "humanevalx_go_901": [  # a helper in the prompt, renamed on the tests' side
        ("forward_shift", PASSED, "package solution\n\nimport \"strings\"\n" + GO_SHIFT
         + "\nfunc UnshiftLetters(s string, k int) string {\n"
           "\treturn ShiftLetters(s, 26-k%26)\n}\n"),
        ("same_direction", FAILED, "package solution\n\nimport \"strings\"\n" + GO_SHIFT
         + "\nfunc UnshiftLetters(s string, k int) string {\n\treturn ShiftLetters(s, k)\n}\n"),
    ],
    "humanevalx_go_902": [  # testify's Equal tells an empty slice from nil
        ("appends", PASSED, "package solution\n\nfunc RunningMax(numbers []int) []int {\n"
                            "\tout := []int{}\n\tfor _, n := range numbers {\n"
                            "\t\tif len(out) > 0 && out[len(out)-1] > n {\n"
                            "\t\t\tn = out[len(out)-1]\n\t\t}\n\t\tout = append(out, n)\n"
                            "\t}\n\treturn out\n}\n"),
        ("nil_when_empty", FAILED, "package solution\n\nfunc RunningMax(numbers []int) []int {\n"
                                   "\tvar out []int\n\tfor _, n := range numbers {\n"
                                   "\t\tif len(out) > 0 && out[len(out)-1] > n {\n"
                                   "\t\t\tn = out[len(out)-1]\n\t\t}\n\t\tout = append(out, n)\n"
                                   "\t}\n\treturn out\n}\n"),
    ],
    "humanevalx_go_903": [
        ("hypot", PASSED, "package solution\n\nimport \"math\"\n\n"
                          "func Hypotenuse(a, b float64) float64 { return math.Hypot(a, b) }\n"),
        ("sum_of_legs", FAILED, "package solution\n\n"
                                "func Hypotenuse(a, b float64) float64 { return a + b }\n"),
    ],
    "mbpp_901": [  # a tuple result
        ("loop", PASSED, py("""
            def max_adjacent_pair(items):
                pairs = list(zip(items, items[1:]))
                return max(pairs, key=sum)
            """)),
        ("a_list", FAILED, py("""
            def max_adjacent_pair(items):
                best = max(range(len(items) - 1), key=lambda i: items[i] + items[i + 1])
                return [items[best], items[best + 1]]
            """)),
    ],
    "mbpp_902": [  # a dict result; setup code the tests use
        ("defaultdict", PASSED, py("""
            from collections import defaultdict
            def group_by_initial(words):
                groups = defaultdict(list)
                for w in words:
                    groups[w[0]].append(w)
                return dict(groups)
            """)),
        ("last_letter", FAILED, py("""
            def group_by_initial(words):
                groups = {}
                for w in words:
                    groups.setdefault(w[-1], []).append(w)
                return groups
            """)),
    ],
    "mbpp_903": [
        ("power", PASSED, "import math\ndef circle_area(r):\n    return math.pi * r ** 2\n"),
        ("pi_is_3_14", FAILED, "def circle_area(r):\n    return 3.14 * r * r\n"),
    ],
    "mbpp_905": [  # a constant of the code the tests read
        ("own_constant", PASSED, "CAP = 100\ndef below_limit(xs):\n"
                                 "    return list(filter(lambda x: x < CAP, xs))\n"),
        ("at_or_below", FAILED, "def below_limit(xs):\n    return [x for x in xs if x <= 100]\n"),
    ],
    "mbpp_sanitized_911": [
        ("a_list", FAILED, "def two_smallest(numbers):\n    return sorted(numbers)[:2]\n"),
    ],
    "mbpp_sanitized_912": [
        ("mean_of_speeds", FAILED, "def average_speed(distances, times):\n"
                                   "    return sum(d / t for d, t in zip(distances, times)) / "
                                   "len(times)\n"),
    ],
    "mbpp_sanitized_913": [  # a dict with tuple keys
        ("string_keys", FAILED, "def pair_counts(items):\n    counts = {}\n"
                                "    for a, b in zip(items, items[1:]):\n"
                                "        counts[f'{a}{b}'] = counts.get(f'{a}{b}', 0) + 1\n"
                                "    return counts\n"),
    ],
    "humanevalplus_932": [  # EvalPlus's own oracle: any zero of the polynomial
        ("newton", PASSED, py("""
            def find_zero(xs):
                f = lambda x: sum(c * x ** i for i, c in enumerate(xs))
                df = lambda x: sum(i * c * x ** (i - 1) for i, c in enumerate(xs) if i)
                x = 0.5
                for _ in range(200):
                    slope = df(x) or 1e-9
                    x -= f(x) / slope
                return x
            """)),
        ("zero", FAILED, "def find_zero(xs):\n    return 0.0\n"),
    ],
    "humanevalplus_933": [  # no atol given: floats compared within 1e-6
        ("within_tolerance", PASSED, "def average(numbers):\n"
                                     "    return sum(numbers) / len(numbers) * (1 + 1e-12)\n"),
        ("floor_division", FAILED, "def average(numbers):\n"
                                   "    return sum(numbers) // len(numbers)\n"),
    ],
    "humanevalplus_934": [
        ("a_list", FAILED, "import math\ndef sum_and_product(numbers):\n"
                           "    return [sum(numbers), math.prod(numbers)]\n"),
    ],
    "mbppplus_2": [  # tuples in (EvalPlus's loader), sets compared
        ("checks_tuples_reversed", PASSED, py("""
            def similar_elements(a, b):
                assert type(a) is tuple and type(b) is tuple
                return tuple(sorted(set(a) & set(b), reverse=True))
            """)),
        ("union", FAILED, "def similar_elements(a, b):\n    return tuple(set(a) | set(b))\n"),
    ],
    "mbppplus_917": [  # the dataset's atol
        ("reordered", PASSED, "def circle_circumference(r):\n    return r * 3.1415 * 2\n"),
        ("other_pi", FAILED, "def circle_circumference(r):\n    return 2 * 3.14 * r\n"),
    ],
    "mbppplus_918": [  # a dict with integer keys
        ("string_keys", FAILED, "def count_lengths(words):\n    counts = {}\n"
                                "    for w in words:\n"
                                "        counts[str(len(w))] = counts.get(str(len(w)), 0) + 1\n"
                                "    return counts\n"),
    ],
}


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> dict[str, EvalCase]:
    out = tmp_path_factory.mktemp("imported")
    for fmt, source in SOURCES:
        assert llmcode_main(["import", fmt, str(FIXTURES / source), "--out", str(out)]) == 0
    cases = [load_case(p / "case.yaml") if p.is_dir() else load_one_file_case(p)
             for p in sorted(out.iterdir())]
    return {case.name: case for case in cases}


def test_every_imported_case_has_answers_here(imported: dict[str, EvalCase]) -> None:
    assert sorted(imported) == sorted(ANSWERS)


@pytest.mark.parametrize("name", sorted(ANSWERS))
def test_the_reference_passes_and_each_answer_gets_its_verdict(
        name: str, imported: dict[str, EvalCase], grader: Grader) -> None:
    case = imported[name]
    reference = grader.grade(case, case.reference.code, None)
    assert reference.verdict == PASSED, f"{reference.message}\n{reference.output[-3000:]}"
    ids = frozenset(t.id for t in reference.tests)
    kind = name.rsplit("_", 1)[0]
    expected_tests = {"humanevalplus": 2, "mbppplus": 2, "mbpp": 3, "mbpp_sanitized": 3}
    assert len(ids) == expected_tests.get(kind, 1), sorted(ids)
    with ThreadPoolExecutor(2) as pool:
        grades = list(pool.map(lambda answer: grader.grade(case, answer[2], ids), ANSWERS[name]))
    for (label, verdict, _), grade in zip(ANSWERS[name], grades):
        assert grade.verdict == verdict, (f"{label}: {grade.message}\n"
                                          f"{grade.output[-3000:]}")


def test_a_model_run_of_imported_cases_is_scored_on_correctness_alone(
        pytester: pytest.Pytester, chat_server: ChatServer, sandbox_image: str) -> None:
    """Through the plugin: the model is asked the imported prompt (never a hidden test),
    answers are graded in the sandbox, and the score of an imported case is its
    correctness. Then the free check of the same folder: every reference is sound."""
    out = pytester.path / "eval_cases"
    assert llmcode_main(["import", "evalplus", str(FIXTURES / "HumanEvalPlus.jsonl"),
                         "--out", str(out)]) == 0
    cases = {c.prompt: c for c in map(load_one_file_case, sorted(out.glob("test_*.py")))}
    answers = {name: dict((label, code) for label, _, code in ANSWERS[name])
               for name in ("humanevalplus_932", "humanevalplus_933", "humanevalplus_934")}
    chosen = {"humanevalplus_932": answers["humanevalplus_932"]["newton"],
              "humanevalplus_933": answers["humanevalplus_933"]["floor_division"],
              "humanevalplus_934": answers["humanevalplus_934"]["a_list"]}

    def respond(body: dict[str, object]) -> Reply:
        prompt = body["messages"][-1]["content"]  # type: ignore[index]
        return Reply(fenced("python", chosen[cases[prompt].name]))

    chat_server.script("m", respond)
    report = pytester.path / "report.json"
    result = run(pytester, chat_server, "m", f"--llm-report={report}")
    result.assert_outcomes(passed=1, failed=2)
    rows = {r["case"]: r for r in json.loads(report.read_text())["results"]}
    assert rows["humanevalplus_932"]["score"] == 10.0
    assert rows["humanevalplus_933"]["score"] == 0.0  # both base and plus inputs fail
    sent = " ".join(str(r.body) for r in chat_server.requests)
    assert "test_base_inputs" not in sent and "PLUS_INPUTS" not in sent
    checked = pytester.runpytest("eval_cases", "--llm-check-cases", "-p", "no:cacheprovider")
    checked.assert_outcomes(passed=3)
    checked.stdout.fnmatch_lines(["llmcode check: 3 cases: 3 sound*"])
