"""One item's answer: replayed from its cassette, or asked of its model and, when that
model's request fails after its retries, of the fallbacks in turn (each at its own
endpoint, with its own key and parameters); recorded when the record mode says so."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any, Callable

from ..cases import EvalCase
from ..catalog import Model
from .cassettes import Cassettes, Recording, now
from .client import ChatClient
from .completion import Completion
from .endpoints import Endpoint, Route
from .errors import ApiError, BudgetExceeded, Interrupted
from .fallback import Chains
from .tally import Tally


@dataclass(frozen=True)
class Answer:
    completion: Completion
    answered_by: str
    recorded: Recording | None = None  # set when replayed
    max_tokens: int | None = None  # sent to the model that answered


class Clients:
    """One chat client per endpoint, made when first needed; closed together."""

    def __init__(self, factory: Callable[[Endpoint], ChatClient]) -> None:
        self._factory = factory
        self._clients: dict[Endpoint, ChatClient] = {}
        self._lock = threading.Lock()
        self._closed = False

    def get(self, endpoint: Endpoint) -> ChatClient:
        with self._lock:
            if self._closed:
                raise NoAnswer("not sent: the run is ending")
            client = self._clients.get(endpoint)
            if client is None:
                client = self._clients[endpoint] = self._factory(endpoint)
            return client

    def close(self) -> None:
        with self._lock:
            self._closed = True
            clients, self._clients = list(self._clients.values()), {}
        for client in clients:
            client.close()


class NoAnswer(Exception):
    """No answer for this item: an error, or a skip when the endpoint needs a missing key."""

    def __init__(self, message: str, skipped: bool = False) -> None:
        super().__init__(message)
        self.skipped = skipped


class Answerer:
    def __init__(
        self,
        clients: Clients,
        price_of: Callable[[str], Model],
        route: Callable[[str], Route],
        fallbacks: Chains | None = None,
        cassettes: Cassettes | None = None,
    ) -> None:
        self.price_of = price_of
        self.clients = clients
        self.route = route
        self.fallbacks = fallbacks or {}
        self.cassettes = cassettes
        self._closed = False

    def close(self) -> None:
        self._closed = True
        self.clients.close()

    def answer(
        self,
        case: EvalCase,
        model: str,
        sample: int,
        tally: Tally,
        messages: list[dict[str, str]],
        seed: int | None = None,
    ) -> Answer:
        """The answer to `messages`; the cassette is keyed on exactly what is sent to the
        item's own model: its endpoint, messages and parameters."""
        route = self.route(model)
        request = {"endpoint": route.endpoint.key, "model": model, "messages": messages,
                   "params": _params(route, seed)}
        chain = self.fallbacks.get(model, ())
        path = None
        if self.cassettes is not None:
            path = self.cassettes.path(case, model, sample)
            found = self.cassettes.lookup(path, request, chain)
            if found.recording is not None:
                recording = found.recording
                return Answer(recording.completion(), recording.answered_by, recording,
                              self.route(recording.answered_by).max_tokens)
            if found.miss is not None:
                raise NoAnswer(found.miss)
        candidates = [(m, self.route(m)) for m in (model, *chain)]
        unkeyed = [r.endpoint.missing_key_reason for _, r in candidates]
        if all(unkeyed):
            raise NoAnswer(str(unkeyed[0]), skipped=True)
        errors: list[str] = []
        for candidate, candidate_route in candidates:
            missing = candidate_route.endpoint.missing_key_reason
            if missing:
                errors.append(("fallback " if errors else "") + f"{candidate}: not sent: {missing}")
                continue
            try:
                client = self.clients.get(candidate_route.endpoint)
                completion = client.complete(candidate, messages, tally,
                                             **_params(candidate_route, seed))
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
                    fallback_errors=tuple(errors), endpoint=completion.endpoint,
                    finish_reason=completion.finish_reason,
                    reasoning_tokens=completion.reasoning_tokens,
                )
                try:
                    self.cassettes.save(path, recording, f"{case.name} x {model} x sample {sample}")
                except (OSError, ValueError) as exc:
                    raise NoAnswer(f"answered, but cannot write cassette {path}: {exc}") from None
            return Answer(completion, candidate, max_tokens=candidate_route.max_tokens)
        raise NoAnswer("; ".join(errors))


def _params(route: Route, seed: int | None) -> dict[str, Any]:
    params = dict(route.params)
    if seed is not None:
        params["seed"] = seed
    return params


def _describe(exc: ApiError) -> str:
    if exc.attempts <= 1 and not exc.waited_s:
        return str(exc)
    return f"{exc} ({exc.attempts} attempts, {exc.waited_s:.1f} s waiting)"
