from collections.abc import Iterable
from typing import Any


def flatten(items: Iterable[Any]) -> list[Any]:
    """Recursively flatten any iterable except strings and bytes."""
    result: list[Any] = []
    for item in items:
        if isinstance(item, Iterable) and not isinstance(item, (str, bytes)):
            result.extend(flatten(item))
        else:
            result.append(item)
    return result
