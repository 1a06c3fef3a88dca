"""Plain data across the container boundary: JSON, plus tuples and non-finite floats.

Only exact built-in types pass (`type(v) is int`, not a subclass), so an answer cannot
smuggle out an object whose __eq__ says yes to everything; anything else is rejected.
"""

from __future__ import annotations

import json
import math

TYPE_CHECKING = False  # not typing's: importing typing costs every answer's container
if TYPE_CHECKING:
    from typing import Any

MAX_DEPTH = 2000


class NotPlainData(TypeError):
    pass


def encode(value: Any, depth: int = 0) -> Any:
    if depth > MAX_DEPTH:
        raise NotPlainData("value nested too deeply")
    kind = type(value)
    if value is None or kind is bool or kind is int or kind is str:
        return value
    if kind is float:
        return value if math.isfinite(value) else {"__number__": repr(value)}
    if kind is list:
        return [encode(v, depth + 1) for v in value]
    if kind is tuple:
        return {"__tuple__": [encode(v, depth + 1) for v in value]}
    if kind is dict:
        if any(type(k) is not str for k in value):
            raise NotPlainData("dict keys must be strings")
        if len(value) == 1 and next(iter(value)) in ("__tuple__", "__number__", "__undefined__"):
            raise NotPlainData("dict key reserved by the transport")
        return {k: encode(v, depth + 1) for k, v in value.items()}
    raise NotPlainData(f"{kind.__module__}.{kind.__qualname__} is not plain data")


def decode(value: Any) -> Any:
    if isinstance(value, list):
        return [decode(v) for v in value]
    if isinstance(value, dict):
        if len(value) == 1:
            if "__tuple__" in value:
                return tuple(decode(v) for v in value["__tuple__"])
            if "__number__" in value:
                return float(value["__number__"])
            if "__undefined__" in value:
                return None
        return {k: decode(v) for k, v in value.items()}
    return value


def dumps(message: Any) -> str:
    return json.dumps(message, allow_nan=False, separators=(",", ":")) + "\n"


def loads(line: bytes | str) -> Any:
    return json.loads(line)
