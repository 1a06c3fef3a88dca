"""Hostile: allocate 8 GB and touch every page (at import in a thread, and in every call)."""
import threading

HOGS = []


def _hog():
    block = bytearray(8 << 30)
    for i in range(0, len(block), 4096):
        block[i] = 1
    HOGS.append(block)


threading.Thread(target=_hog, daemon=True).start()


def flatten(items):
    _hog()
    return [len(HOGS)]
