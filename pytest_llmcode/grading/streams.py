"""A container's standard input and output, attached through the engine's API: how the host
talks to the tester and keeps every long-lived container's lifeline (closing the stream
closes the container's standard input). It works wherever the engine is: unix, tcp (with or
without TLS) or ssh.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from typing import Any

STDOUT = 1
CHUNK = 1 << 16  # read at most this much at once, whatever size a frame claims
LINE_LIMIT = 4 << 20  # longer lines are dropped: the containers' runners never write one


class Stream:
    def __init__(self, attached: Any) -> None:
        self._attached = attached  # docker-py's socket-like object, kept alive with it
        self._raw: Any = getattr(attached, "_sock", attached)
        self._lock = threading.Lock()
        self._closed = False
        self._reading = False

    def send(self, data: bytes) -> None:
        """Write to the container's standard input; OSError once it is gone."""
        with self._lock:
            if self._closed:
                raise OSError("the stream is closed")
            self._raw.sendall(data)

    def lines(self) -> Iterator[bytes]:
        """The container's standard output, line by line, until it ends (an iterator of
        bytes without the newline). One reader at a time."""
        with self._lock:
            self._reading = True
        try:
            pending = b""
            while (header := self._receive(8)) is not None:
                # The engine's frames: the stream (1: standard output), three zero bytes,
                # the size.
                data = self._receive(int.from_bytes(header[4:], "big"))
                if data is None:
                    return
                if header[0] != STDOUT:
                    continue
                pending += data
                while b"\n" in pending:
                    line, pending = pending.split(b"\n", 1)
                    yield line
                if len(pending) > LINE_LIMIT:
                    pending = b""
        finally:
            with self._lock:
                self._reading = False
                release = self._closed
            if release:
                self._release()

    def _receive(self, size: int) -> bytes | None:
        """Exactly `size` bytes of the stream; None once it ended. A blocking recv, not
        docker-py's poll on the descriptor first: over TLS, bytes already decrypted wait in
        the TLS layer where no poll sees them, and the stream stalled."""
        data = bytearray()
        while len(data) < size:
            try:
                chunk = self._raw.recv(min(size - len(data), CHUNK))
            except TimeoutError:  # the socket's timeout bounds sends; output may take long
                if self._closed:
                    return None
                continue
            except (OSError, ValueError, AttributeError):  # closed, or closing meanwhile
                return None
            if not chunk:
                return None
            data += chunk
        return bytes(data)

    def close(self) -> None:
        """End the stream (and so the container's standard input); its descriptors are
        closed now, or by its reader as it stops."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            reading = self._reading
        try:
            # Wakes the reader: the stream has ended. The plain socket's shutdown, under a
            # TLS one's: TLS's own drops its layer while the reader may still be in it.
            if isinstance(self._raw, socket.socket):
                socket.socket.shutdown(self._raw, socket.SHUT_RDWR)
            else:
                self._raw.shutdown(socket.SHUT_RDWR)
        except (OSError, AttributeError):
            pass
        if not reading:
            self._release()

    def _release(self) -> None:
        """Close the descriptors. Never under a reader: a read after the close could land on
        the same descriptor number given to the next connection, and take its bytes."""
        # The response first: over TLS the attached socket is the one under its file
        # object, which keeps it open (an unclosed descriptor) until the response is closed.
        for end in (getattr(self._attached, "_response", None), self._attached, self._raw):
            try:
                if end is not None:
                    end.close()
            except (OSError, ValueError):  # ValueError: closed already
                pass
