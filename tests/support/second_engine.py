"""A second Docker engine beside the first, on this machine: its own data, exec root, unix
socket and a TCP address on loopback, started and stopped by the tests (or by .ci/run, which
names it in LLMCODE_SECOND_DOCKER_HOST). It shares this machine's file system, so only
inspection can show that grading mounts nothing of it.

It gets a bridge of its own rather than `--bridge=none`: a dockerd started with
`--bridge=none` deletes the machine's `docker0`, and the first engine's bridge network with
it (grading never uses one, but other containers on that engine may)."""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

SHARED = "LLMCODE_SECOND_DOCKER_HOST"
READY_S = 60.0
STOP_S = 60.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class SecondEngine:
    """A dockerd of its own in `directory`, reachable at `url` (tcp://127.0.0.1:PORT)."""

    def __init__(self, directory: Path | None = None, port: int | None = None) -> None:
        # Short: the engine's own sockets live under it, and a socket path has a length cap.
        self.directory = directory or Path(tempfile.mkdtemp(prefix="llm-dk-", dir="/tmp"))
        self.port = port or free_port()
        self.bridge = "llmdk" + secrets.token_hex(3)
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"tcp://127.0.0.1:{self.port}"

    def start(self) -> SecondEngine:
        d = self.directory
        if subprocess.run(["ip", "link", "show", self.bridge], capture_output=True).returncode:
            subnet = f"172.31.{secrets.randbelow(250)}.1/24"
            for command in (["add", self.bridge, "type", "bridge"],
                            ["set", self.bridge, "up"]):
                subprocess.run(["ip", "link", *command], check=True, capture_output=True)
            subprocess.run(["ip", "addr", "add", subnet, "dev", self.bridge], check=True,
                           capture_output=True)
        with open(d / "log", "ab") as log:
            self.process = subprocess.Popen(
                ["dockerd", "--data-root", str(d / "data"), "--exec-root", str(d / "exec"),
                 "--pidfile", str(d / "pid"), "-H", f"unix://{d / 'sock'}", "-H", self.url,
                 "--iptables=false", f"--bridge={self.bridge}"],
                stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )
        deadline = time.monotonic() + READY_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            if self.answers():
                return self
            time.sleep(0.2)
        raise RuntimeError(f"the second dockerd did not answer at {self.url}; log:\n"
                           + (d / "log").read_text(errors="replace")[-3000:])

    def answers(self) -> bool:
        import docker

        try:
            client = docker.DockerClient(base_url=self.url, timeout=5)
        except docker.errors.DockerException:
            return False
        try:
            return bool(client.ping())
        except Exception:  # noqa: BLE001 - not up yet
            return False
        finally:
            client.close()

    def stop(self) -> None:
        """SIGTERM, as a machine going down would send; the engine stops its containers."""
        if self.process is None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(STOP_S)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None

    def remove(self) -> None:
        self.stop()
        subprocess.run(["umount", "-R", str(self.directory / "exec")], capture_output=True)
        subprocess.run(["ip", "link", "del", self.bridge], capture_output=True)
        shutil.rmtree(self.directory, ignore_errors=True)

    def client(self) -> Any:
        import docker

        return docker.DockerClient(base_url=self.url, timeout=120)


def llmcode_containers(url: str, pid: int | None = None) -> list[dict[str, Any]]:
    """The engine's llmcode containers (of process `pid` only, when given)."""
    import docker

    client = docker.DockerClient(base_url=url, timeout=30)
    try:
        found: list[dict[str, Any]] = client.api.containers(all=True,
                                                            filters={"label": "llmcode"})
    finally:
        client.close()
    if pid is not None:
        found = [c for c in found if (c.get("Labels") or {}).get("llmcode.pid") == str(pid)]
    return found


def load_image(url: str, image: str) -> str:
    """Give the engine at `url` the sandbox image, the plugin's own way (from the local
    engine, through the API); how it got there."""
    from pytest_llmcode.grading.containers import connect
    from pytest_llmcode.grading.engine_image import ensure_image

    local, target = connect(), connect(timeout_s=600, engine=url)
    try:
        return ensure_image(target, image, url, [(os.environ.get("DOCKER_HOST", "local"),
                                                  local)], False, lambda line: None)
    finally:
        local.close()
        target.close()
