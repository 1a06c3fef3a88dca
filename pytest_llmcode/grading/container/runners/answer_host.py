"""Answer host: runs answers one at a time, each in a fresh sandbox of its own (trusted code).

Usage: answer_host.py NAME PIDS TMPFS_MB

Runs, long-lived, in a hardened container (no network, no capability, read-only root, its
own process and memory limits) that mounts the grading volume at /grading. It listens on
/grading/hosts/NAME.sock, a directory no sandbox sees. The tester connects there once it has
written an answer into its slot, /grading/slots/SLOT, and sends one JSON line {"slot",
"limit"}; this host starts the answer's supervisor (serve.py) in a sandbox (sandbox.py) with
only that slot bound in, replies "started", and ends the whole sandbox when the tester closes
the connection (the grading is over) or the limit has passed, whichever comes first. The
next connection is taken only then: one answer at a time.

Standard input is the host's lifeline: when it closes (the run ended, or was killed), this
process ends the sandbox it runs and exits.
"""

from __future__ import annotations

import json
import os
import re
import select
import socket
import sys
import time

import sandbox
from suites import no_dumps

HOSTS = "/grading/hosts"
SLOTS = "/grading/slots"
NAME = re.compile(r"[A-Za-z0-9_-]{1,64}")
SLOT_NAME = re.compile(r"slot-[A-Za-z0-9_]{1,64}")
SERVE = "/opt/llmcode/serve.py"
CALL_PORT = "8080"  # where the answer listens, on its sandbox's loopback
MARGIN_S = 10.0  # past the case's limit, the sandbox ends whatever the tester says


def main() -> None:
    name, pids, tmpfs_mb = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    if not NAME.fullmatch(name) or os.getuid() == 0:
        sys.exit("answer host: a bad name, or running as root")
    no_dumps()
    listener = listen(os.path.join(HOSTS, name + ".sock"))
    while True:
        ready, _, _ = select.select([listener, sys.stdin.fileno()], [], [])
        if sys.stdin.fileno() in ready and not os.read(sys.stdin.fileno(), 4096):
            break
        if listener in ready:
            conn, _ = listener.accept()
            with conn:
                if not serve_one(conn, pids, tmpfs_mb):
                    break
    listener.close()


def listen(path: str) -> socket.socket:
    """Listen on `path`, which appears only once it accepts."""
    partial = path + ".partial"
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(partial)
    os.chmod(partial, 0o666)  # the tester runs as another user
    server.listen(8)
    os.rename(partial, path)
    return server


def serve_one(conn: socket.socket, pids: int, tmpfs_mb: int) -> bool:
    """One answer, start to end; False when this host must stop (its lifeline is gone, or a
    sandbox left a process behind: then nothing more runs here)."""
    request = read_request(conn)
    if request is None:
        return True
    slot, limit = request
    # Nothing of the sandbox reaches this host's standard output, the host's stream.
    proc = sandbox.start(os.path.join(SLOTS, slot), ["python3", SERVE, "5", CALL_PORT],
                         tmpfs_mb, pids, int(limit + MARGIN_S), stdout=sys.stderr.fileno())
    lifeline = True
    try:
        conn.sendall(b"started\n")
        deadline = time.monotonic() + limit + MARGIN_S
        while time.monotonic() < deadline:
            ready, _, _ = select.select([conn, sys.stdin.fileno()], [], [],
                                        max(deadline - time.monotonic(), 0))
            if sys.stdin.fileno() in ready and not os.read(sys.stdin.fileno(), 4096):
                lifeline = False
                break
            if conn in ready and not conn.recv(4096):
                break
    except OSError:
        pass
    finally:
        left = sandbox.kill(proc)
    if left:
        sys.stderr.write(f"answer host: processes outlived their sandbox: {left}\n")
    return lifeline and not left


def read_request(conn: socket.socket) -> tuple[str, float] | None:
    conn.settimeout(5)
    try:
        request = json.loads(conn.makefile("rb").readline(4096))
        slot, limit = str(request["slot"]), float(request["limit"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    conn.settimeout(None)
    if not SLOT_NAME.fullmatch(slot) or not 0 < limit <= 3600:
        return None
    return slot, limit


if __name__ == "__main__":
    main()
