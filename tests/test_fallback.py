from __future__ import annotations

import pytest

from pytest_llmcode.api.fallback import FallbackError, parse_fallbacks


def test_chains() -> None:
    assert parse_fallbacks("deepseek-v4-flash=qwen3-coder-30b, a=b=c\nx=y") == {
        "deepseek-v4-flash": ("qwen3-coder-30b",), "a": ("b", "c"), "x": ("y",)}
    assert parse_fallbacks(None) == {} and parse_fallbacks("") == {}


@pytest.mark.parametrize("text, message", [
    ("a", "write MODEL=FALLBACK"), ("a=", "write MODEL=FALLBACK"), ("a=b=a", "appears twice"),
    ("a=reference", "calls no API"), ("a=b,a=c", "two fallback chains"),
])
def test_bad_chains(text: str, message: str) -> None:
    with pytest.raises(FallbackError, match=message):
        parse_fallbacks(text)
