"""The sandbox's static quality measure (runners/quality.py), through the real grader: the
language's own tools find what they should, doc comments are counted, nothing is run."""

from __future__ import annotations

import re
from collections import Counter

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


# Each language's sloppy answer, and the same answer carrying every directive its tools
# know for switching a check off. The directives must not raise the quality score.
GO_SLOPPY = SLOPPY["go_review"]
TS_SLOPPY = SLOPPY["dijkstra"].replace("// @ts-nocheck\n", "").replace(
    "  const path: string[] = [];", "  const unusedCounter = 0;\n  const path: string[] = [];")
SUPPRESSED = {
    "flatten": (
        SLOPPY["flatten"],
        "# mypy: ignore-errors\n# pyright: basic\n"
        + SLOPPY["flatten"].replace("import os\n", "import os  # noqa: F401\n")
        .replace("def flatten(items):\n", "def flatten(items):  # type: ignore\n"),
    ),
    "flatten-no-type-check": (
        SLOPPY["flatten"],
        "from typing import no_type_check as unchecked\n"
        + SLOPPY["flatten"].replace("def flatten(items):\n", "@unchecked\ndef flatten(items):\n"),
    ),
    "race_fix": (
        SLOPPY["race_fix"],
        "// @ts-nocheck\n/* eslint-disable */\n"
        + SLOPPY["race_fix"].replace("  var res", "  // eslint-disable-next-line no-var\n  var res"),
    ),
    "dijkstra": (
        TS_SLOPPY,
        "// @ts-nocheck\n/// <reference no-default-lib=\"true\"/>\n"
        + TS_SLOPPY.replace("  const unusedCounter", "  // @ts-ignore\n  const unusedCounter"),
    ),
    "go_review": (
        GO_SLOPPY,
        "//go:build ignore\n\n" + GO_SLOPPY.replace("\treturn &Store{db: db}", "\treturn &Store{db: db} //nolint"),
    ),
}


@pytest.mark.parametrize("name", sorted(SUPPRESSED))
def test_suppression_directives_do_not_raise_the_quality_score(grader: Grader, name: str) -> None:
    case = CASES[name.split("-")[0]]
    plain_code, suppressed_code = SUPPRESSED[name]
    assert plain_code != suppressed_code
    plain = measure(grader, case, plain_code)
    suppressed = measure(grader, case, suppressed_code)
    assert plain.quality is not None and plain.quality < 10.0, plain.findings
    assert suppressed.quality is not None and suppressed.quality <= plain.quality, (
        plain.findings, suppressed.findings)
    # Every finding of the plain answer is still found (the directives add lines: compare
    # findings without their positions).
    missing = Counter(map(_unplaced, plain.findings)) - Counter(map(_unplaced, suppressed.findings))
    assert not missing, (plain.findings, suppressed.findings)


def _unplaced(finding: str) -> str:
    return re.sub(r"[\w./-]+\.(py|js|ts|go)(:\d+)*:?", "FILE", finding)


def test_the_type_checks_findings_survive_type_ignore_comments(grader: Grader) -> None:
    quality = measure(grader, CASES["flatten"], SUPPRESSED["flatten"][1])
    text = "\n".join(quality.findings)
    assert "no-untyped-def" in text and "'os' imported but unused" in text, text
