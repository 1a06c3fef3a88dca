"""Candidate side of isolated grading (Python): import the answer, serve calls as JSON lines.

Runs in the candidate's container, which holds no hidden test and no report: serve.py
calls serve(WORKDIR, MODULE, PORT) in a fork of itself.
"""

from __future__ import annotations

import importlib
import socketserver
import sys
import threading

from plaindata import NotPlainData, decode, dumps, encode, loads

TYPE_CHECKING = False  # not typing's: importing typing costs every answer's container
if TYPE_CHECKING:
    from typing import Any

MAX_LINE = 16 << 20
MAX_MESSAGE = 64 << 10
loaded = threading.Event()
state: dict[str, Any] = {}


class Handler(socketserver.StreamRequestHandler):
    def handle(self) -> None:
        for line in iter(lambda: self.rfile.readline(MAX_LINE), b""):
            self.wfile.write(dumps(respond(line)).encode())
            self.wfile.flush()


def respond(line: bytes) -> dict[str, Any]:
    loaded.wait()
    if "error" in state:
        return {"error": state["error"]}
    try:
        request = loads(line)
        function = getattr(state["module"], request["call"])
        result = function(*decode(request.get("args", [])), **decode(request.get("kwargs", {})))
    except BaseException as exc:  # noqa: BLE001 - the answer's own, reported to the test
        return {"error": describe_exception(exc)}
    try:
        return {"ok": encode(result)}
    except NotPlainData as exc:
        return {"error": {"type": "NotPlainData", "message": f"the answer returned {exc}"}}


def describe_exception(exc: BaseException) -> dict[str, Any]:
    """The answer's exception as the test side rebuilds it: its class name, the nearest
    built-in class it derives from, its arguments (when plain data) and its message, and
    the answer's own lines of the traceback (never this shim's)."""
    kind = type(exc)
    builtin = next(c.__name__ for c in kind.__mro__ if c.__module__ == "builtins")
    error: dict[str, Any] = {"type": kind.__name__, "builtin": builtin,
                             "message": _text(exc)[:MAX_MESSAGE]}
    try:
        error["args"] = encode(list(exc.args))
        dumps(error["args"])
    except (NotPlainData, ValueError, TypeError, RecursionError):
        error.pop("args", None)
    error["traceback"] = answer_traceback(exc)
    return error


def answer_traceback(exc: BaseException) -> str:
    """The traceback's frames that are the answer's own."""
    workdir = state.get("workdir", "\0")
    try:
        import traceback  # here: only an answer that raises needs it

        frames = [f for f in traceback.extract_tb(exc.__traceback__)
                  if f.filename.startswith(workdir)]
        return "".join(traceback.format_list(frames))[-MAX_MESSAGE:]
    except Exception:  # noqa: BLE001 - a traceback is a courtesy
        return ""


def _text(exc: BaseException) -> str:
    try:
        return str(exc)
    except Exception:  # noqa: BLE001 - the answer's __str__ may raise
        return f"<{type(exc).__name__} whose message could not be read>"


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


def serve(workdir: str, module: str, port: int) -> None:
    server = Server(("127.0.0.1", port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    sys.path.insert(0, workdir)
    state["workdir"] = workdir.rstrip("/") + "/"
    try:
        state["module"] = importlib.import_module(module)
    except BaseException as exc:  # noqa: BLE001 - the answer's own, reported to the test
        import traceback

        shown = traceback.TracebackException.from_exception(exc)
        shown.stack = traceback.StackSummary.from_list(
            [f for f in shown.stack if f.filename.startswith(state["workdir"])])
        sys.stderr.write("".join(shown.format()))
        state["error"] = {**describe_exception(exc),
                          "message": f"importing the answer failed: {_text(exc)}"}
        state["error"].pop("args", None)
    loaded.set()
    threading.Event().wait()

