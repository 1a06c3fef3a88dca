"""Flatten arbitrarily nested lists; every non-list value is an atom."""

from __future__ import annotations

from typing import Any


def flatten(items: list[Any]) -> list[Any]:
    """Return a new list holding the atoms of ``items`` in depth-first order.

    Only ``list`` values are descended into; strings, tuples, dicts, ``None`` and every
    other value are kept as they are. An explicit stack is used instead of recursion, so
    the nesting depth is not limited by Python's recursion limit.
    """
    result: list[Any] = []
    stack: list[Any] = [iter(items)]
    while stack:
        for value in stack[-1]:
            if isinstance(value, list):
                stack.append(iter(value))
                break
            result.append(value)
        else:
            stack.pop()
    return result
