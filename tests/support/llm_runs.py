"""Helpers for pytester runs of the plugin against the loopback server: copy some bundled
cases, script answers by file, run with the server's URL."""

from __future__ import annotations

import json
import shutil
import threading
from pathlib import Path
from typing import Any, Callable

import pytest

from support.chat_server import EVAL_CASES, ChatServer, Reply, case_for, fenced


def copy_cases(pytester: pytest.Pytester, *names: str) -> Path:
    target = pytester.path / "eval_cases"
    for name in names:
        shutil.copytree(EVAL_CASES / name, target / name, ignore=shutil.ignore_patterns(".*"))
    return target


def run(pytester: pytest.Pytester, server: ChatServer, models: str, *args: str) -> pytest.RunResult:
    return pytester.runpytest(
        "eval_cases", f"--llm-models={models}", f"--llm-base-url={server.base_url}",
        "-p", "no:cacheprovider", *args,
    )


def answers(**by_case: str) -> Callable[[dict[str, Any]], Reply]:
    """Answer each case with a file of its folder (`reference` or a `wrong/` file name) or
    with literal code; a case not named gets its reference."""

    def respond(body: dict[str, Any]) -> Reply:
        case = case_for(body)
        choice = by_case.get(case.name, "reference")
        if choice == "reference":
            code = case.reference_file.read_text()
        elif (case.folder / "wrong" / choice).is_file():
            code = (case.folder / "wrong" / choice).read_text()
        else:
            code = choice
        return Reply(fenced(case.language, code))

    return respond


def alternating(right_every: int, wrong_on: int) -> Callable[[dict[str, Any]], Reply]:
    """Per case, the n-th request gets a wrong answer when n % right_every == wrong_on."""
    counts: dict[str, int] = {}
    lock = threading.Lock()

    def respond(body: dict[str, Any]) -> Reply:
        case = case_for(body)
        with lock:
            counts[case.name] = counts.get(case.name, 0) + 1
            n = counts[case.name]
        wrong = n % right_every == wrong_on
        path = case.wrong_answers()[0] if wrong else case.reference_file
        return Reply(fenced(case.language, path.read_text()))

    return respond


def report(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text())
    return data
