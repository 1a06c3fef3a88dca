"""Test side of isolated grading (Python): the stand-in `solution` module forwards calls.

The stand-in file is one line, `from remote_python import __getattr__`, so
`from solution import flatten` gives a function that calls the answer in its own container.
"""

from __future__ import annotations

import builtins
import os
import socket
import time

import plaindata
from plaindata import decode, dumps, encode, loads

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Callable

ADDRESS = ("127.0.0.1", int(os.environ.get("LLMCODE_CALL_PORT", "8080")))
DEADLINE = float(os.environ.get("LLMCODE_DEADLINE", "0")) or time.time() + 60


class RemoteError(Exception):
    """An exception raised by the answer whose class cannot be rebuilt here."""

    __module__ = "isolation"  # what a failing test's traceback names


class NotPlainData(Exception):
    """The answer returned what cannot cross (never a built-in error a test may expect)."""

    __module__ = "isolation"


def call(name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    __tracebackhide__ = True  # the test's traceback shows the test and the answer, not this
    try:
        payload = dumps({"call": name, "args": encode(list(args)), "kwargs": encode(kwargs)})
    except plaindata.NotPlainData as exc:
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
    raise rebuild(reply.get("error") or {})


def rebuild(error: dict[str, Any]) -> BaseException:
    """The answer's exception, as it raised it: a built-in class with its arguments, or a
    class of the same name deriving from the built-in one the answer's class derives from
    (so `pytest.raises(ValueError)` catches the answer's `class Invalid(ValueError)`); its
    message is the answer's either way. The answer's own traceback lines follow as a note."""
    name, message = str(error.get("type")), str(error.get("message", ""))
    if name == "NotPlainData" and "builtin" not in error:
        return NotPlainData(message)
    base = getattr(builtins, str(error.get("builtin")), None)
    if not (isinstance(base, type) and issubclass(base, Exception)):
        return RemoteError(f"{name}: {message}")
    args = decode(error["args"]) if isinstance(error.get("args"), list) else [message]
    exception: BaseException | None = None
    if base.__name__ == name:
        try:
            exception = base(*args)
        except Exception:  # noqa: BLE001 - a built-in with a richer constructor
            exception = None
        if exception is None or str(exception) != message:
            exception = _named(name, base, message, args)
    elif name.isidentifier() and len(name) <= 200:
        exception = _named(name, base, message, args)
    else:
        return RemoteError(f"{name}: {message}")
    tb = str(error.get("traceback") or "")
    if tb:
        exception.add_note("raised by the answer at:\n" + tb.rstrip("\n"))
    return exception


def _named(name: str, base: type[Exception], message: str, args: list[Any]) -> BaseException:
    cls = type(name, (base,), {"__module__": "solution", "__str__": lambda self: message})
    made = None
    for arguments in (args, []):  # the answer's class may take other arguments than its base
        try:
            made = cls(*arguments)
            break
        except Exception:  # noqa: BLE001
            continue
    if not isinstance(made, BaseException):
        return RemoteError(f"{name}: {message}")
    made.args = tuple(args)
    return made


def __getattr__(name: str) -> Callable[..., Any]:
    if name.startswith("__"):
        raise AttributeError(name)

    def remote(*args: Any, **kwargs: Any) -> Any:
        __tracebackhide__ = True
        return call(name, args, kwargs)

    remote.__name__ = name
    return remote
