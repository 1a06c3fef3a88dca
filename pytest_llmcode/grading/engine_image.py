"""The sandbox image on an engine that lacks it: `docker save` from an engine of the run that
has it, streamed into this one's load API (the image keeps its id); failing that, the
bundled image is built on the engine itself, its build context sent through the API.
Nothing of this machine's file system is mounted or shared: only the API carries it."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import TYPE_CHECKING, Callable

from ..files import machine_lock, temp_lock_path
from .containers import SandboxError
from .image import ImageError, image_id

if TYPE_CHECKING:
    from docker import DockerClient  # type: ignore[import-untyped,unused-ignore]

CHUNK = 1 << 20


def ensure_image(client: DockerClient, image: str, where: str,
                 sources: Sequence[tuple[str, DockerClient]], buildable: bool,
                 log: Callable[[str], None]) -> str:
    """Make `image` present on the engine `where` names; return how it got there
    ("present", "loaded from ENGINE", "built"). SandboxError naming the engine when it
    cannot be had."""
    # One load or build per engine at a time among this machine's processes (pytest-xdist
    # workers start together).
    with machine_lock(temp_lock_path("engine-" + hashlib.sha256(where.encode()).hexdigest()[:16])):
        if image_id(client, image) is not None:
            return "present"
        for name, source in sources:
            if image_id(source, image) is not None:
                log(f"sandbox image: loading {image} into {where} from {name}")
                _copy(source, client, image)
                if image_id(client, image) != image_id(source, image):
                    raise SandboxError(f"engine {where}: loading {image} from {name} did not "
                                       "give the same image")
                return f"loaded from {name}"
        if not buildable:
            raise SandboxError(
                f"engine {where}: sandbox image {image} is missing there and no other engine "
                "of the run has it; load it there (`docker save | docker load`) or build it"
            )
        from .image_build import build_image

        log(f"sandbox image: building {image} on {where}")
        try:
            build_image(client, log)
        except ImageError as exc:
            raise SandboxError(f"engine {where}: cannot build the sandbox image: {exc}") from None
        return "built"


def _copy(source: DockerClient, target: DockerClient, image: str) -> None:
    """`docker save` on one engine streamed into `docker load` on the other."""
    import docker  # type: ignore[import-untyped,unused-ignore]

    try:
        target.api.load_image(source.api.get_image(image, chunk_size=CHUNK))
    except (docker.errors.DockerException, OSError) as exc:
        raise SandboxError(f"cannot load {image} from one engine into another: {exc}") from None
