"""An ssh:// engine, reached as the docker command reaches one: each connection to it is an
`ssh -T [-l USER] [-p PORT] -- HOST docker [--host unix://PATH] system dial-stdio`, in batch
mode (keys or an agent; never a prompt), so the user's ssh configuration, keys and agent
apply. The docker SDK is given a unix socket of this process's own that
relays each connection it accepts through such an ssh process.

Not the SDK's own ssh transport: it needs paramiko even to shell out, and its shelled-out
"socket" cannot half-close (an attached container's standard input then never closes),
writes two newlines into the stream when it closes, and ignores the SDK's timeouts. Through
a real socket, attached streams, image loads and timeouts work as on a local engine."""

from __future__ import annotations

import atexit
import os
import shutil
import socket
import subprocess
import tempfile
import threading
from typing import IO
from urllib.parse import urlsplit

CHUNK = 1 << 16
CONNECT_TIMEOUT_S = 30
COMPLAINT_LIMIT = 1 << 16  # of ssh's standard error kept: it is drained, never left to fill


class SshRelay:
    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        # No terminal and no prompt (many ssh processes run at once, none may ask for a
        # password or a host key), and a bounded wait for an engine that does not answer.
        # A path names the engine's socket there, as the docker command reads it.
        self.command = [
            "ssh", "-T", "-o", "BatchMode=yes", "-o", f"ConnectTimeout={CONNECT_TIMEOUT_S}",
            *(["-l", parts.username] if parts.username else []),
            *(["-p", str(parts.port)] if parts.port else []),
            "--", parts.hostname or "", "docker",
            *(["--host", f"unix://{parts.path}"] if parts.path.strip("/") else []),
            "system", "dial-stdio",
        ]
        self.last_error = ""  # ssh's own complaint, when a connection failed
        # A directory only this user can enter: whoever reaches the socket reaches the engine.
        self._directory = tempfile.mkdtemp(prefix="llmcode-ssh-")
        self.path = os.path.join(self._directory, "docker.sock")
        self._listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._listener.bind(self.path)
        self._listener.listen(64)
        threading.Thread(target=self._accept, daemon=True, name="llmcode-ssh-relay").start()

    @property
    def url(self) -> str:
        return f"unix://{self.path}"

    def close(self) -> None:
        self._listener.close()
        shutil.rmtree(self._directory, ignore_errors=True)

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self._listener.accept()
            except OSError:  # closed
                return
            threading.Thread(target=self._relay, args=(connection,), daemon=True,
                             name="llmcode-ssh-relay").start()

    def _relay(self, connection: socket.socket) -> None:
        try:
            ssh = subprocess.Popen(self.command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, bufsize=0)
        except OSError as exc:
            self.last_error = f"cannot run ssh: {exc}"
            connection.close()
            return
        assert ssh.stdin is not None and ssh.stdout is not None and ssh.stderr is not None
        upstream = threading.Thread(target=_to_ssh, args=(connection, ssh.stdin), daemon=True,
                                    name="llmcode-ssh-relay")
        upstream.start()
        complaints: list[bytes] = []  # a verbose ssh must not block on a full pipe
        drain = threading.Thread(target=_drain, args=(ssh.stderr, complaints), daemon=True,
                                 name="llmcode-ssh-relay")
        drain.start()
        try:
            while data := os.read(ssh.stdout.fileno(), CHUNK):
                connection.sendall(data)
        except OSError:  # the client went away: so does its ssh
            ssh.kill()
        # ssh's complaint is kept before the client sees the end, so that its error names it.
        drain.join()
        complaint = b"".join(complaints)
        if ssh.wait() != 0 and complaint.strip():
            self.last_error = " ".join(complaint.decode(errors="replace").split())[-500:]
        try:
            connection.shutdown(socket.SHUT_RDWR)  # the engine's side ended; wakes the upstream
        except OSError:
            pass
        upstream.join()
        connection.close()
        ssh.stdout.close()
        ssh.stderr.close()


def _drain(stderr: IO[bytes], kept: list[bytes]) -> None:
    """Read ssh's standard error to its end, keeping its last COMPLAINT_LIMIT bytes."""
    size = 0
    while data := stderr.read(CHUNK):
        kept.append(data)
        size += len(data)
        while size - len(kept[0]) >= COMPLAINT_LIMIT:
            size -= len(kept.pop(0))


def _to_ssh(connection: socket.socket, stdin: IO[bytes]) -> None:
    """What the client sends, into ssh's standard input; the client's half-close closes it,
    which dial-stdio passes on to the engine."""
    try:
        while data := connection.recv(CHUNK):
            while data:
                data = data[stdin.write(data):]
    except OSError:
        pass
    try:
        stdin.close()
    except OSError:
        pass


_relays: dict[str, SshRelay] = {}
_relays_lock = threading.Lock()


def relay_for(url: str) -> SshRelay:
    """The process's relay to the engine at `url` (ssh://[USER@]HOST[:PORT]), started on
    first use and closed when the process exits."""
    with _relays_lock:
        if url not in _relays:
            _relays[url] = SshRelay(url)
        return _relays[url]


@atexit.register
def _close_all() -> None:
    for relay in _relays.values():
        relay.close()
