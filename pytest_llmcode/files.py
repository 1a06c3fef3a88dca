"""Writing files so that a reader never sees half of one, and locks between the processes of
one machine."""

from __future__ import annotations

import fcntl
import os
import secrets
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator


@contextmanager
def machine_lock(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on `path` (created if missing) among this machine's processes,
    pytest-xdist workers included; the kernel drops it if the holder dies."""
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def temp_lock_path(name: str) -> Path:
    """A lock file of this user's, in the temporary directory."""
    return Path(tempfile.gettempdir()) / f"llmcode-{name}-{os.getuid()}.lock"


def write_atomic(path: Path, text: str, mode: int | None = None) -> None:
    """Write `text` to a temporary file beside `path`, then rename it over `path`.

    The file gets the permissions a new file gets (the umask applies), or `mode`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
