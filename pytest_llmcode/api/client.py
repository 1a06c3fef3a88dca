"""Chat-completions client: one httpx client per session, retries only where they help.

This is the only retry loop. Each attempt takes a slot of the endpoint's shared rate limit,
reserves its worst case from the run's budget, and reports its usage to an observer, so
failed attempts count toward cost too.
"""

from __future__ import annotations

import email.utils
import random
import threading
import time
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Any, Callable, ContextManager, Protocol

import httpx

from .budget import Budget
from .completion import Completion
from .endpoints import endpoint_key, shown_url
from .errors import ApiError, Interrupted
from .ratelimit import RateLimiter
from .redact import Redactor

RETRY_STATUSES = frozenset({408, 409, 429, 500, 502, 503, 504})
MAX_RETRY_AFTER_S = 60.0
# A chat completion is JSON around the reply; extraction caps the reply itself (extract.py).
MAX_RESPONSE_BYTES = 16 << 20


class AttemptObserver(Protocol):
    """Told about every HTTP attempt as it happens (see tally.Tally)."""

    def sent(self, model: str) -> None: ...
    def answered(self, model: str, prompt_tokens: int, completion_tokens: int) -> None: ...
    def unanswered(self, model: str) -> None: ...
    def not_sent(self, model: str) -> None: ...
    def waited(self, seconds: float) -> None: ...


class _Ignore:
    def sent(self, model: str) -> None:
        pass

    def answered(self, model: str, prompt_tokens: int, completion_tokens: int) -> None:
        pass

    def unanswered(self, model: str) -> None:
        pass

    def not_sent(self, model: str) -> None:
        pass

    def waited(self, seconds: float) -> None:
        pass


@dataclass(frozen=True)
class ClientSettings:
    base_url: str
    api_key: str | None = field(repr=False)
    key_env: str | None
    timeout_s: float
    retries: int
    backoff_s: float = 1.0
    # Every key the run knows, taken out of all text the endpoint sends back.
    redact: Redactor = field(default_factory=Redactor)


class ChatClient:
    def __init__(
        self,
        settings: ClientSettings,
        sleep: Callable[[float], object] | None = None,
        limiter: RateLimiter | None = None,
        budget: Budget | None = None,
    ) -> None:
        self.settings = settings
        self._stop = threading.Event()
        # Waits end early when the client is closed (an interrupted run does not sit out a
        # 60 s Retry-After); tests inject a sleep that records instead.
        self._sleep: Callable[[float], object] = sleep if sleep is not None else self._stop.wait
        self._limiter = limiter
        self._budget = budget
        headers = {"Accept": "application/json"}
        if settings.api_key:
            headers["Authorization"] = f"Bearer {settings.api_key}"
        self._http = httpx.Client(
            base_url=settings.base_url.rstrip("/") + "/",
            headers=headers,
            timeout=httpx.Timeout(settings.timeout_s, connect=5.0),
            limits=httpx.Limits(max_connections=256, max_keepalive_connections=64),
            trust_env=False,
        )

    def close(self) -> None:
        """Stop: waits end, no new request is sent, answers still on their way are abandoned."""
        self._stop.set()
        self._http.close()

    def complete(
        self,
        model: str,
        messages: list[dict[str, str]],
        observer: AttemptObserver | None = None,
        **params: Any,
    ) -> Completion:
        body = {"model": model, "messages": messages, **params}
        watch: AttemptObserver = observer if observer is not None else _Ignore()
        attempts = 0
        waited = 0.0
        while True:
            retry_after: float | None = None
            try:
                with self._slot() as rpm_wait:
                    if rpm_wait:
                        waited += rpm_wait
                        watch.waited(rpm_wait)
                    ticket = self._budget.reserve(model, messages) if self._budget else None
                    attempts += 1
                    watch.sent(model)
                    started = time.monotonic()
                    try:
                        response = self._post(body, started + self.settings.timeout_s)
                    except Exception as exc:
                        if self._stop.is_set():
                            raise self._interrupted(model) from None
                        if not isinstance(exc, httpx.TransportError):
                            raise
                        failure = self._transport_failure(model, exc, ticket, watch)
                    else:
                        if self._stop.is_set():
                            raise self._interrupted(model)
                        latency = time.monotonic() - started
                        prompt_tokens, completion_tokens = _usage(response)
                        if self._budget and ticket:
                            self._budget.settle(ticket, model, prompt_tokens, completion_tokens)
                        watch.answered(model, prompt_tokens, completion_tokens)
                        if response.status_code == 200:
                            return _parse(model, response, latency, attempts, waited,
                                          self.settings)
                        failure = _status_error(model, response, self.settings)
                        if response.status_code in RETRY_STATUSES:
                            retry_after = _retry_after(response.headers.get("retry-after"))
                        else:
                            failure.attempts, failure.waited_s = attempts, waited
                            raise failure
            except ApiError as exc:
                if exc.attempts == 0 or isinstance(exc, Interrupted):
                    # Refused (budget) or abandoned: report what was actually made.
                    exc.attempts, exc.waited_s = attempts, waited
                raise
            if attempts > self.settings.retries:
                failure.attempts, failure.waited_s = attempts, waited
                raise failure
            delay = retry_after if retry_after is not None else self._backoff(attempts)
            try:
                self._pause(delay)
            except Interrupted as exc:
                exc.attempts, exc.waited_s = attempts, waited
                raise
            waited += delay
            watch.waited(delay)

    def _post(self, body: dict[str, Any], deadline: float) -> httpx.Response:
        """POST and read the whole answer by the deadline. httpx's read timeout restarts
        with every byte, so a server that trickles (some gateways send whitespace while a
        model works) would otherwise never time out."""
        with self._http.stream("POST", "chat/completions", json=body) as response:
            content = bytearray()
            for chunk in response.iter_bytes():
                content += chunk
                if time.monotonic() > deadline:
                    raise httpx.ReadTimeout("deadline passed", request=response.request)
                if len(content) > MAX_RESPONSE_BYTES:
                    raise httpx.RemoteProtocolError(
                        f"the response exceeds {MAX_RESPONSE_BYTES >> 20} MiB; it was not read",
                        request=response.request)
            return httpx.Response(response.status_code, headers=response.headers,
                                  content=bytes(content), request=response.request)

    def _slot(self) -> ContextManager[float]:
        if self._limiter is None:
            return nullcontext(0.0)
        return self._limiter.slot(self._pause)

    def _pause(self, seconds: float) -> None:
        if not self._stop.is_set():
            self._sleep(seconds)
        if self._stop.is_set():
            raise Interrupted("not sent: the run is ending", attempts=0)

    def _interrupted(self, model: str) -> Interrupted:
        return Interrupted(f"{model}: the answer was abandoned: the run is ending", attempts=0)

    def _transport_failure(
        self, model: str, exc: httpx.TransportError, ticket: str | None, watch: AttemptObserver
    ) -> ApiError:
        if isinstance(exc, (httpx.ConnectError, httpx.ConnectTimeout)):
            # Nothing reached the endpoint: nothing can have been billed.
            if self._budget and ticket:
                self._budget.release(ticket)
            watch.not_sent(model)
        else:
            # Sent, but no answer: what the endpoint billed for it is unknown.
            if self._budget and ticket:
                self._budget.settle_unknown(ticket)
            watch.unanswered(model)
        if isinstance(exc, httpx.TimeoutException):
            return ApiError(
                f"{model}: no answer within {self.settings.timeout_s:g} s "
                f"from {shown_url(self.settings.base_url)}"
            )
        return ApiError(f"{model}: cannot reach {shown_url(self.settings.base_url)}: {exc}")

    def _backoff(self, attempt: int) -> float:
        base: float = self.settings.backoff_s * 2 ** (attempt - 1)
        return base * (0.5 + random.random() / 2)


