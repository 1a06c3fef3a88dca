"""What can be checked of a case without running anything: its `exports` against the
reference, the hidden tests and the prompt. Each problem is one sentence that names the
fix; none is reported where the code cannot be read with certainty."""

from __future__ import annotations

import difflib
import re
from typing import Iterable

from . import EvalCase
from .exports import defined_names, used_names


def static_problems(case: EvalCase) -> list[str]:
    if case.interface == "http":
        return []  # the answer exports one app; the tests talk HTTP to it
    reference = case.reference
    defined = defined_names(case.language, reference.code)
    tests = [p.read_text("utf-8", errors="replace") for p in case.test_files()]
    used = used_names(case.language, tests, defined)
    problems = []
    if defined is not None:
        for name in case.exports:
            if name not in defined:
                problems.append(f"exports lists `{name}`, but the reference ({reference.origin}) "
                                f"does not define it{_close(name, defined)}")
    allowed = set(case.exports) if case.exports else defined
    if used is not None and allowed is not None:
        for name in sorted(used - allowed):
            typo = _close(name, allowed, "is `{}` a typo of it?")
            problem = (f"exports does not list it: add it to exports{typo}"
                       if case.exports else
                       f"the reference ({reference.origin}) does not define it"
                       f"{_close(name, allowed)}")
            problems.append(f"the hidden tests use `{name}` from the solution, but {problem}")
    for name in case.exports:
        if not re.search(rf"(?<![\w$]){re.escape(name)}(?![\w$])", case.prompt):
            problems.append(f"the prompt never names `{name}`: the model cannot know it must "
                            "define it; say so in the prompt")
    return problems


def _close(name: str, options: Iterable[str], question: str = "did you mean `{}`?") -> str:
    close = difflib.get_close_matches(name, sorted(options), n=1, cutoff=0.6)
    return f" ({question.format(close[0])})" if close else ""
