"""A model's answer to one request, as the endpoint gave it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Completion:
    text: str
    served_model: str
    prompt_tokens: int
    completion_tokens: int
    latency_s: float
    attempts: int = 1
    waited_s: float = 0.0
    finish_reason: str | None = None  # "length": cut off by max_tokens
    reasoning_tokens: int = 0  # of completion_tokens, as the endpoint reported them
    endpoint: str = ""  # host/path of the endpoint that answered (endpoints.endpoint_key)

    @property
    def cut_off(self) -> bool:
        return self.finish_reason == "length"
