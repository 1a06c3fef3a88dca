"""Hostile: print 64 KB blocks forever, from a thread started at import and from every call."""
import sys
import threading

BLOCK = "A" * 65535 + "\n"


def _flood():
    while True:
        sys.stdout.write(BLOCK)
        sys.stdout.flush()


threading.Thread(target=_flood, daemon=True).start()


def flatten(items):
    _flood()
