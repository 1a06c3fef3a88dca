"""Chat-completions client: one httpx client per session, retries only where they help."""

from __future__ import annotations

import email.utils
import random
import time
from dataclasses import dataclass
from typing import Any, Callable

import httpx

RETRY_STATUSES = frozenset({408, 409, 429, 500, 502, 503, 504})
MAX_RETRY_AFTER_S = 60.0


class ApiError(Exception):
    """The endpoint could not give an answer: an infrastructure error, not the model's fault."""

    def __init__(self, message: str, status: int | None = None, attempts: int = 1) -> None:
        super().__init__(message)
        self.status = status
        self.attempts = attempts


@dataclass(frozen=True)
class Completion:
    text: str
    served_model: str
    prompt_tokens: int
    completion_tokens: int
    latency_s: float
    attempts: int = 1
    waited_s: float = 0.0


@dataclass(frozen=True)
class ClientSettings:
    base_url: str
    api_key: str | None
    key_env: str
    timeout_s: float = 120.0
    retries: int = 2
    backoff_s: float = 1.0


class ChatClient:
    def __init__(self, settings: ClientSettings, sleep: Callable[[float], None] = time.sleep):
        self.settings = settings
        self._sleep = sleep
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
        self._http.close()

    def complete(self, model: str, messages: list[dict[str, str]], **params: Any) -> Completion:
        body = {"model": model, "messages": messages, **params}
        attempts = 0
        waited = 0.0
        while True:
            attempts += 1
            started = time.monotonic()
            try:
                response = self._http.post("chat/completions", json=body)
            except httpx.TimeoutException:
                failure: ApiError = ApiError(
                    f"{model}: no answer within {self.settings.timeout_s:g} s "
                    f"from {self.settings.base_url}"
                )
                retry_after = None
            except httpx.TransportError as exc:
                failure = ApiError(f"{model}: cannot reach {self.settings.base_url}: {exc}")
                retry_after = None
            else:
                latency = time.monotonic() - started
                if response.status_code == 200:
                    return _parse(model, response, latency, attempts, waited)
                failure = _status_error(model, response, self.settings.key_env)
                if response.status_code not in RETRY_STATUSES:
                    failure.attempts = attempts
                    raise failure
                retry_after = _retry_after(response.headers.get("retry-after"))
            if attempts > self.settings.retries:
                failure.attempts = attempts
                raise failure
            delay = retry_after if retry_after is not None else self._backoff(attempts)
            waited += delay
            self._sleep(delay)

    def _backoff(self, attempt: int) -> float:
        base: float = self.settings.backoff_s * 2 ** (attempt - 1)
        return base * (0.5 + random.random() / 2)


def _parse(
    model: str, response: httpx.Response, latency: float, attempts: int, waited: float
) -> Completion:
    try:
        data = response.json()
        text = data["choices"][0]["message"]["content"] or ""
    except (ValueError, KeyError, IndexError, TypeError):
        raise ApiError(
            f"{model}: the endpoint answered 200 but not with a chat completion: "
            f"{response.text[:200]!r}",
            status=200,
            attempts=attempts,
        ) from None
    usage = data.get("usage") or {}
    return Completion(
        text=str(text),
        served_model=str(data.get("model") or model),
        prompt_tokens=int(usage.get("prompt_tokens") or 0),
        completion_tokens=int(usage.get("completion_tokens") or 0),
        latency_s=latency,
        attempts=attempts,
        waited_s=waited,
    )


def _status_error(model: str, response: httpx.Response, key_env: str) -> ApiError:
    status = response.status_code
    detail = response.text[:300].strip()
    if status in (401, 403):
        message = (
            f"{model}: the endpoint refused the API key (HTTP {status}): "
            f"set a valid key in {key_env}"
        )
    elif status == 404:
        message = f"{model}: HTTP 404 from the endpoint (unknown model id or wrong base URL): {detail}"
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