def _parse(
    model: str, response: httpx.Response, latency: float, attempts: int, waited: float,
    settings: ClientSettings,
) -> Completion:
    """The completion, its text redacted. A separate reasoning field (`reasoning_content`,
    `reasoning`) is never kept: only the answer is graded."""
    try:
        data = response.json()
        choice = data["choices"][0]
        text = choice["message"]["content"] or ""
    except (ValueError, KeyError, IndexError, TypeError):
        raise ApiError(
            f"{model}: the endpoint answered 200 but not with a chat completion: "
            f"{settings.redact(response.text)[:200]!r}",
            status=200,
            attempts=attempts,
        ) from None
    usage = data.get("usage") if isinstance(data.get("usage"), dict) else {}
    details = usage.get("completion_tokens_details")
    finish = choice.get("finish_reason") if isinstance(choice, dict) else None
    return Completion(
        text=settings.redact(str(text)),
        served_model=settings.redact(str(data.get("model") or model)),
        prompt_tokens=_count(usage.get("prompt_tokens")),
        completion_tokens=_count(usage.get("completion_tokens")),
        latency_s=latency,
        attempts=attempts,
        waited_s=waited,
        finish_reason=settings.redact(finish)[:40] if isinstance(finish, str) else None,
        reasoning_tokens=_count(details.get("reasoning_tokens"))
        if isinstance(details, dict) else 0,
        endpoint=endpoint_key(settings.base_url),
    )


def _usage(response: httpx.Response) -> tuple[int, int]:
    """Tokens the endpoint says it billed, from any response that reports them."""
    try:
        data = response.json()
    except ValueError:
        return 0, 0
    usage = data.get("usage") if isinstance(data, dict) else None
    if not isinstance(usage, dict):
        return 0, 0
    return _count(usage.get("prompt_tokens")), _count(usage.get("completion_tokens"))


def _count(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return 0
    try:
        return max(int(value), 0)
    except ValueError:
        return 0


def _status_error(model: str, response: httpx.Response, settings: ClientSettings) -> ApiError:
    status = response.status_code
    detail = settings.redact(response.text)[:300].strip()
    if status in (401, 403):
        where = (f"set a valid key in {settings.key_env}" if settings.key_env
                 else "this endpoint gets no key; name its variable with --llm-api-key-env")
        message = f"{model}: the endpoint refused the API key (HTTP {status}): {where}"
    elif status == 404:
        message = (f"{model}: HTTP 404 from the endpoint (unknown model id or wrong base "
                   f"URL): {detail}")
    else:
        message = f"{model}: HTTP {status} from the endpoint: {detail}"
    return ApiError(message, status=status)


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            seconds = email.utils.parsedate_to_datetime(value).timestamp() - time.time()
        except (TypeError, ValueError):
            return None
    return min(max(seconds, 0.0), MAX_RETRY_AFTER_S)
