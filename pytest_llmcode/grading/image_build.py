"""Build the sandbox image in which pytest-llmcode grades model-written code.

    python -m pytest_llmcode image [--rebuild] [--print-tag]      (or: llmcode-image)

The image is tagged as image.image_tag() says (a hash of the build context, ``container/``:
the Dockerfile and the runners) and also ``llmcode-sandbox:latest``.

The Dockerfile starts ``FROM debian:bookworm-slim``. Where no registry can be reached,
that base image is made offline: ``debootstrap`` from the Debian mirror the machine's own
apt sources name, then ``docker import``. ``docker`` is imported lazily, so importing this
module costs nothing when Docker is not used.
"""

from __future__ import annotations

import argparse
import io
import os
import pathlib
import shutil
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any, Callable

from ..files import machine_lock, temp_lock_path
from .containers import SandboxError, connect
from .image import (
    CONTEXT_DIR,
    IMAGE_REPO,
    ImageError,
    context_entries,
    image_id,
    image_tag,
    is_executable,
)

if TYPE_CHECKING:
    from docker import DockerClient  # type: ignore[import-untyped,unused-ignore]

BASE_IMAGE = "debian:bookworm-slim"
BASE_SUITE = "bookworm"
PULL_TIMEOUT_S = 60.0

Log = Callable[[str], None]


# --------------------------------------------------------------------------- build context


def _context_tar(context: pathlib.Path = CONTEXT_DIR) -> io.BytesIO:
    """The build context as a tar: exactly the hashed files, owned by root, world-readable.

    Normalized modes matter: the sandbox runs as an unprivileged user, who must be able to
    read (and, where the bit is set, execute) every runner whatever the host's umask was.
    """
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        for rel, path in context_entries(context):
            info = tarfile.TarInfo(rel)
            info.uid = info.gid = 0
            info.uname = info.gname = "root"
            info.mtime = 0
            if path.is_dir():
                info.type = tarfile.DIRTYPE
                info.mode = 0o755
                tar.addfile(info)
                continue
            data = path.read_bytes()
            info.size = len(data)
            info.mode = 0o755 if is_executable(path) else 0o644
            tar.addfile(info, io.BytesIO(data))
    buf.seek(0)
    return buf


def _exists(client: DockerClient, tag: str) -> bool:
    return image_id(client, tag) is not None


def _engine() -> DockerClient:
    try:
        # A build step may stay silent for minutes (compiling Go's cache, say).
        return connect(timeout_s=600)
    except SandboxError as exc:
        raise ImageError(str(exc)) from None


# --------------------------------------------------------------------------- base image


def _try_pull(client: DockerClient, log: Log) -> bool:
    """Pull the base image; False (quickly) when no registry answers."""
    if os.environ.get("LLMCODE_NO_PULL"):
        return False
    repo, _, tag = BASE_IMAGE.partition(":")
    outcome: list[BaseException | None] = []

    def pull() -> None:
        try:
            client.images.pull(repo, tag=tag)
            outcome.append(None)
        except Exception as exc:  # noqa: BLE001 - any failure means "no registry"
            outcome.append(exc)

    log(f"base image: {BASE_IMAGE} absent; trying to pull it")
    worker = threading.Thread(target=pull, daemon=True)
    worker.start()
    worker.join(PULL_TIMEOUT_S)
    if not outcome:
        log(f"base image: pull still running after {PULL_TIMEOUT_S:.0f} s; giving up on it")
        return False
    if outcome[0] is not None:
        log(f"base image: pull failed ({str(outcome[0]).strip()[:200]})")
        return False
    return _exists(client, BASE_IMAGE)


def _deb822_stanzas(text: str) -> Iterator[dict[str, str]]:
    stanza: dict[str, str] = {}
    key = ""
    for raw in text.splitlines():
        if raw.lstrip().startswith("#"):
            continue
        if not raw.strip():
            if stanza:
                yield stanza
            stanza, key = {}, ""
            continue
        if raw[0] in " \t" and key:
            stanza[key] += " " + raw.strip()
            continue
        name, sep, value = raw.partition(":")
        if sep:
            key = name.strip().lower()
            stanza[key] = value.strip()
    if stanza:
        yield stanza


