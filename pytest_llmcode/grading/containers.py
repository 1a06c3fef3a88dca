"""Docker sandbox: start a locked-down container, enforce its time limit, leave nothing behind.

Every container and volume carries the label `llmcode` plus the owning process and a
deadline, so a sweep can remove leftovers of a run that was killed without touching a live
run's (pytest-xdist workers share the engine). Nothing of the host's file system is ever
mounted: containers share only volumes made on the engine, and the host reaches them through
the engine's API alone, so the engine may be on another machine.
"""

from __future__ import annotations

import gc
import os
import secrets
import socket
import threading
import time
import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .engine_spec import LOCAL_ENGINE
from .streams import Stream

if TYPE_CHECKING:
    import docker

LABEL = "llmcode"
# Answers run as one user, the trusted tester as another: nothing an answer's process does
# reaches a process or a file of the tests' by being the same user.
ANSWER_USER = "65533:65533"
TESTER_USER = "65534:65534"
# A volume's deadline, for sweeps from other machines: its run removes it when it ends; a
# killed run's goes at the next sweep on its machine (its owner is gone) once no container
# uses it. Volumes are small: the gradings leave nothing in them.
VOLUME_LIFETIME_S = 24 * 3600.0
START_HINT = "start it with `bash scripts/start-docker.sh` (or your usual Docker service)"


class SandboxError(Exception):
    """The sandbox itself failed: an infrastructure error, never the model's fault."""


@dataclass(frozen=True)
class Limits:
    memory_mb: int = 1024
    cpus: float = 1.0
    pids: int = 256
    tmpfs_mb: int = 256
    max_file_mb: int = 64
    open_files: int = 1024
    # Added to the case's own time limit before the host kills the container itself.
    watchdog_grace_s: float = 20.0


@dataclass(frozen=True)
class Mount:
    """A volume of the engine (never a host path) mounted into a container."""

    volume: str
    container_path: str
    writable: bool = False


