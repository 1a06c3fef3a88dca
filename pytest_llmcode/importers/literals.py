"""Source text for values written into generated Python case files: string literals that
read back exactly, and plain values as JSON that keeps tuples, sets and non-string keys."""

from __future__ import annotations

import ast
import json
from typing import Any

# Tags of the JSON encoding; a dict whose only key is one of them is itself encoded as
# pairs, so no value of the data can be mistaken for a tag.
TUPLE, SET, FROZENSET, DICT, BYTES = "__tuple__", "__set__", "__frozenset__", "__dict__", \
    "__bytes__"
TAGS = (TUPLE, SET, FROZENSET, DICT, BYTES)


def py_string(text: str) -> str:
    """A triple-quoted literal whose value is exactly `text` (checked)."""
    quote = next((q for q in ('"""', "'''") if q not in text and not text.endswith(q[0])), None)
    body = text.replace("\\", "\\\\")
    if quote is None:
        quote = '"""'
        body = body.replace('"', '\\"')
    body = "".join(_escaped(c) for c in body)
    literal = quote + body + quote
    if ast.literal_eval(literal) != text:  # pragma: no cover - a bug of this function
        raise ValueError("cannot write this text as a Python string literal")
    return literal


def _escaped(char: str) -> str:
    if char in "\n\t" or char.isprintable():
        return char
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


class NotPlain(ValueError):
    """A value that cannot cross the isolation boundary (a complex number, an object)."""


def encode_plain(value: Any) -> str:
    """JSON for a plain Python value, tuples, sets, bytes and dicts with non-string keys
    tagged; `decode_plain` (and the same few lines in a generated test file) read it back
    as the same value. Floats keep NaN and infinities (Python's JSON extension)."""
    return json.dumps(_tagged(value, 0), allow_nan=True, separators=(",", ":"))


def _tagged(value: Any, depth: int) -> Any:
    if depth > 500:
        raise NotPlain("nested too deeply")
    kind = type(value)
    if value is None or kind in (bool, int, float, str):
        return value
    if kind is list:
        return [_tagged(v, depth + 1) for v in value]
    if kind is tuple:
        return {TUPLE: [_tagged(v, depth + 1) for v in value]}
    if kind in (set, frozenset):
        items = [_tagged(v, depth + 1) for v in value]
        return {SET if kind is set else FROZENSET: items}
    if kind is bytes:
        return {BYTES: value.hex()}
    if kind is dict:
        if all(type(k) is str for k in value) and not (len(value) == 1 and next(iter(value))
                                                         in TAGS):
            return {k: _tagged(v, depth + 1) for k, v in value.items()}
        return {DICT: [[_tagged(k, depth + 1), _tagged(v, depth + 1)] for k, v in value.items()]}
    raise NotPlain(f"a value of type {kind.__name__}")


def decode_plain(text: str) -> Any:
    return json.loads(text, object_hook=_revive)


def _revive(obj: dict[str, Any]) -> Any:
    if len(obj) == 1:
        ((tag, value),) = obj.items()
        if tag == TUPLE:
            return tuple(value)
        if tag == SET:
            return set(value)
        if tag == FROZENSET:
            return frozenset(value)
        if tag == DICT:
            return {k: v for k, v in value}
        if tag == BYTES:
            return bytes.fromhex(value)
    return obj


# The reader of `encode_plain`'s JSON, as generated test files carry it.
DECODER_SOURCE = '''\
def _decode(text):
    """The inputs as the dataset's loader gives them: tuples, sets and non-string keys
    are tagged in the JSON."""

    def revive(obj):
        if len(obj) == 1:
            ((tag, value),) = obj.items()
            if tag == "__tuple__":
                return tuple(value)
            if tag == "__set__":
                return set(value)
            if tag == "__frozenset__":
                return frozenset(value)
            if tag == "__dict__":
                return {k: v for k, v in value}
            if tag == "__bytes__":
                return bytes.fromhex(value)
        return obj

    return json.loads(text, object_hook=revive)
'''
