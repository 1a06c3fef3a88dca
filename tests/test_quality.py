"""The sandbox's static quality measure (runners/quality.py), through the real grader: the
language's own tools find what they should, doc comments are counted, nothing is run."""

from __future__ import annotations

import pytest
from support.chat_server import bundled_cases

from pytest_llmcode.cases import EvalCase
from pytest_llmcode.grading.grader import Grader
from pytest_llmcode.grading.quality_report import Quality

CASES = {c.name: c for c in bundled_cases()}


def measure(grader: Grader, case: EvalCase, code: str) -> Quality:
    quality = grader.grade(case, code, None).quality
    assert quality is not None and quality.measured, quality
    return quality


SLOPPY = {
    "flatten": (
        "import os\n\ndef flatten(items):\n    out = []\n    for x in items:\n"
        "        if isinstance(x, list):\n            out.extend(flatten(x))\n"
        "        else:\n            out.append(x)\n    return out\n"
    ),
    "race_fix": (
        "function loadData(url, unused) {\n  var res = fetch(url);\n"
        "  if (url == '') { return null; }\n  return res.then((r) => r.json());\n}\n"
        "module.exports = { loadData };\n"
    ),
    "dijkstra": "// @ts-nocheck\n" + CASES["dijkstra"].reference_file.read_text()
    .replace("/**", "/*").replace("priority: number;", "priority: any;"),
    "go_review": CASES["go_review"].reference_file.read_text()
    .replace("// NewStore wraps an open database handle and configures its connection pool.\n", "")
    .replace("\tdb.SetMaxOpenConns", "  db.SetMaxOpenConns")
    .replace('return nil, fmt.Errorf("find users by name: %w", err)',
             'return nil, fmt.Errorf("find users by name: %d", "x")', 1),
}


@pytest.mark.parametrize("name", sorted(SLOPPY))
def test_references_measure_clean_and_sloppy_answers_lower(grader: Grader, name: str) -> None:
    case = CASES[name]
    clean = measure(grader, case, case.reference_file.read_text())
    assert clean.quality == 10.0, clean.findings
    assert clean.documentation == 10.0
    sloppy = measure(grader, case, SLOPPY[name])
    assert sloppy.quality is not None and sloppy.quality < 10.0
    assert sloppy.finding_count == len(sloppy.findings) >= 1
    assert sloppy.documentation is not None and sloppy.documentation < 10.0, sloppy


def test_python_findings_name_the_tools(grader: Grader) -> None:
    quality = measure(grader, CASES["flatten"], SLOPPY["flatten"])
    text = "\n".join(quality.findings)
    assert "pyflakes" in text and "'os' imported but unused" in text
    assert "mypy" in text and "no-untyped-def" in text
    assert quality.public == 1 and quality.documented == 0 and quality.documentation == 0.0


def test_partial_documentation_is_a_share(grader: Grader) -> None:
    code = (
        '"""Module."""\n\n\ndef documented(x: int) -> int:\n    """Twice x."""\n'
        "    return 2 * x\n\n\ndef bare(x: int) -> int:\n    return x\n\n\n"
        "def _private(x: int) -> int:\n    return x\n\n\nclass Box:\n"
        '    """A box."""\n\n    def open(self) -> None:\n        pass\n'
    )
    quality = measure(grader, CASES["flatten"], code)
    # documented, Box documented; bare, Box.open not; _private is not public.
    assert (quality.public, quality.documented) == (4, 2)
    assert quality.documentation == 5.0


def test_a_syntax_error_measures_zero(grader: Grader) -> None:
    quality = measure(grader, CASES["flatten"], "def flatten(items:\n    return items\n")
    assert quality.quality == 0.0


def test_the_answer_is_never_executed(grader: Grader) -> None:
    # Importing this answer would crash the test run at collection; the quality measure
    # must still read it (and find it clean), proving it only parses.
    code = ('"""Module."""\n\nraise SystemExit("executed")\n\n\n'
            'def flatten(items: list[int]) -> list[int]:\n    """Same."""\n    return items\n')
    quality = measure(grader, CASES["flatten"], code)
    assert quality.documentation == 10.0
