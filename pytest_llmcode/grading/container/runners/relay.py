"""Copies bytes both ways between pairs of sockets, all in one thread (trusted code).

Isolated grading joins the test side to the answer's container through a Unix socket only
the test side listens on: the answer's supervisor (serve.py) dials it, and each dialed
connection is relayed to the answer's own listener; on the test side (tester.py) each
connection of a test is relayed to one dialed connection. One thread and non-blocking
sockets: an answer that stops reading, or that has used up its container's process limit,
cannot stall the supervisor that reports on it.
"""

from __future__ import annotations

import selectors
import socket

TYPE_CHECKING = False  # not typing's: importing typing costs every answer's container
if TYPE_CHECKING:
    from typing import Callable

CHUNK = 1 << 16
BUFFER_LIMIT = 1 << 20  # stop reading a side whose peer is this far behind


class Relay:
    def __init__(self) -> None:
        self.selector = selectors.DefaultSelector()

    def watch(self, sock: socket.socket, on_readable: Callable[[], None]) -> None:
        self.selector.register(sock, selectors.EVENT_READ, on_readable)

    def unwatch(self, sock: socket.socket) -> None:
        self.selector.unregister(sock)

    def join(self, a: socket.socket, b: socket.socket) -> None:
        _Pair(self, a, b)

    def step(self, timeout: float) -> None:
        for key, events in self.selector.select(max(timeout, 0)):
            callback = key.data
            if isinstance(callback, _End):
                callback.pair.on_event(callback, events)
            else:
                callback()

    def close(self) -> None:
        for key in list(self.selector.get_map().values()):
            if isinstance(key.data, _End):
                key.data.pair.close()
        self.selector.close()


class _End:
    def __init__(self, pair: _Pair, sock: socket.socket) -> None:
        self.pair = pair
        self.sock = sock
        self.pending = b""  # to be written to this socket
        self.reading = True  # no end of file read from this socket yet
        self.shut = False  # end of file passed on: this socket's writing side is shut
        self.registered = 0


class _Pair:
    def __init__(self, relay: Relay, a: socket.socket, b: socket.socket) -> None:
        self.relay = relay
        a.setblocking(False)
        b.setblocking(False)
        self.ends = (_End(self, a), _End(self, b))
        self.closed = False
        for end in self.ends:
            self._update(end)

    def other(self, end: _End) -> _End:
        return self.ends[1] if end is self.ends[0] else self.ends[0]

    def on_event(self, end: _End, events: int) -> None:
        try:
            if events & selectors.EVENT_READ:
                self._read(end)
            if events & selectors.EVENT_WRITE and not self.closed:
                self._write(end)
        except OSError:
            self.close()
            return
        if self.closed:
            return
        if not any(e.reading or e.pending for e in self.ends):
            self.close()
            return
        for each in self.ends:
            self._update(each)

    def _read(self, end: _End) -> None:
        other = self.other(end)
        try:
            data = end.sock.recv(CHUNK)
        except BlockingIOError:
            return
        if data:
            other.pending += data
        else:
            end.reading = False
        self._write(other)

    def _write(self, end: _End) -> None:
        """Write what is pending to this end; once all is written and its peer has ended,
        pass the end of file on."""
        if end.pending:
            try:
                sent = end.sock.send(end.pending)
            except BlockingIOError:
                return
            end.pending = end.pending[sent:]
        if not end.pending and not self.other(end).reading and not end.shut:
            end.shut = True
            end.sock.shutdown(socket.SHUT_WR)

    def _update(self, end: _End) -> None:
        if self.closed:
            return
        wanted = 0
        if end.reading and len(self.other(end).pending) < BUFFER_LIMIT:
            wanted |= selectors.EVENT_READ
        if end.pending:
            wanted |= selectors.EVENT_WRITE
        selector = self.relay.selector
        if wanted == end.registered:
            return
        if not wanted:
            selector.unregister(end.sock)
        elif not end.registered:
            selector.register(end.sock, wanted, end)
        else:
            selector.modify(end.sock, wanted, end)
        end.registered = wanted

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        for end in self.ends:
            if end.registered:
                self.relay.selector.unregister(end.sock)
                end.registered = 0
            end.sock.close()
