"""Plain data across the container boundary, exactly as the answer produced it.

JSON carries what it can as itself; everything else plain is a one-key object naming its
type: tuples, sets, frozensets, bytes, bytearrays, dicts whose keys are not all strings
(or whose one key is a marker), ints beyond 2**53 and non-finite floats. Only exact
built-in types pass (`type(v) is int`, not a subclass), so an answer cannot smuggle out an
object whose __eq__ says yes to everything; anything else is refused with what it was.
"""

from __future__ import annotations

import base64
import json
import math

TYPE_CHECKING = False  # not typing's: importing typing costs every answer's container
if TYPE_CHECKING:
    from typing import Any

MAX_DEPTH = 2000
SAFE_INT = 2**53  # beyond this a JSON reader may round (JavaScript's does)
MARKERS = ("__tuple__", "__number__", "__undefined__", "__int__", "__set__",
           "__frozenset__", "__bytes__", "__bytearray__", "__dict__")
PLAIN = ("None, bool, int, float, str, bytes, bytearray, list, tuple, dict, set and "
         "frozenset, nested in any way")


class NotPlainData(TypeError):
    pass


def describe(value: Any) -> str:
    """What a value that cannot cross is, and why, for the test's failure message."""
    kind = type(value)
    name = f"{kind.__module__}.{kind.__qualname__}"
    try:
        what = _what(value, kind, name)
    except Exception:  # noqa: BLE001 - the answer's object may raise on any attribute
        what = f"an object of type {name}"
    return (f"{what}; only plain data crosses between the answer's container and the tests' "
            f"({PLAIN}), compared by value")


def _what(value: Any, kind: type, name: str) -> str:
    plain = next((t for t in (bool, int, float, str, bytes, bytearray, list, tuple, dict, set,
                              frozenset) if isinstance(value, t)), None)
    if plain is not None:
        return (f"a subclass of {plain.__name__} ({name}): only the exact built-in types "
                "cross, so no __eq__ of the answer's can decide a comparison")
    if callable(value) and not isinstance(value, type):
        return f"a function or callable ({name})"
    if hasattr(value, "read") or hasattr(value, "fileno"):
        return f"an open file or stream ({name})"
    if kind.__name__ in ("generator", "coroutine", "async_generator") or hasattr(
            value, "__next__"):
        return f"an iterator or generator ({name}): return a list of its items instead"
    if kind.__module__ == "builtins":
        return f"a {name} (a type with no plain form)"
    return f"an object of the answer's own class or a library's ({name})"


def encode(value: Any, depth: int = 0) -> Any:
    if depth > MAX_DEPTH:
        raise NotPlainData("a value nested more than 2000 levels deep")
    kind = type(value)
    if value is None or kind is bool or kind is str:
        return value
    if kind is int:
        return value if -SAFE_INT < value < SAFE_INT else {"__int__": hex(value)}
    if kind is float:
        return value if math.isfinite(value) else {"__number__": repr(value)}
    if kind is list:
        return [encode(v, depth + 1) for v in value]
    if kind is tuple:
        return {"__tuple__": [encode(v, depth + 1) for v in value]}
    if kind is dict:
        if all(type(k) is str for k in value) and not (len(value) == 1 and next(iter(value))
                                                       in MARKERS):
            return {k: encode(v, depth + 1) for k, v in value.items()}
        return {"__dict__": [[encode(k, depth + 1), encode(v, depth + 1)]
                             for k, v in value.items()]}
    if kind is set or kind is frozenset:
        return {f"__{kind.__name__}__": [encode(v, depth + 1) for v in value]}
    if kind is bytes or kind is bytearray:
        return {f"__{kind.__name__}__": base64.b64encode(value).decode("ascii")}
    raise NotPlainData(describe(value))


def decode(value: Any) -> Any:
    if isinstance(value, list):
        return [decode(v) for v in value]
    if isinstance(value, dict):
        if len(value) == 1:
            (key, inner), = value.items()
            if key == "__tuple__":
                return tuple(decode(v) for v in inner)
            if key == "__number__":
                return float(inner)
            if key == "__undefined__":
                return None
            if key == "__int__":
                return int(inner, 16)
            if key == "__set__":
                return {decode(v) for v in inner}
            if key == "__frozenset__":
                return frozenset(decode(v) for v in inner)
            if key == "__bytes__":
                return base64.b64decode(inner)
            if key == "__bytearray__":
                return bytearray(base64.b64decode(inner))
            if key == "__dict__":
                return {decode(k): decode(v) for k, v in inner}
        return {k: decode(v) for k, v in value.items()}
    return value


def dumps(message: Any) -> str:
    return json.dumps(message, allow_nan=False, separators=(",", ":")) + "\n"


def loads(line: bytes | str) -> Any:
    return json.loads(line)
