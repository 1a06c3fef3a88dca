"""A real HTTP server on loopback that speaks the chat-completions protocol, for tests.

Each model id is scripted: a function from the request body to a Reply. Requests are
recorded with their start and end times so tests can see concurrency and counts.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Callable

from pytest_llmcode.cases import EvalCase, load_case

EVAL_CASES = Path(__file__).resolve().parents[2] / "eval_cases"


@dataclass
class Reply:
    content: str = ""
    status: int = 200
    delay_s: float = 0.0
    completion_tokens: int | None = None
    prompt_tokens: int = 50
    headers: dict[str, str] = field(default_factory=dict)
    raw_body: str | None = None
    trickle_s: float = 0.0  # before the body, send a space every 0.05 s for this long
    finish_reason: str = "stop"
    reasoning_content: str | None = None  # a separate reasoning field, as DeepSeek-R1 sends
    reasoning_tokens: int | None = None  # usage.completion_tokens_details.reasoning_tokens


Responder = Callable[[dict[str, Any]], Reply]


@dataclass
class Request:
    model: str
    body: dict[str, Any]
    authorization: str | None
    started: float
    ended: float = 0.0


class ChatServer:
    def __init__(self) -> None:
        self.responders: dict[str, Responder] = {}
        self.requests: list[Request] = []
        self._lock = threading.Lock()
        self._in_flight = 0
        self.peak_in_flight = 0
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                server._serve(self, body)

        self._http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._http.daemon_threads = True
        self._thread = threading.Thread(
            target=self._http.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def base_url(self) -> str:
        host, port = self._http.server_address[:2]
        return f"http://{host}:{port}/v1"

    def start(self) -> ChatServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._http.shutdown()
        self._http.server_close()

    @property
    def in_flight(self) -> int:
        with self._lock:
            return self._in_flight

    def script(self, model: str, responder: Responder) -> None:
        self.responders[model] = responder

    def requests_for(self, model: str) -> list[Request]:
        return [r for r in self.requests if r.model == model]

    def _serve(self, handler: BaseHTTPRequestHandler, body: dict[str, Any]) -> None:
        model = str(body.get("model"))
        record = Request(model, body, handler.headers.get("Authorization"), time.monotonic())
        with self._lock:
            self.requests.append(record)
            self._in_flight += 1
            self.peak_in_flight = max(self.peak_in_flight, self._in_flight)
        try:
            responder = self.responders.get(model)
            if handler.path != "/v1/chat/completions":
                reply = Reply(status=404, raw_body='{"error": "no such path"}')
            elif responder is None:
                reply = Reply(status=404, raw_body=json.dumps({"error": f"model {model} not found"}))
            else:
                reply = responder(body)
            if reply.delay_s:
                time.sleep(reply.delay_s)
            payload = reply.raw_body
            if payload is None:
                tokens = reply.completion_tokens
                if tokens is None:
                    tokens = len(reply.content.split())
                message = {"role": "assistant", "content": reply.content}
                if reply.reasoning_content is not None:
                    message["reasoning_content"] = reply.reasoning_content
                usage: dict[str, Any] = {"prompt_tokens": reply.prompt_tokens,
                                         "completion_tokens": tokens,
                                         "total_tokens": reply.prompt_tokens + tokens}
                if reply.reasoning_tokens is not None:
                    usage["completion_tokens_details"] = {
                        "reasoning_tokens": reply.reasoning_tokens}
                payload = json.dumps({
                    "id": "chatcmpl-test",
                    "object": "chat.completion",
                    "model": f"{model}-served",
                    "choices": [{"index": 0, "finish_reason": reply.finish_reason,
                                 "message": message}],
                    "usage": usage,
                })
            data = payload.encode()
            padding = int(reply.trickle_s / 0.05)
            try:
                handler.send_response(reply.status)
                handler.send_header("Content-Type", "application/json")
                handler.send_header("Content-Length", str(padding + len(data)))
                for key, value in reply.headers.items():
                    handler.send_header(key, value)
                handler.end_headers()
                for _ in range(padding):
                    handler.wfile.write(b" ")
                    handler.wfile.flush()
                    time.sleep(0.05)
                handler.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass
        finally:
            with self._lock:
                self._in_flight -= 1
                record.ended = time.monotonic()


# -- scripted answers built from the bundled cases ---------------------------------------

def bundled_cases() -> list[EvalCase]:
    return [load_case(p) for p in sorted(EVAL_CASES.glob("*/case.yaml"))]


def case_for(body: dict[str, Any]) -> EvalCase:
    prompt = body["messages"][-1]["content"]
    for case in bundled_cases():
        if case.prompt == prompt:
            return case
    raise LookupError("the prompt matches no bundled case")


def fenced(language: str, code: str, prose: bool = True) -> str:
    text = f"```{language}\n{code}```\n"
    if prose:
        text = "Here is my solution.\n\n" + text + "\nIt handles the edge cases."
    return text


def right_answer(body: dict[str, Any]) -> Reply:
    case = case_for(body)
    return Reply(fenced(case.language, case.reference_file.read_text()))


def wrong_answer(body: dict[str, Any]) -> Reply:
    case = case_for(body)
    return Reply(fenced(case.language, case.wrong_answers()[0].read_text()))


def codeless_answer(body: dict[str, Any]) -> Reply:
    return Reply("I am sorry, I cannot help with that request.")


def failing_answer(body: dict[str, Any]) -> Reply:
    return Reply(status=500, raw_body='{"error": {"message": "upstream exploded"}}')
