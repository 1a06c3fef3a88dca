"""Hostile: sleep for 1e9 seconds inside the call."""
import time


def flatten(items):
    time.sleep(1e9)
    return items
