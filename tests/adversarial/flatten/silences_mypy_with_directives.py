# mypy: ignore-errors
# type: ignore
"""Hostile: a wrong (one level only) and untyped answer that tries to switch mypy --strict
off for itself three ways: inline configuration, a module-level `type: ignore`, and
`@no_type_check`, so that its code-quality score would read as clean."""
from typing import no_type_check


@no_type_check
def flatten(items):
    out = []
    for item in items:  # type: ignore[attr-defined]
        out.extend(item) if isinstance(item, list) else out.append(item)
    return out


def helper(x):  # noqa
    return x + 1
