"""Hostile: an atexit handler that turns any exit into status 0, and SystemExit inside the
call so the interpreter starts to exit in the middle of a test."""
import atexit
import os
import sys

atexit.register(os._exit, 0)


def flatten(items):
    sys.exit(0)