def _one_line_sources(text: str) -> Iterator[tuple[str, str, list[str]]]:
    """(uri, suite, components) of each `deb` line of a sources.list."""
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line.startswith("deb "):
            continue
        rest = line[4:].strip()
        if rest.startswith("["):
            rest = rest.partition("]")[2].strip()
        fields = rest.split()
        if len(fields) >= 3:
            yield fields[0], fields[1], fields[2:]


def _debian_mirror(etc_apt: pathlib.Path = pathlib.Path("/etc/apt")) -> str:
    """The first mirror that the machine's apt sources use for ``bookworm main``.

    ``LLMCODE_DEBIAN_MIRROR`` overrides it.
    """
    override = os.environ.get("LLMCODE_DEBIAN_MIRROR")
    if override:
        return override
    files: list[pathlib.Path] = []
    main_list = etc_apt / "sources.list"
    if main_list.is_file():
        files.append(main_list)
    parts = etc_apt / "sources.list.d"
    if parts.is_dir():
        files += sorted(
            p for p in parts.iterdir() if p.suffix in (".list", ".sources") and p.is_file()
        )
    for path in files:
        try:
            text = path.read_text(errors="replace")
        except OSError:
            continue
        if path.suffix == ".sources":
            for st in _deb822_stanzas(text):
                if st.get("enabled", "yes").lower() == "no":
                    continue
                if "deb" not in st.get("types", "").split():
                    continue
                if BASE_SUITE in st.get("suites", "").split() and "main" in st.get(
                    "components", ""
                ).split():
                    for uri in st.get("uris", "").split():
                        if uri.startswith(("http://", "https://", "file:/")):
                            return uri
        else:
            for uri, suite, components in _one_line_sources(text):
                if suite == BASE_SUITE and "main" in components:
                    if uri.startswith(("http://", "https://", "file:/")):
                        return uri
    raise ImageError(
        f"no Debian mirror for '{BASE_SUITE} main' in {etc_apt}/sources.list or "
        f"{etc_apt}/sources.list.d/; set LLMCODE_DEBIAN_MIRROR to one, or make "
        f"{BASE_IMAGE} available with `docker pull` / `docker load`."
    )


def _run_logged(cmd: Sequence[str], log: Log, prefix: str) -> None:
    """Run a command, passing each output line to ``log``; raise ImageError on failure."""
    tail: list[str] = []
    with subprocess.Popen(
        list(cmd), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, errors="replace"
    ) as proc:
        assert proc.stdout is not None
        for line in proc.stdout:
            line = line.rstrip()
            if line:
                log(f"{prefix}{line}")
                tail = (tail + [line])[-20:]
        rc = proc.wait()
    if rc != 0:
        detail = "\n".join(tail)
        raise ImageError(f"`{' '.join(cmd)}` failed with exit code {rc}:\n{detail}")


def _ensure_debootstrap(log: Log) -> str:
    found = shutil.which("debootstrap")
    if found:
        return found
    if not shutil.which("apt-get"):
        raise ImageError(
            f"debootstrap is not installed and there is no apt-get to install it; make "
            f"{BASE_IMAGE} available with `docker pull {BASE_IMAGE}` or `docker load`."
        )
    log("base image: installing debootstrap with apt-get")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    install = [
        "apt-get", "install", "-y", "-q", "--no-install-recommends",
        "debootstrap", "debian-archive-keyring",
    ]  # fmt: skip
    if subprocess.run(install, env=env, capture_output=True).returncode != 0:
        subprocess.run(["apt-get", "update", "-q"], env=env, capture_output=True)
        done = subprocess.run(install, env=env, capture_output=True, text=True)
        if done.returncode != 0:
            raise ImageError(f"`apt-get install debootstrap` failed:\n{done.stderr[-2000:]}")
    found = shutil.which("debootstrap")
    if not found:
        raise ImageError("apt-get installed debootstrap but it is not on PATH")
    return found


