"""Candidate side of isolated grading (Python): import the answer, serve calls as JSON lines.

Runs in the candidate's container, which holds no hidden test and no report: serve.py
calls serve(WORKDIR, MODULE, PORT) in a fork of itself.
"""

from __future__ import annotations

import importlib
import socketserver
import sys
import threading
import traceback

from plaindata import NotPlainData, decode, dumps, encode, loads

TYPE_CHECKING = False  # not typing's: importing typing costs every answer's container
if TYPE_CHECKING:
    from typing import Any

MAX_LINE = 16 << 20
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
        return {"ok": encode(result)}
    except NotPlainData as exc:
        return {"error": {"type": "NotPlainData", "message": f"the answer returned {exc}"}}
    except AttributeError as exc:
        return {"error": {"type": "AttributeError", "message": str(exc)}}
    except BaseException as exc:  # noqa: BLE001 - the answer's own, reported to the test
        return {"error": {"type": type(exc).__name__, "message": str(exc)[:2000]}}


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


def serve(workdir: str, module: str, port: int) -> None:
    server = Server(("127.0.0.1", port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    sys.path.insert(0, workdir)
    try:
        state["module"] = importlib.import_module(module)
    except BaseException as exc:  # noqa: BLE001 - the answer's own, reported to the test
        traceback.print_exc()
        state["error"] = {"type": type(exc).__name__,
                          "message": f"importing the answer failed: {exc}"}
    loaded.set()
    threading.Event().wait()

