"""Answer container entry point for isolated grading (trusted supervisor).

Usage: serve.py IDLE_S CALL_PORT

Started ahead of need in a container with no network and nothing writable on the host; it
waits for /answer/job.json (language, interface, solution_file, limit), which the tester
writes once it listens on /answer/link.sock. The supervisor then dials that socket before
any answer code exists (the tester takes this first connection as the control channel),
copies the answer into a private directory, compiles it where the language needs it and
starts it behind its shim (a call server, or for `interface: http` the answer's own app; for
Go the generated server the tester handed over, built with the answer's package) on
CALL_PORT of this container's loopback.

On the control channel each line "status" gets one JSON line back: {"stage": "starting",
"running", "compile" or "timeout", "compile_s", "exit_code", "output"}; "running" means the
answer listens (or its process already ended). "started" gets the same reply, but only once
the stage is no longer "starting", so the tester need not poll. Meanwhile the supervisor
keeps a few more connections dialed: the tester hands each to one connection of a test,
and on its first bytes the supervisor connects it to the answer's port and relays.

The other way round, "forward PORT" (a test listens on PORT of the tester's loopback: a fake
server the answer is to call) makes the supervisor listen on PORT here too and relay each
connection to /answer/back.sock, where the tester connects it to that test's port.
"""

from __future__ import annotations

import json
import os
import socket
import sys
import time

from jobs import OUTPUT_LIMIT, compile_typescript, run, tail, wait_for_job
from relay import Relay

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs every container
if TYPE_CHECKING:
    import subprocess
    from typing import Callable

WORK = "/tmp/work"
LOG = "/tmp/answer.log"
LINK = "/answer/link.sock"
BACK = "/answer/back.sock"
HERE = os.path.dirname(os.path.abspath(__file__))
SPARES = 2
GO_CACHE = "/opt/gocache"  # the image's warm build cache, read-only: Go writes nothing there
GO_SERVER = "llmcode_server.go"  # the tester hands it over in /answer (go_suite.py)
GO_PROGRAM = "/tmp/llmcode-answer"


def main() -> None:
    idle_s, call_port = float(sys.argv[1]), int(sys.argv[2])
    job = wait_for_job("/answer/job.json", idle_s)
    deadline = time.monotonic() + float(job["limit"])
    control = dial(blocking=True)
    if control is None:
        return  # the tester is gone: nobody will ask
    language, interface, solution_file = job["language"], job["interface"], job["solution_file"]
    os.makedirs(WORK)
    with open(os.path.join("/answer", solution_file), "rb") as source:
        with open(os.path.join(WORK, solution_file), "wb") as copy:
            copy.write(source.read())
    status: dict[str, object] = {"stage": "starting", "output": "", "compile_s": 0.0}

    if language in ("typescript", "go"):
        started = time.monotonic()
        if language == "typescript":
            code, output = compile_typescript(WORK, solution_file, deadline)
            solution_file = solution_file[: -len(".ts")] + ".js"
        else:
            code, output = build_go(deadline)
        status["compile_s"] = round(time.monotonic() - started, 4)
        if code != 0:
            status.update(stage="compile" if code is not None else "timeout",
                          output=output[-OUTPUT_LIMIT:])

    process: ForkedPythonShim | subprocess.Popen[bytes] | None = None
    if status["stage"] == "starting":
        process = start_shim(language, interface, solution_file, call_port, control)
    # The tester ends first; this container outlives it only by a margin.
    Supervisor(control, status, process, call_port).serve(until=deadline + 5)


def build_go(deadline: float) -> tuple[int | None, str]:
    """The answer's package (at WORK's root, module `solution`) with the generated server
    (gobridge/gen) as the program around it."""
    import shutil

    shutil.copyfile(os.path.join(HERE, "gobridge", "solution-go.mod"),
                    os.path.join(WORK, "go.mod"))
    server = os.path.join(WORK, "llmcodeserver")
    os.makedirs(server)
    shutil.copyfile(os.path.join("/answer", GO_SERVER), os.path.join(server, "main.go"))
    return run(["go", "build", "-o", GO_PROGRAM, "./llmcodeserver"], deadline,
               {"GOCACHE": GO_CACHE}, cwd=WORK)


def start_shim(language: str, interface: str, solution_file: str, port: int,
               control: socket.socket) -> ForkedPythonShim | subprocess.Popen[bytes]:
    """The answer behind its shim, in a session of its own, its output in LOG. (Modules
    only some answers need are imported where they are needed: every answer's container
    pays for what this supervisor imports.)"""
    path = os.path.join(WORK, solution_file)
    if language == "python" and interface != "http":
        return ForkedPythonShim(solution_file[: -len(".py")], port, control)
    import subprocess

    if language == "go":
        command = [GO_PROGRAM, str(port)]
    else:
        shim = "http_shim.js" if interface == "http" else "shim_node.js"
        command = ["node", os.path.join(HERE, shim), path, str(port)]
    with open(LOG, "wb") as log:
        return subprocess.Popen(
            command, cwd=WORK, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )


