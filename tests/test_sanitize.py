"""Text shown to a user or a CI log carries no terminal escape and no CI log command."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from support.chat_server import ChatServer, Reply
from support.llm_runs import copy_cases, run

from pytest_llmcode.sanitize import sanitize

# What each CI honours, as its documentation describes it.
COMMAND_AT_LINE_START = re.compile(
    r"^[ \t]*(::|##\[|section_start:|section_end:|\^\^\^ \+\+\+|travis_(fold|time):)", re.M | re.I
)
COMMAND_ANYWHERE = re.compile(r"##(vso|teamcity)\[", re.I)


@pytest.mark.parametrize(
    "text, shown",
    [
        ("::error::pwned", "[ci-command] error::pwned"),
        ("  ::add-mask::x", "  [ci-command] add-mask::x"),
        ("##[error]x", "[ci-command] [error]x"),
        ("##vso[task.setvariable variable=x]1", "[ci-command] vso[task.setvariable variable=x]1"),
        ("at foo ##vso[task.complete result=Succeeded]", "at foo [ci-command] vso[task.complete result=Succeeded]"),
        ("##teamcity[buildStatus status='SUCCESS']", "[ci-command] teamcity[buildStatus status='SUCCESS']"),
        ("    at f (x.js:1) ##TeamCity[setParameter name='a' value='b']",
         "    at f (x.js:1) [ci-command] TeamCity[setParameter name='a' value='b']"),
        ("section_start:1:s\r\x1b[0Kx", "[ci-command] section_start:1:sx"),
        ("^^^ +++", "[ci-command] ^^^ +++"),
        ("travis_fold:start:x", "[ci-command] travis_fold:start:x"),
        ("a\n\t::warning::b", "a\n\t[ci-command] warning::b"),
        ("--- FAIL: TestX (0.00s)", "--- FAIL: TestX (0.00s)"),
        ("a::b and ## not a command", "a::b and ## not a command"),
    ],
)
def test_ci_commands_are_neutralised(text: str, shown: str) -> None:
    assert sanitize(text) == shown


def test_a_carriage_return_does_not_start_a_line() -> None:
    # \r is removed, so what followed it stays in the middle of its line.
    assert sanitize("x\r::error::y") == "x::error::y"


def test_terminal_escapes_are_removed() -> None:
    assert sanitize("\x1b[2J\x1b]0;title\x07red\x9b31m") == "red31m"


FRAGMENTS = ["::", ":", "#", "##", "[", "vso", "VSO", "teamcity", "section_start:", "section_end:",
             "^^^", " +++", "travis_fold:", "\n", "\r", "\t", " ", "\x1b", "\x1b[0K", "\x85", "x"]


@given(st.lists(st.sampled_from(FRAGMENTS), max_size=30).map("".join))
def test_no_command_survives_any_text(text: str) -> None:
    shown = sanitize(text, limit=10_000)
    assert not COMMAND_AT_LINE_START.search(shown), repr(shown)
    assert not COMMAND_ANYWHERE.search(shown), repr(shown)
    assert "\x1b" not in shown and "\r" not in shown


COMMANDS = (
    "##teamcity[buildStatus status='SUCCESS' text='all passed']\n"
    "##vso[task.complete result=Succeeded;]done\n"
    "x ##vso[task.setvariable variable=verdict]passed\n"
    "::error::forged\n"
    "section_start:1700000000:forged\n"
)


def test_no_ci_command_reaches_the_terminal(
    pytester: pytest.Pytester, chat_server: ChatServer, sandbox_image: str
) -> None:
    """Through the whole plugin: a wrong answer whose code, output and assertion messages
    carry CI commands, and an endpoint whose error body does. pytest's terminal output (the
    CI log) shows them all neutralised."""
    copy_cases(pytester, "flatten")
    loud_code = (
        '"""\n' + COMMANDS + '"""\n'
        "import sys\n\n"
        f"COMMANDS = {COMMANDS!r}\n"
        "print(COMMANDS)\nprint(COMMANDS, file=sys.stderr)\n\n\n"
        "def flatten(items):\n    return COMMANDS.splitlines()\n"
    )
    chat_server.script("loud", lambda body: Reply(f"```python\n{loud_code}```"))
    chat_server.script("loud-endpoint", lambda body: Reply(
        status=400, raw_body='{"error": {"message": "bad request\\n' + COMMANDS.replace("\n", "\\n")
        + '"}}'))

    result = run(pytester, chat_server, "loud,loud-endpoint", "--llm-retries=0", "-rA")

    result.assert_outcomes(failed=1, errors=1)
    shown = result.stdout.str() + result.stderr.str()
    assert "[ci-command] teamcity[buildStatus" in shown, shown  # it was shown, made inert
    assert not COMMAND_AT_LINE_START.search(shown), COMMAND_AT_LINE_START.search(shown)
    assert not COMMAND_ANYWHERE.search(shown), COMMAND_ANYWHERE.search(shown)
