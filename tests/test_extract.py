from __future__ import annotations

import pytest

from pytest_llmcode.extract import extract_code


def test_tagged_block_wins_over_other_languages() -> None:
    reply = "Use it like:\n```bash\npython x.py\n```\nCode:\n```python\ndef f():\n    return 1\n```\n"
    assert extract_code(reply, "python") == "def f():\n    return 1\n"


def test_longest_tagged_block_is_the_solution() -> None:
    reply = "```py\nf()\n```\n\n```python\ndef f():\n    return 1\n```"
    assert extract_code(reply, "python") == "def f():\n    return 1\n"


def test_untagged_block_is_used_when_no_tagged_one() -> None:
    assert extract_code("```\nconst a = 1;\n```", "javascript") == "const a = 1;\n"


@pytest.mark.parametrize("tag", ["ts", "typescript", "TypeScript"])
def test_language_tag_aliases(tag: str) -> None:
    assert extract_code(f"```{tag}\nexport const a = 1;\n```", "typescript") == "export const a = 1;\n"


def test_tilde_fences_and_prose_around() -> None:
    reply = "Sure!\n~~~go\npackage solution\n~~~\nThat is all."
    assert extract_code(reply, "go") == "package solution\n"


def test_bare_code_without_fence_is_accepted_when_it_looks_like_code() -> None:
    assert extract_code("def f(x):\n    return x\n", "python") == "def f(x):\n    return x\n"


@pytest.mark.parametrize(
    "reply",
    ["I cannot help with that.", "", "```bash\nls\n```", "```python\n\n```"],
)
def test_no_usable_code(reply: str) -> None:
    assert extract_code(reply, "python") is None


def test_inner_backticks_do_not_end_a_longer_fence() -> None:
    reply = "````python\ns = '```'\n````"
    assert extract_code(reply, "python") == "s = '```'\n"
