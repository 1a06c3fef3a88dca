"""The chat client against the real loopback server."""

from __future__ import annotations

import pytest

from chat_server import ChatServer, Reply
from pytest_llmcode.client import ApiError, ChatClient, ClientSettings


def client_for(server: ChatServer, retries: int = 2, timeout: float = 5.0) -> ChatClient:
    waits: list[float] = []
    client = ChatClient(
        ClientSettings(server.base_url, "sk-secret", "GLOBAL_API_KEY", timeout, retries, 0.01),
        sleep=waits.append,
    )
    client.waits = waits  # type: ignore[attr-defined]
    return client


def test_completion_fields(chat_server: ChatServer) -> None:
    chat_server.script("m", lambda body: Reply("hello world", completion_tokens=7, prompt_tokens=3))
    client = client_for(chat_server)
    completion = client.complete("m", [{"role": "user", "content": "hi"}], temperature=0.0)
    client.close()
    assert completion.text == "hello world"
    assert (completion.prompt_tokens, completion.completion_tokens) == (3, 7)
    assert completion.served_model == "m-served"
    assert completion.attempts == 1 and completion.latency_s > 0
    request = chat_server.requests[0]
    assert request.authorization == "Bearer sk-secret"
    assert request.body == {"model": "m", "messages": [{"role": "user", "content": "hi"}],
                            "temperature": 0.0}


def test_retry_after_then_success(chat_server: ChatServer) -> None:
    replies = iter([Reply(status=429, raw_body="{}", headers={"Retry-After": "3"}),
                    Reply(status=503, raw_body="{}"), Reply("ok")])
    chat_server.script("m", lambda body: next(replies))
    client = client_for(chat_server)
    completion = client.complete("m", [])
    client.close()
    assert completion.attempts == 3
    assert client.waits[0] == 3.0  # type: ignore[attr-defined]
    assert len(client.waits) == 2  # type: ignore[attr-defined]


def test_persistent_500_gives_up_after_the_allowed_attempts(chat_server: ChatServer) -> None:
    chat_server.script("m", lambda body: Reply(status=500, raw_body="boom"))
    client = client_for(chat_server, retries=2)
    with pytest.raises(ApiError, match="HTTP 500") as info:
        client.complete("m", [])
    client.close()
    assert info.value.attempts == 3 and len(chat_server.requests) == 3


@pytest.mark.parametrize("status", [400, 401, 403, 404])
def test_client_errors_are_not_retried(chat_server: ChatServer, status: int) -> None:
    chat_server.script("m", lambda body: Reply(status=status, raw_body="nope"))
    client = client_for(chat_server)
    with pytest.raises(ApiError) as info:
        client.complete("m", [])
    client.close()
    assert info.value.status == status and len(chat_server.requests) == 1
    assert "sk-secret" not in str(info.value)


def test_stalled_server_times_out(chat_server: ChatServer) -> None:
    chat_server.script("m", lambda body: Reply("late", delay_s=2.0))
    client = client_for(chat_server, retries=0, timeout=0.3)
    with pytest.raises(ApiError, match="no answer within 0.3 s"):
        client.complete("m", [])
    client.close()


def test_non_completion_body_is_an_error(chat_server: ChatServer) -> None:
    chat_server.script("m", lambda body: Reply(raw_body='{"weird": true}'))
    client = client_for(chat_server)
    with pytest.raises(ApiError, match="not with a chat completion"):
        client.complete("m", [])
    client.close()
