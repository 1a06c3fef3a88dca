"""Cassettes: the file format, request matching and the four record modes."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support.chat_server import bundled_cases

from pytest_llmcode.api.cassettes import (
    Cassettes,
    Recording,
    dump,
    endpoint_key,
    first_difference,
    load,
    now,
)
from pytest_llmcode.api.redact import MIN_SECRET_CHARS, Redactor
from pytest_llmcode.api.tally import Spend

CASE = next(c for c in bundled_cases() if c.name == "flatten")
REQUEST = {
    "endpoint": "api.example:8443/v1/chat/completions",
    "model": "m",
    "messages": [{"role": "user", "content": CASE.prompt}],
    "params": {"temperature": 0.0},
}
TRICKY = "```python\ndef f():\n\treturn 'x'  \n```\n\nünïcode \\ \"quotes\"\r\nend "


def recording(text: str = "```python\nx = 1\n```", answered_by: str = "m") -> Recording:
    return Recording(REQUEST, answered_by, "m-served", text, 1.25,
                     Spend(1, 0.0, 50, 20, 0.00001), now())


def test_endpoint_key_drops_scheme_and_credentials() -> None:
    assert endpoint_key("https://user:pw@api.example:8443/v1/") == "api.example:8443/v1/chat/completions"
    assert endpoint_key("https://global-apis.com/v1") == "global-apis.com/v1/chat/completions"


@pytest.mark.parametrize("text", [TRICKY, "", "one line", "trailing newline\n", "  lead\n\n"])
def test_round_trip_is_exact(tmp_path: Path, text: str) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(dump(recording(text)))
    loaded = load(path)
    assert loaded.text == text and loaded.request == REQUEST
    assert loaded.spend == Spend(1, 0.0, 50, 20, 0.00001) and loaded.latency_s == 1.25


def test_multi_line_text_is_a_readable_block(tmp_path: Path) -> None:
    text = dump(recording("```python\ndef f():\n    return 1\n```\n"))
    assert "  text: |" in text and "    def f():\n        return 1\n" in text


def test_keys_never_reach_a_cassette(tmp_path: Path) -> None:
    store = Cassettes("once", tmp_path, Redactor(("sk-live-123",)))
    path = store.path(CASE, "m", 1)
    store.save(path, recording("echoing sk-live-123 back"), "flatten x m x sample 1")
    text = path.read_text()
    assert "sk-live-123" not in text and "[redacted]" in text
    assert "Authorization" not in text and "Bearer" not in text
    assert text.startswith("# pytest-llmcode cassette: flatten x m x sample 1\n")


@pytest.mark.parametrize("key", ["x", "t", "text", "sk-1", "a" * (MIN_SECRET_CHARS - 1)])
def test_a_short_dummy_key_never_alters_a_cassette(tmp_path: Path, key: str) -> None:
    """`x` is the usual key of a local server: it must not turn `text:` into
    `te[redacted]t:`. Short keys travel only in the request header, never stored."""
    store = Cassettes("once", tmp_path, Redactor((key,)))
    path = store.path(CASE, "m", 1)
    saved = recording(TRICKY + " text x sk-1 aaaa")  # once: it carries the time it was made
    store.save(path, saved, "flatten x m x sample 1")
    assert "[redacted]" not in path.read_text()
    assert load(path) == saved


@settings(max_examples=200, deadline=None)
@given(key=st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=12),
       text=st.text(max_size=200))
def test_any_key_and_any_reply_round_trip(tmp_path_factory: pytest.TempPathFactory, key: str,
                                          text: str) -> None:
    """Whatever the key and the reply, a written cassette either replays what was redacted
    or is refused when written: never a corrupt file found by the next run."""
    store = Cassettes("once", tmp_path_factory.mktemp("c"), Redactor((key,)))
    path = store.path(CASE, "m", 1)
    answer = Redactor((key,))(text)
    try:
        store.save(path, recording(answer), "t")
    except ValueError as exc:
        assert "did not read back" in str(exc) and not path.exists()
        return
    assert load(path).text == answer


def test_an_unreadable_cassette_names_the_recovery(tmp_path: Path) -> None:
    store = Cassettes("once", tmp_path)
    path = store.path(CASE, "m", 1)
    path.parent.mkdir(parents=True)
    path.write_text("format: 1\nrequest: {}\n")
    found = store.lookup(path, REQUEST, ())
    assert found.miss is not None and "--llm-record-mode=new" in found.miss


def test_where_cassettes_live(tmp_path: Path) -> None:
    assert Cassettes("once", None).path(CASE, "org/model:7b", 2) == \
        CASE.folder / ".cassettes" / "org_model_7b-s2.yaml"
    assert Cassettes("once", tmp_path).path(CASE, "m", 1) == tmp_path / "flatten" / "m-s1.yaml"


def test_differences_name_the_field() -> None:
    changed = {**REQUEST, "messages": [{"role": "user", "content": CASE.prompt.replace(
        "recursively", "iteratively")}]}
    message = first_difference(REQUEST, changed)
    assert message is not None and message.startswith("messages[0].content differs from character")
    assert "recursively" in message and "iteratively" in message
    assert first_difference(REQUEST, {**REQUEST, "params": {"temperature": 0.7}}) == \
        "params.temperature differs: recorded 0.0, now 0.7"
    assert first_difference(REQUEST, {**REQUEST, "params": {"temperature": 0.0, "max_tokens": 9}}) \
        == "params.max_tokens is new (the cassette has no params.max_tokens)"
    assert first_difference(REQUEST, {**REQUEST, "model": "other"}) == \
        "model differs: recorded 'm', now 'other'"
    assert first_difference(REQUEST, dict(REQUEST)) is None
    assert first_difference({"t": 0}, {"t": 0.0}) is None


@pytest.mark.parametrize(
    "mode, state, expected",
    [
        ("none", "missing", "miss:is missing"),
        ("none", "same", "replay"),
        ("none", "changed", "miss:does not match"),
        ("once", "missing", "call"),
        ("once", "same", "replay"),
        ("once", "changed", "miss:does not match"),
        ("once", "corrupt", "miss:unreadable"),
        ("new", "missing", "call"),
        ("new", "same", "replay"),
        ("new", "changed", "call"),
        ("new", "corrupt", "call"),
        ("all", "same", "call"),
    ],
)
def test_record_modes(tmp_path: Path, mode: str, state: str, expected: str) -> None:
    store = Cassettes(mode, tmp_path)
    path = store.path(CASE, "m", 1)
    if state != "missing":
        Cassettes("all", tmp_path).save(path, recording(), "t")
    if state == "corrupt":
        path.write_text("format: 1\nrequest: [unclosed\n")
    request = {**REQUEST, "params": {"temperature": 0.5}} if state == "changed" else REQUEST
    found = store.lookup(path, request, ())
    if expected == "replay":
        assert found.recording is not None and found.miss is None
    elif expected == "call":
        assert found.recording is None and found.miss is None
    else:
        assert found.recording is None and found.miss is not None
        assert expected.split(":", 1)[1] in found.miss and str(path) in found.miss


def test_an_answer_from_a_fallback_needs_that_fallback(tmp_path: Path) -> None:
    store = Cassettes("none", tmp_path)
    path = store.path(CASE, "m", 1)
    store.save(path, recording(answered_by="backup"), "t")
    assert store.lookup(path, REQUEST, ("backup",)).recording is not None
    miss = store.lookup(path, REQUEST, ()).miss
    assert miss is not None and "came from fallback backup" in miss
