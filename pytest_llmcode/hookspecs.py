"""Hooks of pytest-llmcode. Implement them in a conftest.py or a plugin.

Hooks are called with keyword arguments; new arguments may be added over time.
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

    The default is one user message holding the case's prompt. Example (conftest.py)::

        def pytest_llmcode_messages(case, model):
            if model.id.startswith("kimi"):
                return [{"role": "system", "content": "Answer with code only."},
                        {"role": "user", "content": case.prompt}]
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
    """Called once per item when its outcome is known (on the process running the item).

    Example::

        def pytest_llmcode_outcome(outcome):
            if outcome.status == "failed":
                print(f"{outcome.case}[{outcome.model}]: {outcome.message[:80]}")
    """
