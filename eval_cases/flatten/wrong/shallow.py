from typing import Any


def flatten(items: list[Any]) -> list[Any]:
    """Flatten a nested list."""
    result: list[Any] = []
    for item in items:
        if isinstance(item, list):
            result.extend(item)
        else:
            result.append(item)
    return result
