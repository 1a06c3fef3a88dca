"""`pytest --help` shows every option with its default, unchanged unless on purpose.

After an intended change: LLMCODE_UPDATE_SNAPSHOTS=1 pytest tests/test_help.py
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

SNAPSHOT = Path(__file__).parent / "snapshots" / "help.txt"


def llmcode_help(text: str) -> str:
    """The plugin's option group and its ini twins, from pytest's --help output."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("LLM code-generation"))
    group = []
    for line in lines[start:]:
        if group and line and not line.startswith(" "):
            break
        group.append(line.rstrip())
    first = next(i for i, line in enumerate(lines) if line.startswith("  llm_"))
    ini = []
    for line in lines[first:]:
        if not line.startswith(("  llm_", "    ")):
            break
        ini.append(line.rstrip())
    return "\n".join([*group, "", *ini]).strip() + "\n"


def test_help_matches_the_snapshot(pytester: pytest.Pytester,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "100")
    result = pytester.runpytest("--help")
    assert result.ret == 0
    shown = llmcode_help(result.stdout.str())
    if os.environ.get("LLMCODE_UPDATE_SNAPSHOTS") == "1":
        SNAPSHOT.write_text(shown, encoding="utf-8")
    assert shown == SNAPSHOT.read_text(encoding="utf-8"), (
        "pytest --help changed; if on purpose, rerun with LLMCODE_UPDATE_SNAPSHOTS=1"
    )
    assert shown.count("(default: ") >= 25
