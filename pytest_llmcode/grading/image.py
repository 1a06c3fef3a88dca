"""The sandbox image's name: `llmcode-sandbox:<hash of the build context>`, and whether an
engine has it. Building it is image_build's job."""

from __future__ import annotations

import hashlib
import os
import pathlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from docker import DockerClient  # type: ignore[import-untyped,unused-ignore]

# The build context: the Dockerfile and the runners that run inside the containers.
CONTEXT_DIR: pathlib.Path = pathlib.Path(__file__).resolve().parent / "container"
IMAGE_REPO = "llmcode-sandbox"

# Never part of the build context (nor of the tag): byproducts of running things on the host.
_IGNORED_DIRS = frozenset({"__pycache__", ".pytest_cache", ".mypy_cache"})
_IGNORED_SUFFIXES = (".pyc", ".pyo")


class ImageError(RuntimeError):
    """The sandbox image (or its base image) could not be made; the message says what to do."""


def context_entries(context: pathlib.Path) -> list[tuple[str, pathlib.Path]]:
    """(relative POSIX path, absolute path) of every directory and file in the context, sorted."""
    if not (context / "Dockerfile").is_file():
        raise ImageError(f"no Dockerfile in the build context {context}")
    entries: list[tuple[str, pathlib.Path]] = []
    for root, dirs, files in os.walk(context, followlinks=True):
        dirs[:] = sorted(d for d in dirs if d not in _IGNORED_DIRS)
        base = pathlib.Path(root)
        for name in dirs:
            entries.append(((base / name).relative_to(context).as_posix(), base / name))
        for name in sorted(files):
            if name.endswith(_IGNORED_SUFFIXES):
                continue
            entries.append(((base / name).relative_to(context).as_posix(), base / name))
    entries.sort(key=lambda e: e[0])
    return entries


def is_executable(path: pathlib.Path) -> bool:
    return bool(path.stat().st_mode & 0o111)


def context_digest(context: pathlib.Path = CONTEXT_DIR) -> str:
    """sha256 over the relative paths, executable bits and contents of the build context."""
    h = hashlib.sha256()
    for rel, path in context_entries(context):
        if path.is_dir():
            h.update(b"d\0" + rel.encode() + b"\0")
            continue
        data = path.read_bytes()
        kind = b"x" if is_executable(path) else b"f"
        h.update(kind + b"\0" + rel.encode() + b"\0" + str(len(data)).encode() + b"\0")
        h.update(data)
    return h.hexdigest()


def image_tag() -> str:
    """``llmcode-sandbox:<first 12 hex of the build context's digest>``: editing a runner
    gives a new tag, so a stale image is never used by mistake."""
    return f"{IMAGE_REPO}:{context_digest()[:12]}"


def image_id(client: DockerClient, tag: str) -> str | None:
    """The engine's id of the image called `tag` (a tag can be rebuilt; the id cannot), or
    None when the engine has no such image."""
    import docker  # type: ignore[import-untyped,unused-ignore]

    try:
        return str(client.images.get(tag).id)
    except docker.errors.ImageNotFound:
        return None