class ForkedPythonShim:
    """shim_python in a fork of this interpreter rather than a second one started from
    scratch. The child keeps no descriptor of the supervisor's: not the control channel."""

    def __init__(self, module: str, port: int, control: socket.socket) -> None:
        log = os.open(LOG, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        self.pid = os.fork()
        if self.pid == 0:
            try:
                control.close()
                os.setsid()
                os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
                os.dup2(log, 1)
                os.dup2(log, 2)
                os.close(log)
                os.chdir(WORK)
                import shim_python

                shim_python.serve(WORK, module, port)
            except BaseException:  # noqa: BLE001 - the answer's failure, shown in its log
                import traceback

                traceback.print_exc()
            finally:
                os._exit(1)
        os.close(log)
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode


def dial(blocking: bool, path: str = LINK) -> socket.socket | None:
    """A connection to the tester, or None if it does not take one now (non-blocking: its
    queue of connections is full, perhaps of ones the answer dialed itself)."""
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.setblocking(blocking)
    try:
        sock.connect(path)
    except OSError:
        sock.close()
        return None
    return sock


class Supervisor:
    """One thread for everything: an answer that exhausts the container's process limit (a
    fork or thread bomb) must not silence its supervisor, or the grading would end as an
    infrastructure error instead of the answer's failure."""

    def __init__(self, control: socket.socket, status: dict[str, object],
                 process: ForkedPythonShim | subprocess.Popen[bytes] | None,
                 call_port: int) -> None:
        self.control = control
        self.status = status
        self.process = process
        self.call_port = call_port
        self.relay = Relay()
        self.spares: list[socket.socket] = []
        self.forwarded: set[int] = set()
        self.requests = b""
        self.started_wanted = False  # a "started" request waits for the answer to start
        self.done = False

    def serve(self, until: float) -> None:
        self.control.setblocking(False)
        self.relay.watch(self.control, self.on_control)
        while not self.done and time.monotonic() < until:
            if self.status["stage"] == "starting":
                self.check_started()
            if self.status["stage"] != "starting" and self.started_wanted:
                self.started_wanted = False
                self.send(self.reply())
            if self.status["stage"] == "running":
                self.dial_spares()
            self.relay.step(0.005 if self.status["stage"] == "starting" else 0.1)

    def check_started(self) -> None:
        assert self.process is not None
        if self.process.poll() is not None or self.answer_listens():
            self.status["stage"] = "running"

    def answer_listens(self) -> bool:
        try:
            socket.create_connection(("127.0.0.1", self.call_port), timeout=0.2).close()
            return True
        except OSError:
            return False

    def dial_spares(self) -> None:
        while len(self.spares) < SPARES:
            spare = dial(blocking=False)
            if spare is None:
                return
            self.spares.append(spare)
            self.relay.watch(spare, self.claimed_by(spare))

    def claimed_by(self, spare: socket.socket) -> Callable[[], None]:
        return lambda: self.on_claimed(spare)

    def on_claimed(self, spare: socket.socket) -> None:
        """The tester sent a test's first bytes on a spare: connect it to the answer."""
        self.relay.unwatch(spare)
        self.spares.remove(spare)
        try:
            answer = socket.create_connection(("127.0.0.1", self.call_port), timeout=1)
        except OSError:
            spare.close()
            return
        self.relay.join(spare, answer)

    def on_control(self) -> None:
        try:
            data = self.control.recv(4096)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        if not data:
            self.done = True  # the tester has finished with this answer
            return
        self.requests += data
        while b"\n" in self.requests:
            request, self.requests = self.requests.split(b"\n", 1)
            words = request.decode("ascii", "replace").split()
            if words[:1] == ["forward"]:
                self.send(self.forward(" ".join(words[1:2])))
            elif words[:1] == ["started"] and self.status["stage"] == "starting":
                self.started_wanted = True
            else:
                self.send(self.reply())

    def send(self, reply: dict[str, object]) -> None:
        self.control.setblocking(True)
        self.control.sendall(json.dumps(reply).encode() + b"\n")
        self.control.setblocking(False)

    def forward(self, port_text: str) -> dict[str, object]:
        """Listen on a test's port here and relay its connections back to the tester. A port
        already forwarded stays so: a later test process may get the number of one that
        ended (Go runs each test in a process of its own)."""
        try:
            port = int(port_text)
            if port not in self.forwarded:
                listener = socket.create_server(("127.0.0.1", port))
                listener.setblocking(False)
                self.relay.watch(listener, lambda: self.on_forwarded(listener, port))
                self.forwarded.add(port)
        except (ValueError, OSError) as exc:
            return {"forward": port_text, "error": str(exc)}
        return {"forward": port}

    def on_forwarded(self, listener: socket.socket, port: int) -> None:
        try:
            conn, _ = listener.accept()
        except OSError:
            return
        back = dial(blocking=False, path=BACK)
        if back is None:
            conn.close()
            return
        try:
            back.sendall(f"{port}\n".encode())
        except OSError:
            conn.close()
            back.close()
            return
        self.relay.join(conn, back)

    def reply(self) -> dict[str, object]:
        reply = dict(self.status)
        if self.process is not None:
            reply["exit_code"] = self.process.poll()
            reply["output"] = tail(LOG)
        return reply


if __name__ == "__main__":
    main()