def _mounts_under(path: pathlib.Path) -> list[str]:
    prefix = str(path).rstrip("/") + "/"
    try:
        lines = pathlib.Path("/proc/mounts").read_text().splitlines()
    except OSError:
        return []
    points = [ln.split()[1].replace("\\040", " ") for ln in lines if len(ln.split()) > 1]
    return sorted((p for p in points if p.startswith(prefix)), reverse=True)


def _remove_rootfs(rootfs: pathlib.Path, log: Log) -> None:
    """Remove a debootstrap tree, never following into something still mounted in it."""
    for point in _mounts_under(rootfs):
        subprocess.run(["umount", "-l", point], capture_output=True)
    if _mounts_under(rootfs):
        log(f"base image: {rootfs} still has mounts; leaving it for you to remove")
        return
    shutil.rmtree(rootfs, ignore_errors=True)


def _bootstrap_base(client: DockerClient, log: Log) -> None:
    """debootstrap a minimal bookworm and import it as the base image."""
    if sys.platform != "linux" or os.geteuid() != 0:
        raise ImageError(
            f"{BASE_IMAGE} is not available and cannot be pulled. Making it offline needs "
            f"root on a Linux machine (debootstrap): run `sudo python3 -m pytest_llmcode.image` "
            f"(or `sudo bash scripts/setup.sh`), or provide the image with "
            f"`docker pull {BASE_IMAGE}` / `docker load`."
        )
    debootstrap = _ensure_debootstrap(log)
    mirror = _debian_mirror()
    workdir = pathlib.Path(os.environ.get("LLMCODE_ROOTFS_DIR", "/var/tmp"))
    workdir.mkdir(parents=True, exist_ok=True)
    rootfs = pathlib.Path(tempfile.mkdtemp(prefix="llmcode-rootfs-", dir=workdir))
    tar_path = rootfs.with_name(rootfs.name + ".tar")
    try:
        t0 = time.monotonic()
        log(f"base image: debootstrap --variant=minbase {BASE_SUITE} {rootfs} {mirror}")
        _run_logged(
            [debootstrap, "--variant=minbase", BASE_SUITE, str(rootfs), mirror],
            log,
            "debootstrap: ",
        )
        # Leave out what an image does not need: downloaded .debs, apt lists.
        for sub in ("var/cache/apt/archives", "var/lib/apt/lists"):
            for entry in (rootfs / sub).glob("*"):
                if entry.is_file() and entry.name != "lock":
                    entry.unlink()
        log(f"base image: debootstrap done in {time.monotonic() - t0:.1f} s; importing")
        t1 = time.monotonic()
        _run_logged(
            ["tar", "--numeric-owner", "-C", str(rootfs), "-cf", str(tar_path), "."], log, "tar: "
        )
        repo, _, tag = BASE_IMAGE.partition(":")
        client.api.import_image_from_file(
            str(tar_path),
            repository=repo,
            tag=tag,
            changes=[
                "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                'CMD ["bash"]',
            ],
        )
        log(f"base image: imported as {BASE_IMAGE} in {time.monotonic() - t1:.1f} s")
    finally:
        tar_path.unlink(missing_ok=True)
        _remove_rootfs(rootfs, log)
    if not _exists(client, BASE_IMAGE):
        raise ImageError(f"`docker import` reported success but {BASE_IMAGE} is absent")


def ensure_base_image(client: DockerClient, log: Log) -> None:
    """Make ``debian:bookworm-slim`` available: it is present, or pulled, or built offline."""
    if _exists(client, BASE_IMAGE):
        return
    if _try_pull(client, log):
        log(f"base image: pulled {BASE_IMAGE}")
        return
    log(f"base image: building {BASE_IMAGE} offline with debootstrap")
    _bootstrap_base(client, log)


# --------------------------------------------------------------------------- sandbox image


