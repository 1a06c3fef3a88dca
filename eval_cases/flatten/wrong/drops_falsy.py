from typing import Any


def flatten(items: list[Any]) -> list[Any]:
    """Recursively flatten nested lists."""
    result: list[Any] = []
    for item in items:
        if not item:
            continue  # skip empty sublists
        if isinstance(item, list):
            result += flatten(item)
        else:
            result.append(item)
    return result
