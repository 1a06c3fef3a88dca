"""Keys bound to endpoints, and redaction that alters nothing but secrets."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pytest_llmcode.api.endpoints import resolve_endpoint, shown_url
from pytest_llmcode.api.redact import MARK, MIN_SECRET_CHARS, Redactor

GATEWAY = "https://global-apis.com/v1"
EVERY_KEY = {"GLOBAL_API_KEY": "sk-gateway-0001", "GLOBAL_APIS_KEY": "sk-gateway-0002",
             "OPENAI_API_KEY": "sk-openai-0003", "MY_KEY": "sk-mine-0004"}


def endpoint(url: str, environ: dict[str, str], explicit: bool = True, named: str | None = None
             ) -> tuple[str | None, str | None, str | None]:
    e = resolve_endpoint(url, explicit, named, environ, 8, None)
    return e.key_env, e.api_key, e.missing_key_reason


def test_the_default_gateway_never_gets_the_openai_key() -> None:
    key_env, key, missing = endpoint(GATEWAY, {"OPENAI_API_KEY": "sk-openai-0003"}, False)
    assert key is None and key_env == "GLOBAL_API_KEY"
    assert missing is not None and "set GLOBAL_API_KEY (or GLOBAL_APIS_KEY)" in missing


def test_the_gateway_takes_its_own_variables_in_order() -> None:
    assert endpoint(GATEWAY, EVERY_KEY, False)[:2] == ("GLOBAL_API_KEY", "sk-gateway-0001")
    assert endpoint(GATEWAY, {"GLOBAL_APIS_KEY": "sk-gateway-0002"}, False)[:2] == \
        ("GLOBAL_APIS_KEY", "sk-gateway-0002")
    # Typed explicitly, the gateway is still the gateway.
    assert endpoint(GATEWAY, EVERY_KEY, True)[:2] == ("GLOBAL_API_KEY", "sk-gateway-0001")


@pytest.mark.parametrize("url", ["https://api.openai.com/v1", "http://127.0.0.1:8091/v1"])
def test_openai_key_goes_to_openai_and_to_a_chosen_base_url(url: str) -> None:
    assert endpoint(url, EVERY_KEY)[:2] == ("OPENAI_API_KEY", "sk-openai-0003")


def test_a_local_server_needs_no_key_and_never_gets_the_gateway_key() -> None:
    key_env, key, missing = endpoint("http://127.0.0.1:8091/v1",
                                     {"GLOBAL_API_KEY": "sk-gateway-0001"})
    assert key is None and missing is None and key_env == "OPENAI_API_KEY"


def test_a_named_variable_is_the_only_one_used_and_is_required() -> None:
    assert endpoint(GATEWAY, EVERY_KEY, named="MY_KEY")[:2] == ("MY_KEY", "sk-mine-0004")
    _, key, missing = endpoint("http://127.0.0.1:1/v1", {"OPENAI_API_KEY": "x" * 20},
                               named="MY_KEY")
    assert key is None and missing == "no API key for 127.0.0.1:1: set MY_KEY"


def test_the_header_line_names_the_variable_never_the_key() -> None:
    e = resolve_endpoint(GATEWAY, False, None, EVERY_KEY, 8, None)
    assert e.key_line() == "global-apis.com: key from GLOBAL_API_KEY"
    assert "sk-" not in repr(e)


def test_credentials_in_a_base_url_are_never_shown() -> None:
    url = "https://user:sk-in-the-url-12345@llm.example/v1"
    e = resolve_endpoint(url, True, None, {}, 8, None)
    assert "sk-in-the-url" not in repr(e) and "llm.example/v1" in repr(e)
    assert shown_url(url) == "https://llm.example/v1"
    assert shown_url("http://127.0.0.1:8080/v1") == "http://127.0.0.1:8080/v1"


def test_redaction_replaces_long_keys_and_nothing_else() -> None:
    redact = Redactor(["x", "text", "sk-live-abcdef123", None, ""])
    assert redact("text: x sk-live-abcdef123!") == f"text: x {MARK}!"


@given(st.text(min_size=1, max_size=MIN_SECRET_CHARS - 1), st.text())
def test_a_short_key_never_alters_text(key: str, text: str) -> None:
    assert Redactor([key])(text) == text


@given(st.text(min_size=MIN_SECRET_CHARS, max_size=40), st.text(), st.text())
def test_a_long_key_never_survives(key: str, before: str, after: str) -> None:
    assert key not in Redactor([key])(before + key + after) or key in MARK
