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
