"""Write a Python 3.11 module that defines `slugify(title: str) -> str`, which turns a
title into a URL slug:

- ASCII letters and digits are kept, letters in lower case;
- every run of other characters (spaces, punctuation, accented letters) becomes one
  hyphen;
- the slug never starts or ends with a hyphen, and a title with no ASCII letter or digit
  gives the empty string.

Example: `slugify("Hello, World!")` returns `"hello-world"`.

Reply with the whole module in one fenced code block (```python)."""

# An eval case of pytest-llmcode in one file (python -m pytest_llmcode new --help):
# - the docstring above is the prompt, and all the model sees;
# - the tests below are the hidden tests: they import the model's answer as `solution`;
# - REFERENCE must pass them all; each answer in WRONG must fail at least one.
# Check it for free with `pytest --llm-check-cases`.

import pytest
from solution import slugify

# case.yaml's other fields, all optional: exports (default: the names imported from
# solution above), timeout_s, tags, weights, name (default: the file name).
pytestmark = pytest.mark.llmcode(tags=["example"], timeout_s=30)


def test_lower_cases_and_joins_words():
    assert slugify("Hello World") == "hello-world"


def test_keeps_digits():
    assert slugify("Top 10 tips") == "top-10-tips"


def test_a_run_of_separators_is_one_hyphen():
    assert slugify("fast,  cheap -- good") == "fast-cheap-good"


# Tests named test_edge_* count as edge cases in the score.
def test_edge_no_hyphen_at_either_end():
    assert slugify("  (draft) notes!  ") == "draft-notes"


def test_edge_nothing_to_keep():
    assert slugify("?!") == ""


REFERENCE = '''
import re


def slugify(title: str) -> str:
    """The title as a URL slug: lower-case ASCII letters and digits, joined by hyphens."""
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
'''

WRONG = {
    # One hyphen per character: a run of separators gives several.
    "hyphen_per_character": '''
def slugify(title: str) -> str:
    """The title as a URL slug."""
    kept = [c if c.isascii() and c.isalnum() else "-" for c in title.lower()]
    return "".join(kept).strip("-")
''',
}
