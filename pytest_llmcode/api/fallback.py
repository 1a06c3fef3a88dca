"""`--llm-fallback`: which models answer instead when a model's request fails.

`deepseek-v4-flash=qwen3-coder-30b` asks qwen3-coder-30b when deepseek-v4-flash ends in an
API error after its retries; `a=b=c` is a chain; chains are separated by commas or
whitespace. A wrong answer is an answer: it never triggers a fallback.
"""

from __future__ import annotations

import re

from ..catalog import REFERENCE_MODEL

Chains = dict[str, tuple[str, ...]]


class FallbackError(ValueError):
    """A fallback specification the user wrote is malformed."""


def parse_fallbacks(text: str | None) -> Chains:
    chains: Chains = {}
    for spec in re.split(r"[,\s]+", text or ""):
        if not spec:
            continue
        models = [m.strip() for m in spec.split("=")]
        if len(models) < 2 or not all(models):
            raise FallbackError(
                f"--llm-fallback {spec!r}: write MODEL=FALLBACK (or MODEL=FALLBACK=NEXT)"
            )
        if len(set(models)) != len(models):
            raise FallbackError(f"--llm-fallback {spec!r}: a model appears twice in the chain")
        if REFERENCE_MODEL in models:
            raise FallbackError(f"--llm-fallback {spec!r}: `{REFERENCE_MODEL}` calls no API")
        if models[0] in chains:
            raise FallbackError(f"--llm-fallback: {models[0]} has two fallback chains")
        chains[models[0]] = tuple(models[1:])
    return chains
