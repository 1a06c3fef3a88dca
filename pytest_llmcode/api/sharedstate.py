"""A small JSON state file shared by threads and processes (pytest-xdist workers) on one
machine: read, change and write it under an exclusive `fcntl` lock.

The lock lives on a separate `.lock` file and the data is replaced atomically, so a process
killed mid-write leaves the previous state, never half a file; the kernel drops the lock of
a process that dies.
"""

from __future__ import annotations

import json
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

from ..files import machine_lock, write_atomic


@contextmanager
def locked_json(path: Path) -> Iterator[dict[str, Any]]:
    """Yield the state as a dict; changes are written back when the block ends normally."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with machine_lock(path.with_name(path.name + ".lock")):
        state = _read(path)
        before = json.dumps(state, sort_keys=True)
        yield state
        after = json.dumps(state, sort_keys=True)
        if after != before:
            write_atomic(path, after)


def read_json(path: Path) -> dict[str, Any]:
    """The current state without locking (a consistent snapshot: writes are atomic)."""
    return _read(path)


def _read(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}
