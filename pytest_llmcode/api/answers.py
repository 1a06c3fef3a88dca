"""One item's answer: replayed from its cassette, or asked of its model and, when that
model's request fails after its retries, of the fallbacks in turn; recorded when the
record mode says so."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any, Callable

from ..cases import EvalCase
from ..catalog import Model
from .cassettes import Cassettes, Recording, now
from .client import ChatClient
from .completion import Completion
from .errors import ApiError, BudgetExceeded, Interrupted
from .fallback import Chains
from .tally import Tally


@dataclass(frozen=True)
class Answer:
    completion: Completion
    answered_by: str
    recorded: Recording | None = None  # set when replayed


class NoAnswer(Exception):
    """No answer for this item: an error, or a skip when the endpoint needs a missing key."""

    def __init__(self, message: str, skipped: bool = False) -> None:
        super().__init__(message)
        self.skipped = skipped


class Answerer:
    def __init__(
        self,
        client_factory: Callable[[], ChatClient],
        price_of: Callable[[str], Model],
        endpoint: str,
        params: dict[str, Any],
        fallbacks: Chains | None = None,
        cassettes: Cassettes | None = None,
        missing_key_reason: str | None = None,
    ) -> None:
        self.price_of = price_of
        self._client_factory = client_factory
        self._client: ChatClient | None = None
        self._lock = threading.Lock()
        self._closed = False
        self.endpoint = endpoint
        self.params = params
        self.fallbacks = fallbacks or {}
        self.cassettes = cassettes
        self.missing_key_reason = missing_key_reason

    @property
    def client(self) -> ChatClient:
        with self._lock:
            if self._closed:
                raise NoAnswer("not sent: the run is ending")
            if self._client is None:
                self._client = self._client_factory()
            return self._client

    def close(self) -> None:
        with self._lock:
            self._closed = True
            client, self._client = self._client, None
        if client is not None:
            client.close()

    def answer(
        self,
        case: EvalCase,
        model: str,
        sample: int,
        tally: Tally,
        messages: list[dict[str, str]],
        seed: int | None = None,
    ) -> Answer:
        """The answer to `messages`; the cassette is keyed on exactly the messages and
        parameters sent."""
        params = dict(self.params) if seed is None else {**self.params, "seed": seed}
        request = {"endpoint": self.endpoint, "model": model, "messages": messages,
                   "params": params}
        chain = self.fallbacks.get(model, ())
        path = None
        if self.cassettes is not None:
            path = self.cassettes.path(case, model, sample)
            found = self.cassettes.lookup(path, request, chain)
            if found.recording is not None:
                return Answer(found.recording.completion(), found.recording.answered_by,
                              found.recording)
            if found.miss is not None:
                raise NoAnswer(found.miss)
        if self.missing_key_reason:
            raise NoAnswer(self.missing_key_reason, skipped=True)
        errors: list[str] = []
        for candidate in (model, *chain):
            try:
                completion = self.client.complete(candidate, messages, tally, **params)
            except (BudgetExceeded, Interrupted) as exc:
                raise NoAnswer("; ".join([*errors, _describe(exc)])) from None
            except ApiError as exc:
                errors.append(("fallback " if errors else "") + _describe(exc))
                continue
            if path is not None and self.cassettes is not None and not self._closed:
                recording = Recording(
                    request=request, answered_by=candidate,
                    served_model=completion.served_model, text=completion.text,
                    latency_s=completion.latency_s, spend=tally.snapshot(), recorded_at=now(),
                    fallback_errors=tuple(errors),
                )
                try:
                    self.cassettes.save(path, recording, f"{case.name} x {model} x sample {sample}")
                except OSError as exc:
                    raise NoAnswer(f"answered, but cannot write cassette {path}: {exc}") from None
            return Answer(completion, candidate)
        raise NoAnswer("; ".join(errors))


def _describe(exc: ApiError) -> str:
    if exc.attempts <= 1 and not exc.waited_s:
        return str(exc)
    return f"{exc} ({exc.attempts} attempts, {exc.waited_s:.1f} s waiting)"
