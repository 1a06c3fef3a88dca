"""The optional judge (--llm-judge-model): a model rates code quality and documentation
with a fixed rubric, in place of the static measures. Its tokens and cost are its own.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Protocol

from ..api.completion import Completion
from ..api.errors import ApiError
from ..catalog import Model


class Client(Protocol):
    """What the judge needs of api.client.ChatClient."""

    def complete(self, model: str, messages: list[dict[str, str]], observer: None,
                 **params: Any) -> Completion: ...

    def close(self) -> None: ...

RUBRIC = """\
You are grading a solution to a programming task. The solution's correctness is measured
separately by hidden tests: do not judge it. Rate only these two criteria, each as an
integer from 0 to 10:

code_quality: idiomatic, readable code for its language; clear names; no dead code,
  unused variables or imports; sound error handling; strict typing where the language
  has types; no needless complexity.
documentation: every public function, class, method or type has a doc comment
  (docstring, JSDoc or Go doc comment) that states what it does, its parameters, its
  result and its errors; comments explain why, not what.

Reply with one JSON object and nothing else:
{{"code_quality": <0-10>, "documentation": <0-10>, "reason": "<one sentence>"}}

## Task ({language})
{task}

## Solution
```{language}
{code}
```
"""

JSON_OBJECT = re.compile(r"\{.*\}", re.S)


@dataclass(frozen=True)
class Judgement:
    code_quality: float | None
    documentation: float | None
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float | None = None
    error: str | None = None


def rubric_prompt(task: str, language: str, code: str) -> str:
    return RUBRIC.format(task=task.strip(), language=language, code=code.rstrip("\n"))


def parse_ratings(text: str) -> tuple[float, float]:
    """The two ratings from the judge's reply; ValueError when it holds none."""
    match = JSON_OBJECT.search(text)
    if match is None:
        raise ValueError(f"the judge's reply holds no JSON object: {text[:200]!r}")
    try:
        data = json.loads(match.group(0))
    except ValueError:
        raise ValueError(f"the judge's reply is not valid JSON: {text[:200]!r}") from None
    ratings = []
    for name in ("code_quality", "documentation"):
        value = data.get(name) if isinstance(data, dict) else None
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 10:
            raise ValueError(f"the judge's {name} is not a number from 0 to 10: {value!r}")
        ratings.append(float(value))
    return ratings[0], ratings[1]


class Judge:
    def __init__(self, model: Model, client: Client, seed: int | None = None) -> None:
        self.model = model
        self._client = client
        self._seed = seed

    def close(self) -> None:
        self._client.close()

    def judge(self, task: str, language: str, code: str) -> Judgement:
        params: dict[str, Any] = {"temperature": 0.0}
        if self._seed is not None:
            params["seed"] = self._seed
        try:
            completion = self._client.complete(
                self.model.id,
                [{"role": "user", "content": rubric_prompt(task, language, code)}],
                None,
                **params,
            )
        except ApiError as exc:
            return Judgement(None, None, error=f"judge {self.model.id}: {exc}")
        cost = self.model.cost(completion.prompt_tokens, completion.completion_tokens)
        try:
            quality, documentation = parse_ratings(completion.text)
        except ValueError as exc:
            return Judgement(None, None, completion.prompt_tokens, completion.completion_tokens,
                             cost, f"judge {self.model.id}: {exc}")
        return Judgement(quality, documentation, completion.prompt_tokens,
                         completion.completion_tokens, cost)