def _stream_build(client: DockerClient, tag: str, log: Log, nocache: bool = False) -> None:
    import docker  # type: ignore[import-untyped,unused-ignore]

    tail: list[str] = []
    built_id: str | None = None
    chunks: Iterator[dict[str, Any]] = client.api.build(
        fileobj=_context_tar(),
        custom_context=True,
        tag=tag,
        network_mode="host",
        rm=True,
        forcerm=True,
        pull=False,
        nocache=nocache,
        decode=True,
    )
    try:
        for chunk in chunks:
            if "error" in chunk:
                detail = str(chunk.get("errorDetail", {}).get("message") or chunk["error"])
                raise ImageError(
                    f"docker build of {tag} failed: {detail.strip()}\n" + "\n".join(tail)
                )
            text = chunk.get("stream") or chunk.get("status")
            if isinstance(text, str):
                for line in text.splitlines():
                    if line.strip():
                        log(line.rstrip())
                        tail = (tail + [line.rstrip()])[-20:]
            aux = chunk.get("aux")
            if isinstance(aux, dict) and isinstance(aux.get("ID"), str):
                built_id = aux["ID"]
    except docker.errors.APIError as exc:
        raise ImageError(f"docker build of {tag} failed: {exc}") from exc
    if built_id is None and not _exists(client, tag):
        raise ImageError(f"docker build of {tag} produced no image:\n" + "\n".join(tail))


def build_image(
    client: DockerClient | None = None, log: Log = print, rebuild: bool = False
) -> str:
    """Build the sandbox image unless present (or ``rebuild``, without layer cache); return its tag.

    Also tags it ``llmcode-sandbox:latest``. Raises ImageError with a message for the user.
    """
    if client is None:
        client = _engine()
    tag = image_tag()
    if not rebuild and _exists(client, tag):
        return tag
    # One build at a time among this machine's processes (pytest-xdist workers).
    with machine_lock(temp_lock_path("image")):
        # Another process may have built it while this one waited for the lock.
        if not rebuild and _exists(client, tag):
            return tag
        replaced = image_id(client, tag)
        ensure_base_image(client, log)
        log(f"sandbox image: building {tag} from {CONTEXT_DIR}")
        # A rebuild is asked for to get fresh packages: cached layers would defeat it.
        _stream_build(client, tag, log, nocache=rebuild)
        client.api.tag(tag, IMAGE_REPO, "latest")
        if replaced is not None and replaced != image_id(client, tag):
            _remove_quietly(client, replaced, log)
    return tag


def _remove_quietly(client: DockerClient, replaced_id: str, log: Log) -> None:
    """Remove the image a rebuild replaced (a full copy otherwise left dangling), if unused."""
    import docker  # type: ignore[import-untyped,unused-ignore]

    try:
        if client.images.get(replaced_id).tags:
            return  # still tagged by someone else: keep it
        client.images.remove(replaced_id)
        log(f"sandbox image: removed the replaced image {replaced_id[7:19]}")
    except docker.errors.APIError as exc:  # in use by a container, already gone, ...
        log(f"sandbox image: kept the replaced image {replaced_id[7:19]} ({exc.explanation})")


# --------------------------------------------------------------------------- CLI


def _image_size(client: DockerClient, tag: str) -> str:
    try:
        size = int(client.images.get(tag).attrs.get("Size", 0))
    except Exception:  # noqa: BLE001 - informational only
        return "?"
    return f"{size / 1e6:.0f} MB"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m pytest_llmcode image",
        description="Build the Docker image in which pytest-llmcode grades generated code.",
    )
    parser.add_argument(
        "--rebuild", action="store_true", help="build even when the image is present"
    )
    parser.add_argument(
        "--print-tag", action="store_true", help="print the image tag and exit (no Docker needed)"
    )
    args = parser.parse_args(argv)

    if args.print_tag:
        print(image_tag())
        return 0

    t0 = time.monotonic()
    try:
        client = _engine()
        tag = image_tag()
        present = _exists(client, tag)
        if present and not args.rebuild:
            size = _image_size(client, tag)
            print(f"llmcode-image: {tag} already present ({size}); nothing to do")
            return 0

        def log(line: str) -> None:
            print(line, flush=True)

        build_image(client, log=log, rebuild=args.rebuild)
    except ImageError as exc:
        print(f"llmcode-image: error: {exc}", file=sys.stderr)
        return 1
    print(
        f"llmcode-image: built {tag} (also {IMAGE_REPO}:latest, {_image_size(client, tag)}) "
        f"in {time.monotonic() - t0:.1f} s"
    )
    return 0

