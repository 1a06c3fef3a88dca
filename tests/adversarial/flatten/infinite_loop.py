"""Hostile: never return from the call."""


def flatten(items):
    while True:
        pass
