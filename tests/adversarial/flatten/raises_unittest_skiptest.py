"""Hostile: raise unittest.SkipTest (and pytest's skip) from inside every call, so each test
that calls the answer would be skipped rather than failed."""
import unittest


def flatten(items):
    try:
        import pytest

        if isinstance(items, list) and len(items) % 2:
            pytest.skip("skipped by the answer")
    except ImportError:
        pass
    raise unittest.SkipTest("skipped by the answer")
