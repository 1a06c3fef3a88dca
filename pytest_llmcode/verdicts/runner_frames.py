"""Traces from the sandbox without the frames of the plugin's own runners (and of Python's
import machinery and Node's internals), so a case author sees the error and their code."""

from __future__ import annotations

import re

RUNNERS = "/opt/llmcode/"  # where the image keeps its runners (grading/container/)
SEPARATOR = re.compile(r"^\s*(?:_ ){2,}_?\s*$")
LOCATION = re.compile(r"^(\S+):\d+: \w")
PY_FRAME = re.compile(r'^\s*File "([^"]+)", line \d+')
MACHINERY = re.compile(r"^(?:/opt/llmcode/|<frozen importlib)|/importlib/__init__\.py$")
NODE_FRAME = re.compile(r"^\s*at .*(?:/opt/llmcode/|node:internal/|\(node:)")


def without_runner_frames(text: str) -> str:
    return "\n".join(_node(_python(_pytest_entries(text.splitlines()))))


def _pytest_entries(lines: list[str]) -> list[str]:
    """pytest's long report: an entry located in a runner keeps only its `E` lines."""
    entries: list[list[str]] = [[]]
    for line in lines:
        if SEPARATOR.match(line):
            entries.append([line])
        else:
            entries[-1].append(line)
    kept: list[str] = []
    for entry in entries:
        location = next((m.group(1) for m in map(LOCATION.match, reversed(entry)) if m), "")
        if location.startswith(RUNNERS):
            kept += [re.sub(r"^E\s+", "E   ", line) for line in entry if line.startswith("E ")]
        else:
            kept += entry
    return kept


def _python(lines: list[str]) -> list[str]:
    """A Python traceback: a frame of the machinery goes with its source lines."""
    kept: list[str] = []
    skipping = None
    for line in lines:
        frame = PY_FRAME.match(line)
        if frame:
            skipping = (len(line) - len(line.lstrip())
                        if MACHINERY.search(frame.group(1)) else None)
            if skipping is not None:
                continue
        elif skipping is not None and line.startswith(" " * (skipping + 1)):
            continue
        else:
            skipping = None
        kept.append(line)
    return kept


def _node(lines: list[str]) -> list[str]:
    return [line for line in lines if not NODE_FRAME.match(line)]
