"""The relay that joins the tester and an answer's supervisor (runners/relay.py), on real
sockets: bytes both ways, ends of file passed on, a reader that lags behind."""

from __future__ import annotations

import socket
import sys
import threading
import time
from typing import Iterator

import pytest

from pytest_llmcode.grading.image import CONTEXT_DIR

sys.path.insert(0, str(CONTEXT_DIR / "runners"))

from relay import Relay

Relayed = tuple[socket.socket, socket.socket, Relay]


@pytest.fixture
def relayed() -> Iterator[tuple[socket.socket, socket.socket, Relay]]:
    """Two outer sockets whose inner ends are joined by a relay running in a thread."""
    left, left_inner = socket.socketpair()
    right_inner, right = socket.socketpair()
    relay = Relay()
    relay.join(left_inner, right_inner)
    stop = threading.Event()

    def run() -> None:
        while not stop.is_set():
            relay.step(0.01)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    yield left, right, relay
    stop.set()
    thread.join()
    relay.close()
    left.close()
    right.close()


def read_all(sock: socket.socket) -> bytes:
    sock.settimeout(10)
    chunks = []
    while chunk := sock.recv(1 << 16):
        chunks.append(chunk)
    return b"".join(chunks)


def test_bytes_cross_both_ways_and_an_end_of_file_is_passed_on(relayed: Relayed) -> None:
    left, right, _ = relayed
    left.sendall(b"request\n")
    left.shutdown(socket.SHUT_WR)
    assert read_all(right) == b"request\n"
    right.sendall(b"reply\n")
    right.shutdown(socket.SHUT_WR)
    assert read_all(left) == b"reply\n"


def test_a_slow_reader_gets_every_byte_in_order(relayed: Relayed) -> None:
    """More than the relay buffers (1 MiB) goes through a reader that starts late."""
    left, right, _ = relayed
    payload = bytes(range(256)) * 20_000  # 5 MB
    writer = threading.Thread(target=lambda: (left.sendall(payload), left.shutdown(socket.SHUT_WR)))
    writer.start()
    writer.join(0.5)
    assert writer.is_alive(), "the relay should stop reading while its reader lags"
    assert read_all(right) == payload
    writer.join(10)


def test_the_pair_is_let_go_once_both_sides_have_ended(relayed: Relayed) -> None:
    left, right, relay = relayed
    left.shutdown(socket.SHUT_WR)
    assert read_all(right) == b""
    right.shutdown(socket.SHUT_WR)
    assert read_all(left) == b""
    deadline = time.monotonic() + 5
    while relay.selector.get_map() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not relay.selector.get_map()
