"""The chat client against the real loopback server."""

from __future__ import annotations

import email.utils
import socket
import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from support.chat_server import ChatServer, Reply

from pytest_llmcode.api.client import MAX_RETRY_AFTER_S, ChatClient, ClientSettings
from pytest_llmcode.api.errors import ApiError, Interrupted


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


# -- retries, waits, usage of failed attempts, timeouts, interruption ---------------------

class Recorder:
    """An AttemptObserver that keeps every event."""

    def __init__(self) -> None:
        self.events: list[tuple[str, ...]] = []

    def sent(self, model: str) -> None:
        self.events.append(("sent", model))

    def answered(self, model: str, prompt_tokens: int, completion_tokens: int) -> None:
        self.events.append(("answered", model, str(prompt_tokens), str(completion_tokens)))

    def unanswered(self, model: str) -> None:
        self.events.append(("unanswered", model))

    def not_sent(self, model: str) -> None:
        self.events.append(("not_sent", model))

    def waited(self, seconds: float) -> None:
        self.events.append(("waited", f"{seconds:.3f}"))


def test_429_with_retry_after_then_503_then_success(chat_server: ChatServer) -> None:
    replies = iter([
        Reply(status=429, raw_body="{}", headers={"Retry-After": "7"}),
        Reply(status=503, raw_body='{"usage": {"prompt_tokens": 11, "completion_tokens": 2}}'),
        Reply("ok", prompt_tokens=5, completion_tokens=3),
    ])
    chat_server.script("m", lambda body: next(replies))
    client = client_for(chat_server, retries=2)
    recorder = Recorder()
    completion = client.complete("m", [], recorder)
    client.close()
    waits = client.waits  # type: ignore[attr-defined]
    assert completion.attempts == 3 and len(chat_server.requests) == 3
    assert waits[0] == 7.0  # Retry-After in seconds, honoured exactly
    assert 0.005 <= waits[1] <= 0.02  # then exponential backoff with jitter: 0.01 * 2 * [0.5, 1]
    assert completion.waited_s == pytest.approx(sum(waits))
    # Every attempt reports what the endpoint billed, failed ones included.
    assert [e for e in recorder.events if e[0] != "waited"] == [
        ("sent", "m"), ("answered", "m", "0", "0"),
        ("sent", "m"), ("answered", "m", "11", "2"),
        ("sent", "m"), ("answered", "m", "5", "3"),
    ]
    assert [e for e in recorder.events if e[0] == "waited"] == [("waited", f"{w:.3f}") for w in waits]


def test_retry_after_as_http_date_and_its_cap(chat_server: ChatServer) -> None:
    soon = email.utils.format_datetime(datetime.now(timezone.utc) + timedelta(seconds=30),
                                       usegmt=True)
    replies = iter([Reply(status=503, raw_body="{}", headers={"Retry-After": soon}),
                    Reply(status=429, raw_body="{}", headers={"Retry-After": "3600"}),
                    Reply("ok")])
    chat_server.script("m", lambda body: next(replies))
    client = client_for(chat_server, retries=2)
    client.complete("m", [])
    client.close()
    first, second = client.waits  # type: ignore[attr-defined]
    assert 25 < first <= 30  # the date, read as seconds from now
    assert second == MAX_RETRY_AFTER_S  # an hour is capped


def test_a_server_that_never_recovers_fails_after_exactly_the_allowed_attempts(
    chat_server: ChatServer,
) -> None:
    chat_server.script("m", lambda body: Reply(status=503, raw_body="overloaded"))
    client = client_for(chat_server, retries=3)
    with pytest.raises(ApiError, match="HTTP 503") as info:
        client.complete("m", [])
    client.close()
    waits = client.waits  # type: ignore[attr-defined]
    assert len(chat_server.requests) == 4 and info.value.attempts == 4
    assert len(waits) == 3 and info.value.waited_s == pytest.approx(sum(waits))
    assert waits == sorted(waits)  # exponential: each backoff window doubles


def test_a_stalled_server_hits_the_timeout(chat_server: ChatServer) -> None:
    chat_server.script("m", lambda body: Reply("late", delay_s=3.0))
    client = client_for(chat_server, retries=1, timeout=0.3)
    recorder = Recorder()
    with pytest.raises(ApiError, match=r"no answer within 0.3 s") as info:
        client.complete("m", [], recorder)
    client.close()
    assert info.value.attempts == 2 and len(chat_server.requests) == 2
    # Sent but never answered: counted as such, since what was billed is unknown.
    assert [e[0] for e in recorder.events if e[0] != "waited"] == [
        "sent", "unanswered", "sent", "unanswered"]


def test_a_trickling_server_hits_the_timeout_too(chat_server: ChatServer) -> None:
    # A byte every 0.05 s keeps a read timeout from ever firing; the deadline still does.
    chat_server.script("m", lambda body: Reply("late", trickle_s=5.0))
    client = client_for(chat_server, retries=0, timeout=0.5)
    with pytest.raises(ApiError, match=r"no answer within 0.5 s") as info:
        client.complete("m", [])
    client.close()
    assert info.value.attempts == 1 and len(chat_server.requests) == 1


def test_connection_refused_is_retried_and_never_counted_as_sent(tmp_path: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed again: nothing listens there
    waits: list[float] = []
    client = ChatClient(ClientSettings(f"http://127.0.0.1:{port}/v1", None, "K", 5.0, 2, 0.01),
                        sleep=waits.append)
    recorder = Recorder()
    with pytest.raises(ApiError, match="cannot reach") as info:
        client.complete("m", [], recorder)
    client.close()
    assert info.value.attempts == 3 and len(waits) == 2
    assert [e[0] for e in recorder.events if e[0] != "waited"] == ["sent", "not_sent"] * 3


def test_closing_the_client_ends_a_retry_after_wait(chat_server: ChatServer) -> None:
    chat_server.script("m", lambda body: Reply(status=429, raw_body="{}",
                                               headers={"Retry-After": "60"}))
    client = ChatClient(ClientSettings(chat_server.base_url, None, "K", 5.0, 2))
    errors: list[BaseException] = []

    def call() -> None:
        try:
            client.complete("m", [])
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    worker = threading.Thread(target=call)
    worker.start()
    while not chat_server.requests or not chat_server.requests[0].ended:
        time.sleep(0.01)  # poll until the first 429 went out
    client.close()
    worker.join(30)  # a safety bound only: the wait itself is 60 s
    assert not worker.is_alive()
    assert len(errors) == 1 and isinstance(errors[0], Interrupted)
    assert errors[0].attempts == 1 and len(chat_server.requests) == 1
