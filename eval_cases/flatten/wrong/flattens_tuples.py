from typing import Any


def flatten(items: list[Any]) -> list[Any]:
    """Recursively flatten lists and tuples (strings are kept whole)."""
    result: list[Any] = []
    for item in items:
        if isinstance(item, (list, tuple)):
            result.extend(flatten(list(item)))
        else:
            result.append(item)
    return result
