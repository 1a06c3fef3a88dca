from __future__ import annotations

import gc
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pytest_llmcode.extract import MAX_REPLY_CHARS, extract_code, fenced_blocks, find_code


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


def test_a_fence_never_closed_runs_to_the_end_of_the_reply() -> None:
    assert extract_code("Here:\n```python\ndef f():\n    return 1", "python") == \
        "def f():\n    return 1\n"


def test_a_closing_fence_may_be_longer_than_the_opening_one() -> None:
    assert extract_code("```python\nx = 1\n`````\n", "python") == "x = 1\n"


def test_reasoning_is_never_graded() -> None:
    draft = "```python\ndef f():\n    return 'draft'\n```"
    final = "```python\ndef f():\n    return 'final, and longer than the draft'\n```"
    reply = f"<think>\nLet me try:\n{draft}\nHmm, no.\n</think>\n\nHere it is:\n{final}"
    assert extract_code(reply, "python") == "def f():\n    return 'final, and longer than the draft'\n"


def test_reasoning_whose_opening_tag_the_server_stripped_is_dropped_too() -> None:
    reply = "thinking...\n```python\ndraft = 1\n```\n</think>\n```python\nfinal = 2\n```"
    assert extract_code(reply, "python") == "final = 2\n"


def test_a_reply_that_is_all_reasoning_has_no_code() -> None:
    assert extract_code("<think>\n```python\nx = 1\n```\nstill thinking", "python") is None


def test_a_reply_over_the_size_cap_is_not_searched() -> None:
    assert extract_code("```python\nx = 1\n```" + " " * MAX_REPLY_CHARS, "python") is None


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["python", "py", "", "js", "bash"]),
                          st.text(alphabet="ab =(){}\n\t`~", max_size=60)), max_size=5))
def test_every_well_formed_block_is_found(blocks: list[tuple[str, str]]) -> None:
    # Bodies without fence lines of their own, each closed by a fence longer than any
    # backtick run inside it.
    bodies = [(tag, "".join(line + "\n" for line in body.split("\n")
                            if not line.strip().startswith(("```", "~~~"))))
              for tag, body in blocks]
    reply = "".join(f"Prose.\n````{tag}\n{body}````\n" for tag, body in bodies)
    assert fenced_blocks(reply) == [(tag, body) for tag, body in bodies]


PATHOLOGICAL = {
    "unclosed fences": "```python\nx\n",
    "fence openers": "```a\n",
    "blank lines": "\n",
    "spaces": " ",
    "backticks": "`",
    "tildes": "~~~~\n",
    "python lookalikes": "from x\n",
    "javascript lookalikes": "function aaaaaaaa ",
    "think tags": "<think>",
}


def _seconds(reply: str, language: str, calls: int = 1) -> float:
    """CPU seconds of this thread (a busy machine's waits for a core do not count), the
    best of three batches of `calls` calls, without the garbage collector's pauses."""
    best = float("inf")
    gc.disable()
    try:
        for _ in range(3):
            started = time.thread_time()
            for _ in range(calls):
                find_code(reply, language)
            best = min(best, time.thread_time() - started)
    finally:
        gc.enable()
    return best


def _ratio(small: str, language: str) -> float:
    """Time of four times the reply over time of the reply, each batch long enough (20 ms)
    that a scheduler's pause on a busy machine does not decide the ratio."""
    calls = max(1, int(0.02 / max(_seconds(small, language), 1e-5)))
    return _seconds(small * 4, language, calls) / _seconds(small, language, calls)


# Both sizes are past the CPU caches: below about 160 KB a character costs a third as
# much, which would look superlinear. The larger one is past the reply cap, so the uncapped
# search is timed.
SIZE = 1_000_000


@pytest.mark.parametrize("name", sorted(PATHOLOGICAL))
def test_extraction_time_is_linear_in_the_reply(name: str) -> None:
    """Four times the reply costs about four times the time (a quadratic pattern would
    cost sixteen times): compared in the same process, so the machine's speed cancels out."""
    unit = PATHOLOGICAL[name]
    language = "javascript" if name.startswith("javascript") else "python"
    small = unit * (SIZE // len(unit))
    ratio = _ratio(small, language)
    assert ratio < 10, f"{name}: 4x the reply took {ratio:.1f}x the time"


@settings(max_examples=8, deadline=None)
@given(st.text(alphabet="`~\n pythonjs<>/thinkdefrom=", min_size=1, max_size=40))
def test_extraction_time_is_linear_for_any_repeated_text(unit: str) -> None:
    small = unit * (SIZE // len(unit))
    ratio = _ratio(small, "python")
    assert ratio < 10, f"{unit!r}: 4x the reply took {ratio:.1f}x the time"
