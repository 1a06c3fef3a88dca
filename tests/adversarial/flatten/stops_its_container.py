"""Hostile: ask the container's first process (`timeout`, which forwards the signal and
ends) to stop the whole container at the first call, so that the grading looks like an
infrastructure failure rather than the answer's."""
import os
import signal


def flatten(items):
    os.kill(1, signal.SIGTERM)
    return items
