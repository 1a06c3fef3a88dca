"""Hooks of pytest-llmcode. Implement them in a conftest.py (at or above the eval cases) or
a plugin; the README's "Hooks" section shows each at work.

Hooks are called with keyword arguments, so an implementation takes only the ones it
needs; new arguments may be added over time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from .cases import EvalCase
    from .catalog import Model
    from .outcome import Outcome


@pytest.hookspec(firstresult=True)
def pytest_llmcode_messages(case: EvalCase, model: Model) -> list[dict[str, str]] | None:
    """The chat messages sent for a case; the first non-None result wins.

    The default is the system prompt where one is set (--llm-system-prompt, the model's
    catalog entry or the case), then one user message holding the case's prompt. Recorded
    answers are keyed by the messages. Example (conftest.py), a system prompt for every model::

        def pytest_llmcode_messages(case, model):
            return [
                {"role": "system", "content": "You are a senior engineer. Reply with code only."},
                {"role": "user", "content": case.prompt},
            ]
    """


@pytest.hookspec(firstresult=True)
def pytest_llmcode_extract_code(reply: str, case: EvalCase) -> str | None:
    """The code to grade from a model's reply; the first non-None result wins.

    Return None to leave it to the default (fenced blocks in the case's language). Called
    from a generation thread. Example::

        def pytest_llmcode_extract_code(reply, case):
            if "<answer>" in reply:
                return reply.split("<answer>")[1].split("</answer>")[0]
    """


def pytest_llmcode_outcome(outcome: Outcome) -> None:
    """Called once per item when its outcome is known, in the process running the item (a
    pytest-xdist worker, say); every implementation is called. Example, a CSV of outcomes::

        import csv

        def pytest_llmcode_outcome(outcome):
            with open("outcomes.csv", "a", newline="") as out:
                csv.writer(out).writerow([outcome.case, outcome.model, outcome.status])
    """
