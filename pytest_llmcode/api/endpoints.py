"""Which endpoint answers a model, and which key it gets.

Keys are bound to endpoints, as the OpenAI SDK binds OPENAI_API_KEY to the base URL it is
given: the default gateway gets only its own variables (GLOBAL_API_KEY, GLOBAL_APIS_KEY);
OPENAI_API_KEY goes to OpenAI's API and to a base URL the user chose; a variable the user
names (option, ini, catalog field) goes to that model's endpoint alone. No key is ever sent
to an endpoint it was not meant for, and no key is ever shown: only its variable's name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping
from urllib.parse import urlsplit

GATEWAY_HOST = "global-apis.com"
GATEWAY_KEYS = ("GLOBAL_API_KEY", "GLOBAL_APIS_KEY")
OPENAI_HOST = "api.openai.com"
OPENAI_KEY = "OPENAI_API_KEY"
KNOWN_KEYS = (*GATEWAY_KEYS, OPENAI_KEY)


def endpoint_key(base_url: str) -> str:
    """host[:port]/path/chat/completions: no scheme, no credentials, no query."""
    parts = urlsplit(base_url)
    host = parts.hostname or ""
    if parts.port:
        host += f":{parts.port}"
    return host + parts.path.rstrip("/") + "/chat/completions"


def shown_url(base_url: str) -> str:
    """The URL as shown to people: any user:password@ part dropped."""
    parts = urlsplit(base_url)
    if "@" not in parts.netloc:
        return base_url
    return parts._replace(netloc=parts.netloc.rpartition("@")[2]).geturl()


@dataclass(frozen=True)
class Endpoint:
    base_url: str
    key_env: str | None  # the variable the key is read from; None: this endpoint gets none
    api_key: str | None = field(repr=False, compare=False)
    key_required: bool  # hosted endpoints, and any whose variable the user named
    concurrency: int
    rpm: int | None = None

    def __repr__(self) -> str:
        return (f"Endpoint(base_url={shown_url(self.base_url)!r}, key_env={self.key_env!r}, "
                f"key_required={self.key_required!r}, concurrency={self.concurrency!r}, "
                f"rpm={self.rpm!r})")

    @property
    def host(self) -> str:
        return urlsplit(self.base_url).netloc.rpartition("@")[2]

    @property
    def key(self) -> str:
        """How cassettes and reports name the endpoint."""
        return endpoint_key(self.base_url)

    @property
    def missing_key_reason(self) -> str | None:
        if self.api_key or not self.key_required:
            return None
        wanted = self.key_env or GATEWAY_KEYS[0]
        also = f" (or {GATEWAY_KEYS[1]})" if wanted == GATEWAY_KEYS[0] else ""
        why = (f"; {OPENAI_KEY} is sent only to {OPENAI_HOST} and to a base URL you choose"
               if self.host == GATEWAY_HOST else "")
        return f"no API key for {self.host}: set {wanted}{also}{why}"

    def key_line(self) -> str:
        """What the header says about the key: the variable's name, never its value."""
        if self.api_key:
            return f"{self.host}: key from {self.key_env}"
        if self.key_env and self.key_required:
            return f"{self.host}: no key ({self.key_env} is not set)"
        if self.key_env:
            return f"{self.host}: no key sent ({self.key_env} is not set)"
        return f"{self.host}: no key sent"


def key_variables(base_url: str, explicit: bool, named: str | None) -> tuple[str, ...]:
    """The variables an endpoint may take its key from, in order of preference."""
    if named:
        return (named,)
    host = urlsplit(base_url).hostname or ""
    if host == GATEWAY_HOST:
        return GATEWAY_KEYS
    if host == OPENAI_HOST or explicit:
        return (OPENAI_KEY,)
    return ()


def resolve_endpoint(
    base_url: str,
    explicit: bool,
    named_key_env: str | None,
    environ: Mapping[str, str],
    concurrency: int,
    rpm: int | None,
) -> Endpoint:
    """explicit: the user chose this base URL (option, ini, environment, catalog)."""
    candidates = key_variables(base_url, explicit, named_key_env)
    key_env = next((v for v in candidates if environ.get(v)), candidates[0] if candidates
                   else None)
    host = urlsplit(base_url).hostname or ""
    return Endpoint(
        base_url=base_url.rstrip("/"),
        key_env=key_env,
        api_key=(environ.get(key_env) or None) if key_env else None,
        key_required=bool(named_key_env) or host in (GATEWAY_HOST, OPENAI_HOST),
        concurrency=concurrency,
        rpm=rpm,
    )


@dataclass(frozen=True)
class Route:
    """Where a model's requests go and what they carry besides model and messages."""

    endpoint: Endpoint
    params: Mapping[str, Any] = field(default_factory=dict)

    @property
    def max_tokens(self) -> int | None:
        value = self.params.get("max_tokens")
        return value if isinstance(value, int) else None
