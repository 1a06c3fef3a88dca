"""Hostile: skip at import, the way a test module skips itself, hoping skipped reads as OK."""
import pytest

pytest.skip("not applicable on this platform", allow_module_level=True)


def flatten(items):
    return items
