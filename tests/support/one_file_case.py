"""A one-file Python case, `double`, for tests: the prompt, two hidden tests (one of them
an edge test), the reference and one known-wrong answer, in one test file."""

from __future__ import annotations

from pathlib import Path

CASE = '''\
"""Write a Python function `double(x)` that returns twice `x`.

Reply with the whole module in one fenced code block (```python)."""

import pytest
from solution import double

pytestmark = pytest.mark.llmcode(tags=["tiny"], timeout_s=20)


def test_two():
    assert double(2) == 4


def test_edge_zero():
    assert double(0) == 0


REFERENCE = """
def double(x):
    return 2 * x
"""

WRONG = {
    "adds_two": """
def double(x):
    return x + 2
""",
}
'''
PROMPT = "Write a Python function `double(x)` that returns twice `x`.\n\n" \
         "Reply with the whole module in one fenced code block (```python)."


def write_case(folder: Path, text: str = CASE, name: str = "test_double.py") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text)
    return path