class Sandbox:
    """Containers of one engine: `engine` is its URL (unix://, tcp://, ssh://), None for
    the one DOCKER_HOST names (or the local one)."""

    def __init__(self, image: str, limits: Limits = Limits(), engine: str | None = None
                 ) -> None:
        self.image = image
        self.limits = limits
        self.engine = engine
        self._client: docker.DockerClient | None = None
        self._running: set[str] = set()
        self._lock = threading.Lock()
        self._closed = False

    @property
    def client(self) -> docker.DockerClient:
        if self._client is None:
            self._client = connect(engine=self.engine)
        return self._client

    def check_image(self) -> str:
        """The engine's id of this sandbox's image; SandboxError when it is missing."""
        import docker

        from .image import image_id

        try:
            found = image_id(self.client, self.image)
        except (docker.errors.DockerException, OSError) as exc:  # OSError: the engine is gone
            raise SandboxError(f"cannot inspect sandbox image {self.image}: {exc}") from None
        if found is None:
            raise SandboxError(
                f"sandbox image {self.image} is missing: build it with "
                "`python -m pytest_llmcode image` (or run `bash scripts/setup.sh`)"
            )
        return found

    def create(
        self,
        command: list[str],
        mounts: list[Mount],
        environment: dict[str, str],
        time_limit_s: float,
        limits: Limits | None = None,
        user: str = ANSWER_USER,
        stdin: bool = False,
        nesting: bool = False,
    ) -> str:
        """Create (not start) a container with no network and return its id; it stops itself
        at the time limit and the engine removes it when it stops. `limits` replaces this
        sandbox's own (the tester runs several gradings at once); `stdin` keeps its standard
        input open for one attached client; `nesting` lets it build bubblewrap sandboxes
        (seccomp.py's profile, and /proc without Docker's masked and read-only paths, which
        would forbid mounting a fresh /proc inside)."""
        import docker

        from .seccomp import PROFILE

        if self._closed:
            raise SandboxError("the run is ending: no new sandbox is started")
        lim = limits or self.limits
        api = self.client.api
        try:
            host_config = api.create_host_config(
                auto_remove=True,
                network_mode="none",
                read_only=True,
                tmpfs={"/tmp": f"rw,exec,nosuid,nodev,size={lim.tmpfs_mb}m,mode=1777"},
                mounts=[
                    docker.types.Mount(m.container_path, m.volume, type="volume",
                                       read_only=not m.writable)
                    for m in mounts
                ],
                cap_drop=["ALL"],
                security_opt=["no-new-privileges:true",
                              *([f"seccomp={PROFILE}"] if nesting else [])],
                pids_limit=lim.pids,
                mem_limit=f"{lim.memory_mb}m",
                memswap_limit=f"{lim.memory_mb}m",
                nano_cpus=int(lim.cpus * 1e9),
                ulimits=[
                    docker.types.Ulimit(name="nofile", soft=lim.open_files, hard=lim.open_files),
                    docker.types.Ulimit(
                        name="fsize", soft=lim.max_file_mb << 20, hard=lim.max_file_mb << 20
                    ),
                    docker.types.Ulimit(name="core", soft=0, hard=0),
                ],
                log_config=docker.types.LogConfig(
                    type="json-file", config={"max-size": "1m", "max-file": "1"}
                ),
            )
            if nesting:
                host_config["MaskedPaths"] = []
                host_config["ReadonlyPaths"] = []
            else:
                # /proc read-only (Docker's own read-only /proc paths all lie beneath it):
                # through /proc/<pid>/mem a process can otherwise rewrite its own code.
                host_config["ReadonlyPaths"] = ["/proc"]
            container_id = str(
                api.create_container(
                    self.image,
                    ["timeout", "-k", "2", f"{time_limit_s:g}", *command],
                    # Not detached when attached to: the engine then closes its standard input
                    # when the one attached client goes (StdinOnce), the container's lifeline.
                    detach=not stdin,
                    stdin_open=stdin,
                    user=user,
                    environment={"HOME": "/tmp", "LANG": "C.UTF-8", **environment},
                    working_dir="/tmp",
                    labels=_labels(time_limit_s + lim.watchdog_grace_s),
                    host_config=host_config,
                    # As well as network_mode none: the engine then builds no network
                    # sandbox and runs no network hook per container (a re-exec of dockerd;
                    # README, Performance); the runtime still gives the container a network
                    # namespace of its own with only its loopback.
                    network_disabled=True,
                    use_config_proxy=False,
                )["Id"]
            )
        except (docker.errors.DockerException, OSError) as exc:  # OSError: the engine is gone
            raise SandboxError(f"cannot create a sandbox container: {exc}") from None
        with self._lock:
            self._running.add(container_id)
        return container_id

    def start(self, command: list[str], mounts: list[Mount], environment: dict[str, str],
              time_limit_s: float, limits: Limits | None = None, user: str = ANSWER_USER,
              nesting: bool = False) -> str:
        """Create and start a container (create() says how)."""
        container_id = self.create(command, mounts, environment, time_limit_s, limits, user,
                                   nesting=nesting)
        self._start(container_id)
        return container_id

    def start_attached(self, command: list[str], mounts: list[Mount],
                       environment: dict[str, str], time_limit_s: float,
                       limits: Limits | None = None, user: str = ANSWER_USER,
                       nesting: bool = False) -> tuple[str, Stream]:
        """Create a container, attach to its standard input and output, start it: the
        stream is how the host talks to it, through the engine. Closing the stream closes
        the container's standard input."""
        import docker

        container_id = self.create(command, mounts, environment, time_limit_s, limits, user,
                                   stdin=True, nesting=nesting)
        try:
            stream = Stream(self.client.api.attach_socket(
                container_id, params={"stdin": 1, "stdout": 1, "stderr": 0, "stream": 1}))
        except (docker.errors.DockerException, OSError) as exc:
            self.remove(container_id)
            raise SandboxError(f"cannot attach to a sandbox container: {exc}") from None
        try:
            self._start(container_id)
        except SandboxError:
            stream.close()
            raise
        return container_id, stream

    def _start(self, container_id: str) -> None:
        import docker

        try:
            self.client.api.start(container_id)
        except (docker.errors.DockerException, OSError) as exc:
            self.remove(container_id)
            raise SandboxError(f"cannot start a sandbox container: {exc}") from None

    def create_volume(self) -> str:
        """A fresh volume on the engine, labelled as containers are; remove_volume ends it."""
        import docker

        try:
            volume = self.client.api.create_volume(
                f"llmcode-{os.getpid()}-{secrets.token_hex(6)}",
                labels=_labels(VOLUME_LIFETIME_S))
        except (docker.errors.DockerException, OSError) as exc:  # OSError: the engine is gone
            raise SandboxError(f"cannot create a grading volume: {exc}") from None
        return str(volume["Name"])

    def remove_volume(self, name: str) -> None:
        if self._client is not None:
            _remove_volume(self._client, name)

    def remove(self, container_id: str) -> None:
        if self._client is not None:
            _force_remove_id(self._client, container_id)
        with self._lock:
            self._running.discard(container_id)

    def close(self) -> None:
        """Stop starting containers and remove every one this process still has."""
        self._closed = True
        if self._client is None:
            return
        with self._lock:
            running = list(self._running)
        for container_id in running:
            _force_remove_id(self._client, container_id)
        sweep(self._client, own=True)
        self._client.close()


