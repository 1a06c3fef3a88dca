"""Hostile: end the answer's process with status 0 the moment it is imported."""
import os

os._exit(0)


def flatten(items):
    return items
