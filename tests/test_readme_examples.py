"""The README's examples work as written: its one-file case passes the check, and its hook
examples, used as a conftest, change what is sent, what is graded and what is recorded."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from support.chat_server import ChatServer, Reply
from support.llm_runs import run
from support.one_file_case import write_case

README = Path(__file__).resolve().parents[1] / "README.md"


def python_blocks(heading: str) -> list[str]:
    """The ```python blocks of a README section, up to the next heading of its level."""
    text = README.read_text()
    level = heading.split(" ")[0]
    start = text.index(heading + "\n")
    end = text.find(f"\n{level} ", start + len(heading))
    section = text[start:end if end > 0 else None]
    return re.findall(r"^```python\n(.*?)^```$", section, re.MULTILINE | re.DOTALL)


def test_the_one_file_example_passes_the_check(
    pytester: pytest.Pytester, sandbox_image: str
) -> None:
    [case] = python_blocks("### A Python case in one file")
    write_case(pytester.path / "eval_cases", case, "test_slugify.py")
    result = pytester.runpytest("eval_cases", "--llm-check-cases", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["llmcode check: 1 case: 1 sound*"])


def test_the_hook_examples_work_as_a_conftest(
    pytester: pytest.Pytester, chat_server: ChatServer, sandbox_image: str
) -> None:
    blocks = python_blocks("## Hooks")
    assert len(blocks) == 3
    pytester.makeconftest("\n\n".join(blocks))
    write_case(pytester.path / "eval_cases")
    chat_server.script("m", lambda body: Reply("<answer>def double(x):\n    return 2 * x\n</answer>"))

    result = run(pytester, chat_server, "m")

    result.assert_outcomes(passed=1)  # graded on what the extraction hook returned
    [request] = chat_server.requests
    assert request.body["messages"][0] == {
        "role": "system", "content": "You are a senior engineer. Reply with code only."}
    assert request.body["messages"][1]["content"].startswith("Write a Python function `double(x)`")
    with open(pytester.path / "outcomes.csv", newline="") as rows:
        rows_written = list(csv.reader(rows))
    # m has no price: its cost is unknown, an empty cell.
    assert rows_written == [["double", "m", "passed", ""]]