def connect(timeout_s: float = 30, engine: str | None = None) -> docker.DockerClient:
    """A client of the engine at `engine` (else the one DOCKER_HOST names, else the local
    one) that answers a ping; SandboxError saying how to start one otherwise. `timeout_s`
    bounds each API call. The SDK's environment handling applies to every engine: TLS from
    DOCKER_TLS_VERIFY and DOCKER_CERT_PATH for tcp://; an ssh:// engine is reached through
    the `ssh` command (ssh_relay.py), so the user's own ssh configuration and agent apply."""
    try:
        import docker
    except ImportError:  # pragma: no cover - docker is a declared dependency
        raise SandboxError("the `docker` Python package is missing: pip install docker") from None
    with warnings.catch_warnings():
        # docker-py leaves the socket of a failed connection attempt unclosed: collect it
        # here, quietly, instead of in whatever code runs the garbage collector next.
        warnings.simplefilter("ignore", ResourceWarning)
        # Named even when it is the local one: with DOCKER_TLS_VERIFY set (for tcp:// engines
        # of the run) the SDK refuses a client without a URL.
        environment = dict(os.environ, DOCKER_HOST=engine or os.environ.get("DOCKER_HOST")
                           or LOCAL_ENGINE)
        relay = None
        if environment["DOCKER_HOST"].startswith("ssh://"):
            from .ssh_relay import relay_for

            try:
                relay = relay_for(environment["DOCKER_HOST"])
            except (ValueError, OSError) as exc:  # a bad port; no socket for the relay
                raise SandboxError(f"cannot reach the ssh engine {engine or ''}: {exc}") from None
            environment["DOCKER_HOST"] = relay.url
        try:
            from .engine_client import EngineClient

            client = EngineClient.from_env(timeout=timeout_s, environment=environment)
            client.ping()
        except docker.errors.DockerException as exc:
            failure = str(exc)
            if relay is not None and relay.last_error:
                failure += f"; ssh: {relay.last_error}"
        else:
            return client
        gc.collect()
    where = f" at {engine}" if engine else ""
    raise SandboxError(f"no Docker engine answers{where} ({failure}): {START_HINT}")


def _labels(watchdog_s: float) -> dict[str, str]:
    return {
        LABEL: "1",
        f"{LABEL}.host": socket.gethostname(),
        f"{LABEL}.pid": str(os.getpid()),
        f"{LABEL}.deadline": f"{time.time() + watchdog_s:.0f}",
    }


def sweep(client: docker.DockerClient, own: bool = False) -> int:
    """Remove `llmcode` containers whose owner is gone or whose deadline has passed (and,
    with own=True, this process's), then such volumes that no container uses any more.
    Returns how many containers and volumes were removed."""
    import docker

    removed = 0
    try:
        # The low-level listing: no per-container inspect racing with removals.
        containers = client.api.containers(all=True, filters={"label": LABEL})
    except (docker.errors.DockerException, OSError):  # requests' errors are OSErrors
        return 0
    for container in containers:
        if _is_leftover(container.get("Labels") or {}, own):
            _force_remove_id(client, container["Id"])
            removed += 1
    try:
        volumes = client.api.volumes(filters={"label": LABEL}).get("Volumes") or []
    except (docker.errors.DockerException, OSError):
        return removed
    for volume in volumes:
        if _is_leftover(volume.get("Labels") or {}, own) and _remove_volume(client,
                                                                            volume["Name"]):
            removed += 1
    return removed


def _is_leftover(labels: dict[str, str], own: bool) -> bool:
    if labels.get(f"{LABEL}.host") != socket.gethostname():
        return _deadline_passed(labels)
    try:
        pid = int(labels.get(f"{LABEL}.pid", "0"))
    except ValueError:
        return True
    if pid == os.getpid():
        return own or _deadline_passed(labels)
    return not _pid_alive(pid) or _deadline_passed(labels)


def _deadline_passed(labels: dict[str, str]) -> bool:
    try:
        return time.time() > float(labels.get(f"{LABEL}.deadline", "0"))
    except ValueError:
        return True


def _pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _force_remove_id(client: docker.DockerClient, container_id: str) -> None:
    import docker

    try:
        client.api.remove_container(container_id, force=True)
    except (docker.errors.DockerException, OSError):  # gone, or its engine is
        pass


def _remove_volume(client: docker.DockerClient, name: str) -> bool:
    import docker

    try:
        client.api.remove_volume(name)
    except (docker.errors.DockerException, OSError):
        return False  # still in use (its containers are being removed), gone, or its engine is
    return True
