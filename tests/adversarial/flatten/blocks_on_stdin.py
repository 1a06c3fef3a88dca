"""Hostile: block on stdin; when stdin is closed, block on the terminal, then on a FIFO that
nobody will ever write to."""
import os
import sys


def flatten(items):
    data = sys.stdin.read()
    for path in ("/dev/tty", "/dev/console"):
        try:
            with open(path) as fh:
                data += fh.read()
        except OSError:
            pass
    fifo = f"/tmp/llmcode-stdin-{os.getpid()}"
    try:
        os.mkfifo(fifo)
    except FileExistsError:
        pass
    with open(fifo) as fh:
        data += fh.read()
    return [data]
