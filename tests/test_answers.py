"""The answerer's order of business: cassette first, then the key, then the model chain."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.chat_server import bundled_cases

from pytest_llmcode.api.answers import Answerer, Clients, NoAnswer
from pytest_llmcode.api.cassettes import Cassettes, Recording, endpoint_key, now
from pytest_llmcode.api.client import ChatClient
from pytest_llmcode.api.endpoints import Endpoint, Route, resolve_endpoint
from pytest_llmcode.api.tally import Spend, Tally
from pytest_llmcode.catalog import Catalog
from pytest_llmcode.pipeline import default_messages

CASE = next(c for c in bundled_cases() if c.name == "flatten")
ENDPOINT = endpoint_key("https://global-apis.com/v1")
PARAMS = {"temperature": 0.0}


GATEWAY = resolve_endpoint("https://global-apis.com/v1", explicit=False, named_key_env=None,
                           environ={}, concurrency=8, rpm=None)


def no_client(endpoint: Endpoint) -> ChatClient:
    raise AssertionError("no client may be made: nothing should be requested")


def answerer(tmp_path: Path, mode: str) -> Answerer:
    return Answerer(Clients(no_client), Catalog().get, lambda model: Route(GATEWAY, PARAMS),
                    cassettes=Cassettes(mode, tmp_path))


def test_a_recorded_answer_needs_no_key(tmp_path: Path) -> None:
    request = {"endpoint": ENDPOINT, "model": "deepseek-v4-flash",
               "messages": [{"role": "user", "content": CASE.prompt}], "params": PARAMS}
    store = Cassettes("none", tmp_path)
    store.save(store.path(CASE, "deepseek-v4-flash", 1),
               Recording(request, "deepseek-v4-flash", "served", "```python\nx = 1\n```", 2.5,
                         Spend(1, 0.0, 10, 20, 0.000005), now()), "t")
    tally = Tally(Catalog().get)
    answer = answerer(tmp_path, "none").answer(CASE, "deepseek-v4-flash", 1, tally, default_messages(CASE))
    assert answer.recorded is not None and answer.completion.text == "```python\nx = 1\n```"
    assert tally.snapshot() == Spend()  # this run spent nothing


def test_without_a_recording_a_missing_key_skips(tmp_path: Path) -> None:
    with pytest.raises(NoAnswer, match="no API key") as info:
        answerer(tmp_path, "once").answer(CASE, "deepseek-v4-flash", 1, Tally(Catalog().get), default_messages(CASE))
    assert info.value.skipped


def test_in_mode_none_a_missing_recording_is_an_error_not_a_skip(tmp_path: Path) -> None:
    with pytest.raises(NoAnswer, match="no recorded answer") as info:
        answerer(tmp_path, "none").answer(CASE, "deepseek-v4-flash", 1, Tally(Catalog().get), default_messages(CASE))
    assert not info.value.skipped


def test_the_cassette_key_is_the_messages_actually_sent(tmp_path: Path) -> None:
    custom = [{"role": "system", "content": "Answer tersely."},
              {"role": "user", "content": CASE.prompt}]
    with pytest.raises(NoAnswer) as info:
        answerer(tmp_path, "none").answer(CASE, "deepseek-v4-flash", 1, Tally(Catalog().get),
                                          messages=custom)
    assert "is missing" in str(info.value)
    request = {"endpoint": ENDPOINT, "model": "deepseek-v4-flash", "messages": custom,
               "params": PARAMS}
    store = Cassettes("none", tmp_path)
    store.save(store.path(CASE, "deepseek-v4-flash", 1),
               Recording(request, "deepseek-v4-flash", "s", "x", 1.0, Spend(), now()), "t")
    tally = Tally(Catalog().get)
    assert answerer(tmp_path, "none").answer(CASE, "deepseek-v4-flash", 1, tally,
                                             messages=custom).recorded is not None
    with pytest.raises(NoAnswer, match=r"messages\[0\].content differs from character 0"):
        answerer(tmp_path, "none").answer(CASE, "deepseek-v4-flash", 1, tally, default_messages(CASE))
