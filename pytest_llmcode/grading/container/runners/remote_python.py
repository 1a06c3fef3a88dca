"""Test side of isolated grading (Python): the stand-in `solution` module forwards calls.

The stand-in file is one line, `from remote_python import __getattr__`, so
`from solution import flatten` gives a function that calls the answer in its own container.
"""

from __future__ import annotations

import builtins
import os
import socket
import time

from plaindata import NotPlainData, decode, dumps, encode, loads

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Callable

ADDRESS = ("127.0.0.1", int(os.environ.get("LLMCODE_CALL_PORT", "8080")))
DEADLINE = float(os.environ.get("LLMCODE_DEADLINE", "0")) or time.time() + 60


class RemoteError(Exception):
    """An exception raised by the answer that has no built-in counterpart here."""


def call(name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    try:
        payload = dumps({"call": name, "args": encode(list(args)), "kwargs": encode(kwargs)})
    except NotPlainData as exc:
        raise TypeError(f"isolated grading passes only plain data to the answer: {exc}") from None
    remaining = max(DEADLINE - time.time(), 0.1)
    with socket.create_connection(ADDRESS, timeout=remaining) as conn:
        conn.sendall(payload.encode())
        with conn.makefile("rb") as stream:
            line = stream.readline(64 << 20)
    if not line:
        raise ConnectionError("the answer's process closed the connection (it may have exited)")
    reply = loads(line)
    if "ok" in reply:
        return decode(reply["ok"])
    error = reply.get("error") or {}
    kind = getattr(builtins, str(error.get("type")), None)
    if isinstance(kind, type) and issubclass(kind, Exception):
        try:
            exception = kind(error.get("message", ""))
        except TypeError:  # a built-in exception with a richer constructor
            exception = None
        if exception is not None:
            raise exception
    raise RemoteError(f"{error.get('type')}: {error.get('message')}")


def __getattr__(name: str) -> Callable[..., Any]:
    if name.startswith("__"):
        raise AttributeError(name)

    def remote(*args: Any, **kwargs: Any) -> Any:
        return call(name, args, kwargs)

    remote.__name__ = name
    return remote
