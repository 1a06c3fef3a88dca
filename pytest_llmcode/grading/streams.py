"""A container's standard input and output, attached through the engine's API: how the host
talks to the tester and keeps every long-lived container's lifeline (closing the stream
closes the container's standard input). It works wherever the engine is: unix, tcp or ssh.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from typing import Any

LINE_LIMIT = 4 << 20  # longer lines are dropped: the containers' runners never write one


class Stream:
    def __init__(self, attached: Any) -> None:
        self._attached = attached  # docker-py's socket-like object, kept alive with it
        self._raw: Any = getattr(attached, "_sock", attached)
        self._lock = threading.Lock()
        self._closed = False

    def send(self, data: bytes) -> None:
        """Write to the container's standard input; OSError once it is gone."""
        with self._lock:
            if self._closed:
                raise OSError("the stream is closed")
            self._raw.sendall(data)

    def lines(self) -> Iterator[bytes]:
        """The container's standard output, line by line, until it ends (an iterator of
        bytes without the newline)."""
        from docker.utils.socket import STDOUT, SocketError, next_frame_header, read_exactly

        pending = b""
        while True:
            try:
                kind, size = next_frame_header(self._attached)
                if size < 0:
                    return
                data = read_exactly(self._attached, size) if size else b""
            except (OSError, ValueError, SocketError):
                return
            if kind != STDOUT:
                continue
            pending += data
            while b"\n" in pending:
                line, pending = pending.split(b"\n", 1)
                yield line
            if len(pending) > LINE_LIMIT:
                pending = b""

    def close_input(self) -> None:
        """Close the container's standard input; its output still comes."""
        with self._lock:
            self._closed = True
            try:
                self._raw.shutdown(socket.SHUT_WR)
            except (OSError, AttributeError):
                pass

    def close(self) -> None:
        with self._lock:
            self._closed = True
        try:
            self._raw.shutdown(socket.SHUT_RDWR)
        except (OSError, AttributeError):
            pass
        for end in (self._attached, self._raw):
            try:
                end.close()
            except OSError:
                pass
