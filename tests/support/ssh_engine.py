"""A Docker engine reached over ssh, on this machine: a private sshd on loopback whose one
key may run nothing but `docker system dial-stdio` against another engine's unix socket, so
ssh://root@127.0.0.1:PORT reaches that engine and no other, through ssh alone.

The client side is an `ssh` wrapper script (`bin/ssh`, to put first on PATH) that runs the
real ssh with this directory's configuration: its key, its known host, batch mode. Nothing
of the user's or the machine's ssh configuration is read or changed."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from support.second_engine import free_port

SSHD = "/usr/sbin/sshd"
READY_S = 20.0


class SshFront:
    """sshd in `directory` on 127.0.0.1:`port`, in front of the engine at `engine_socket`."""

    def __init__(self, engine_socket: Path) -> None:
        self.engine_socket = engine_socket
        self.directory = Path(tempfile.mkdtemp(prefix="llm-ssh-", dir="/tmp"))
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"ssh://root@127.0.0.1:{self.port}"

    @property
    def bin(self) -> Path:
        """The directory of the `ssh` wrapper, to put first on PATH."""
        return self.directory / "bin"

    def start(self) -> SshFront:
        d = self.directory
        for key in ("host_key", "client_key"):
            subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(d / key)],
                           check=True, capture_output=True)
        docker = shutil.which("docker") or "docker"
        (d / "authorized_keys").write_text(
            f'command="{docker} -H unix://{self.engine_socket} system dial-stdio",'
            "no-pty,no-port-forwarding,no-agent-forwarding,no-X11-forwarding "
            + (d / "client_key.pub").read_text())
        (d / "sshd_config").write_text(
            f"Port {self.port}\nListenAddress 127.0.0.1\nHostKey {d / 'host_key'}\n"
            f"PidFile {d / 'sshd.pid'}\nAuthorizedKeysFile {d / 'authorized_keys'}\n"
            "PermitRootLogin prohibit-password\nPubkeyAuthentication yes\n"
            "PasswordAuthentication no\nKbdInteractiveAuthentication no\nUsePAM no\n"
            "StrictModes no\n")
        host_key = (d / "host_key.pub").read_text().split()[:2]
        (d / "known_hosts").write_text(f"[127.0.0.1]:{self.port} {' '.join(host_key)}\n")
        (d / "ssh_config").write_text(
            f"Host *\n  IdentityFile {d / 'client_key'}\n  IdentitiesOnly yes\n"
            f"  UserKnownHostsFile {d / 'known_hosts'}\n  GlobalKnownHostsFile /dev/null\n"
            "  StrictHostKeyChecking yes\n  BatchMode yes\n")
        self.bin.mkdir()
        wrapper = self.bin / "ssh"
        wrapper.write_text(f'#!/bin/sh\nexec /usr/bin/ssh -F {d / "ssh_config"} "$@"\n')
        wrapper.chmod(0o755)
        # sshd refuses to start without its privilege separation directory.
        os.makedirs("/run/sshd", mode=0o755, exist_ok=True)
        with open(d / "log", "ab") as log:
            self.process = subprocess.Popen([SSHD, "-D", "-e", "-f", str(d / "sshd_config")],
                                            stdout=log, stderr=subprocess.STDOUT,
                                            start_new_session=True)
        deadline = time.monotonic() + READY_S
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
            except OSError:
                time.sleep(0.1)
                continue
            return self
        raise RuntimeError(f"sshd did not listen on 127.0.0.1:{self.port}; log:\n"
                           + (d / "log").read_text(errors="replace")[-3000:])

    def remove(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            self.process = None
        shutil.rmtree(self.directory, ignore_errors=True)
