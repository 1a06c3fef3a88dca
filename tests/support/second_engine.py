"""A second Docker engine beside the first, on this machine: its own data, exec root, unix
socket and a TCP address on loopback, started and stopped by the tests (or by .ci/run, which
names it in LLMCODE_SECOND_DOCKER_HOST). It shares this machine's file system, so only
inspection can show that grading mounts nothing of it.

It gets a bridge of its own rather than `--bridge=none`: a dockerd started with
`--bridge=none` deletes the machine's `docker0`, and the first engine's bridge network with
it (grading never uses one, but other containers on that engine may).

With `tls` set to a directory from `make_certificates`, it listens on TCP with --tlsverify only:
clients need a certificate of that directory's authority."""

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
        self.tls: Path | None = None  # make_certificates' directory, set before start()
        self.bridge = "llmdk" + secrets.token_hex(3)
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"tcp://127.0.0.1:{self.port}"

    @property
    def unix_socket(self) -> Path:
        """Its own unix socket: this machine's way to it, past TLS or ssh."""
        return self.directory / "sock"

    @property
    def environment(self) -> dict[str, str]:
        """What a docker client needs to reach it over TCP: DOCKER_HOST, and its TLS."""
        if self.tls is None:
            return {"DOCKER_HOST": self.url}
        return {"DOCKER_HOST": self.url, "DOCKER_TLS_VERIFY": "1",
                "DOCKER_CERT_PATH": str(self.tls)}

    def start(self) -> SecondEngine:
        d = self.directory
        if subprocess.run(["ip", "link", "show", self.bridge], capture_output=True).returncode:
            subnet = f"172.31.{secrets.randbelow(250)}.1/24"
            for command in (["add", self.bridge, "type", "bridge"],
                            ["set", self.bridge, "up"]):
                subprocess.run(["ip", "link", *command], check=True, capture_output=True)
            subprocess.run(["ip", "addr", "add", subnet, "dev", self.bridge], check=True,
                           capture_output=True)
        tls = [] if self.tls is None else [
            "--tlsverify", f"--tlscacert={self.tls / 'ca.pem'}",
            f"--tlscert={self.tls / 'server-cert.pem'}", f"--tlskey={self.tls / 'server-key.pem'}"]
        with open(d / "log", "ab") as log:
            self.process = subprocess.Popen(
                ["dockerd", "--data-root", str(d / "data"), "--exec-root", str(d / "exec"),
                 "--pidfile", str(d / "pid"), "-H", f"unix://{self.unix_socket}", "-H", self.url,
                 *tls, "--iptables=false", f"--bridge={self.bridge}"],
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
        """Through its own unix socket, past any TLS; the plugin's connect() quietly closes
        what a refused attempt leaves open."""
        from pytest_llmcode.grading.containers import SandboxError, connect

        try:
            connect(timeout_s=5, engine=f"unix://{self.unix_socket}").close()
        except SandboxError:
            return False
        return True

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


def make_certificates(directory: Path) -> Path:
    """A throwaway certificate authority in `directory`, a server certificate of it for
    127.0.0.1 (server-cert.pem, server-key.pem) and a client one (cert.pem, key.pem, as
    DOCKER_CERT_PATH names them), made with openssl; returns `directory`."""
    directory.mkdir(parents=True, exist_ok=True)

    def openssl(*arguments: str) -> None:
        subprocess.run(["openssl", *arguments], cwd=directory, check=True, capture_output=True)

    key = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    openssl("req", "-x509", *key, "-keyout", "ca-key.pem", "-out", "ca.pem", "-days", "2",
            "-subj", "/CN=llmcode test authority")
    for subject, extensions, certificate, private_key in (
        ("/CN=127.0.0.1", "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n",
         "server-cert.pem", "server-key.pem"),
        ("/CN=client", "extendedKeyUsage=clientAuth\n", "cert.pem", "key.pem"),
    ):
        (directory / "extensions").write_text(extensions)
        openssl("req", "-new", *key, "-keyout", private_key, "-out", "request.csr",
                "-subj", subject)
        openssl("x509", "-req", "-in", "request.csr", "-CA", "ca.pem", "-CAkey", "ca-key.pem",
                "-CAcreateserial", "-days", "2", "-out", certificate, "-extfile", "extensions")
    return directory


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
