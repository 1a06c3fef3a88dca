"""Hostile: raise SystemExit(0) at import, hoping a clean exit reads as success."""
import sys

sys.exit(0)


def flatten(items):
    return items
