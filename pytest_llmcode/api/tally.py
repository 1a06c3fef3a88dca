"""What one item's requests cost this run: a live tally the client updates attempt by
attempt, so an item interrupted mid-request still reports every request it sent."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Callable

from ..catalog import Model


@dataclass(frozen=True)
class Spend:
    attempts: int = 0  # HTTP requests made, over every model of a fallback chain
    waited_s: float = 0.0  # backoff, Retry-After and requests-per-minute waits
    prompt_tokens: int = 0  # as reported by the endpoint, failed attempts included
    completion_tokens: int = 0
    cost_usd: float | None = 0.0  # None when a model that billed tokens has no known price
    unanswered: int = 0  # sent, but no answer ever came (timeout, dropped, abandoned)


class Tally:
    """Thread-safe accumulator of one item's attempts (implements the client's
    AttemptObserver)."""

    def __init__(self, price_of: Callable[[str], Model]) -> None:
        self._price_of = price_of
        self._lock = threading.Lock()
        self._attempts = 0
        self._in_flight = 0
        self._waited = 0.0
        self._prompt = 0
        self._completion = 0
        self._cost: float | None = 0.0
        self._unanswered = 0

    def sent(self, model: str) -> None:
        with self._lock:
            self._attempts += 1
            self._in_flight += 1

    def answered(self, model: str, prompt_tokens: int, completion_tokens: int) -> None:
        cost = (
            self._price_of(model).cost(prompt_tokens, completion_tokens)
            if prompt_tokens or completion_tokens
            else 0.0
        )
        with self._lock:
            self._in_flight -= 1
            self._prompt += prompt_tokens
            self._completion += completion_tokens
            self._cost = None if cost is None or self._cost is None else self._cost + cost

    def unanswered(self, model: str) -> None:
        with self._lock:
            self._in_flight -= 1
            self._unanswered += 1

    def not_sent(self, model: str) -> None:
        """The attempt failed before the request reached the endpoint (connection refused)."""
        with self._lock:
            self._in_flight -= 1

    def waited(self, seconds: float) -> None:
        with self._lock:
            self._waited += seconds

    def snapshot(self) -> Spend:
        """The spend so far; a request still in flight counts as unanswered."""
        with self._lock:
            return Spend(
                attempts=self._attempts,
                waited_s=round(self._waited, 3),
                prompt_tokens=self._prompt,
                completion_tokens=self._completion,
                cost_usd=None if self._cost is None else round(self._cost, 10),
                unanswered=self._unanswered + self._in_flight,
            )
