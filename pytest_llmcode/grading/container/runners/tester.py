"""Test side of every grading: a long-lived trusted process, several gradings at once.

Usage: tester.py

Runs in a container with no network at all; /grading is the run's grading volume, which the
answer hosts mount too (answer_host.py). Jobs come as JSON lines on standard input, straight
from the host through the engine's API: {"id", "host", "nonce", "language", "interface",
"solution_file", "limit", "exports", "answer", "tests": {name: base64}, "api", "quality"}.
Each is graded in a forked child of this warm process (pytest and its plugins imported;
mypy's state of the standard library loaded with the first job whose quality is measured):
the hidden tests (and for Go the reference whose API the bridge mirrors) stay in this
container's private /tmp; only the answer goes into a slot directory
of the volume, /grading/slots/slot-ID, with the sockets its trusted supervisor dials
(serve.py). The answer host named by the job then runs the answer in a sandbox that sees
that slot alone. No answer code ever runs here.

The report goes back on standard output as one JSON line {"job", "report"}, the job's nonce in
it: the nonce never touches the volume. Standard input closing ends this process once the
gradings it runs are done.
"""

from __future__ import annotations

import base64
import fcntl
import gc
import json
import os
import re
import select
import shutil
import socket
import threading
import time
from collections import deque

from go_suite import GO_ENV, GoSuite, HarnessFailure
from jobs import OUTPUT_LIMIT, tail
from quality import WarmMypy, start_quality
from relay import Relay
from suites import (
    HERE,
    UNUSED_PLUGIN_NAMES,
    finish_report,
    no_dumps,
    outcome_report,
    read_jsonl,
    run_node_tests,
    start_pytest,
    wait_child,
)

SLOTS = "/grading/slots"
HOSTS = "/grading/hosts"
JOB_ID = re.compile(r"[A-Za-z0-9_]{1,64}")
FILE_NAME = re.compile(r"[A-Za-z0-9_.-]{1,128}")
JOB_LIMIT = 64 << 20
# How long an answer host may take to listen (it starts with the run) and to start a sandbox.
HOST_LIMIT_S = 30.0
# How long an answer's supervisor may take to dial in once its sandbox started.
DIAL_LIMIT_S = 20.0
# Connections from the answer's side waiting: for a test's call, or to name a port.
WAITING_LIMIT = 64
REPORT_LOCK = "/tmp/llmcode-report.lock"


def main() -> None:
    os.environ.update(GO_ENV)  # the quality measure's go vet, too
    warm_pytest()

    # Reports alone go to the host: anything else printed here goes to the error stream.
    reports = os.dup(1)
    os.dup2(2, 1)
    # Out of the collector's sight: each fork then leaves these objects' pages shared
    # instead of copying them when a collection walks them.
    gc.freeze()
    no_dumps()
    mypy: WarmMypy | None = None  # loaded with the first job that measures Python's quality
    mypy_failed = False  # then each measure runs mypy afresh, as without a warm one
    children: set[int] = set()
    pending = b""
    while True:
        children = {pid for pid in children if os.waitpid(pid, os.WNOHANG)[0] == 0}
        if not select.select([0], [], [], 0.5)[0]:
            continue
        chunk = os.read(0, 1 << 20)
        if not chunk:
            break
        pending += chunk
        if b"\n" not in pending and len(pending) > JOB_LIMIT:
            pending = b""  # not a job: the host never sends one this long
        while b"\n" in pending:
            line, pending = pending.split(b"\n", 1)
            job = parse_job(line)
            if job is None:
                continue
            if (mypy is None and not mypy_failed and job.get("quality")
                    and job.get("language") == "python"):
                try:
                    mypy = WarmMypy()
                except Exception as exc:  # noqa: BLE001 - the gradings running here go on
                    mypy_failed = True
                    print(f"tester: mypy's warm state did not load: {exc!r}", flush=True)
                gc.freeze()
            pid = os.fork()
            if pid == 0:
                try:
                    os.close(0)
                    grade(job, mypy, reports)
                finally:
                    os._exit(0)
            children.add(pid)
    for pid in children:
        os.waitpid(pid, 0)


def warm_pytest() -> None:
    """Import pytest and every plugin module a grading's run loads, once, here: each
    grading's fork would otherwise import them anew."""
    import importlib

    import _pytest.config

    for name in _pytest.config.default_plugins:
        if name not in UNUSED_PLUGIN_NAMES:
            importlib.import_module(f"_pytest.{name}")
    # Not pytest_reporter: each run loads it anew, and an imported one pytest would warn
    # about, in every grading's output, as a module it cannot rewrite.
    for name in ("_pytest._argcomplete", "_pytest.config.compat"):
        importlib.import_module(name)


def parse_job(line: bytes) -> dict[str, object] | None:
    try:
        job = json.loads(line)
    except ValueError:
        return None
    if not isinstance(job, dict) or not JOB_ID.fullmatch(str(job.get("id"))):
        return None
    names = [str(job.get("solution_file")), *dict(job.get("tests") or {})]
    if not JOB_ID.fullmatch(str(job.get("host"))) or not all(map(FILE_NAME.fullmatch, names)):
        return None
    return job


def grade(job: dict[str, object], mypy: WarmMypy | None, reports: int) -> None:
    nonce = str(job["nonce"])
    deadline = time.monotonic() + float(str(job["limit"]))
    slot = os.path.join(SLOTS, "slot-" + str(job["id"]))
    private = os.path.join("/tmp", "job-" + str(job["id"]))
    work, results = os.path.join(private, "work"), os.path.join(private, "results")
    case, api = os.path.join(private, "case"), os.path.join(private, "api")
    try:
        for directory in (work, results, case, api):
            os.makedirs(directory)
        os.mkdir(slot)
        os.chmod(slot, 0o755)  # the answer host's user reads it; nobody else writes it
        tests = job["tests"]
        assert isinstance(tests, dict)
        for name, data in tests.items():
            write_file(os.path.join(case, name), base64.b64decode(str(data)))
            write_file(os.path.join(work, name), base64.b64decode(str(data)))
        solution_file = str(job["solution_file"])
        answer = str(job["answer"]).encode()
        write_file(os.path.join(slot, solution_file), answer)
        write_file(os.path.join(private, solution_file), answer)
        if job.get("api") is not None:
            write_file(os.path.join(api, solution_file), str(job["api"]).encode())
        # The static quality measure reads the answer as data (never runs it) and overlaps
        # with the tests; a case that scores neither quality nor documentation gets none.
        quality = (start_quality(str(job["language"]), os.path.join(private, solution_file),
                                 mypy) if job.get("quality") else None)
        started = time.monotonic()
        try:
            report = Grading(job, slot, case, os.path.join(api, solution_file), work, results,
                             deadline).run()
        except HarnessFailure as exc:
            report = outcome_report("setup", [], str(exc))
        finish_report(report, started, quality, deadline, nonce)
    except Exception as exc:  # noqa: BLE001 - the harness's: the host checks before it blames
        report = {**outcome_report("setup", [], f"the tester failed: {exc!r}"), "nonce": nonce}
    try:
        send_report(reports, {"job": job["id"], "report": report})
    finally:
        shutil.rmtree(private, ignore_errors=True)
        shutil.rmtree(slot, ignore_errors=True)


def write_file(path: str, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)


def send_report(reports: int, message: dict[str, object]) -> None:
    """One line on the host's stream, whole: gradings that end together take turns."""
    data = json.dumps(message).encode() + b"\n"
    with open(REPORT_LOCK, "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        view = memoryview(data)
        while view:
            view = view[os.write(reports, view):]


def start_answer(host: str, slot: str, limit: float, deadline: float) -> socket.socket:
    """Ask the answer host to run the slot's answer; the connection stays open for as long
    as the grading runs (closing it ends the answer's sandbox)."""
    path = os.path.join(HOSTS, host + ".sock")
    until = min(deadline, time.monotonic() + HOST_LIMIT_S)
    while True:
        conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        conn.settimeout(max(until - time.monotonic(), 0.1))
        try:
            conn.connect(path)
            conn.sendall(json.dumps({"slot": os.path.basename(slot), "limit": limit}).encode()
                         + b"\n")
            if conn.recv(16) == b"started\n":
                return conn
            raise HarnessFailure("the answer host did not start the answer")
        except (FileNotFoundError, ConnectionRefusedError):
            conn.close()
            if time.monotonic() >= until:
                raise HarnessFailure("the answer host does not listen") from None
            time.sleep(0.01)
        except (OSError, HarnessFailure) as exc:
            conn.close()
            raise HarnessFailure(f"the answer host failed: {exc}") from None


class Grading:
    """One answer against its hidden tests, the answer in a sandbox of its own."""

    def __init__(self, job: dict[str, object], slot: str, case: str, api: str, work: str,
                 results: str, deadline: float) -> None:
        self.language = str(job["language"])
        self.interface = str(job["interface"])
        self.solution_file = str(job["solution_file"])
        self.limit = float(str(job["limit"]))
        self.host = str(job["host"])
        self.answer_dir = slot
        self.work = work
        self.results = results
        self.deadline = deadline
        self.go: GoSuite | None = None
        if self.language == "go":
            exports = job.get("exports")
            self.go = GoSuite(case, api,
                              [str(e) for e in exports] if isinstance(exports, list) else [],
                              deadline)

    def run(self) -> dict[str, object]:
        link = listen_unix(os.path.join(self.answer_dir, "link.sock"))
        if self.go is not None:
            self.go.generate(self.answer_dir)  # before the job: the answer builds with it
        write_atomic(os.path.join(self.answer_dir, "job.json"), json.dumps({
            "language": self.language, "interface": self.interface,
            "solution_file": self.solution_file, "limit": self.limit,
        }))
        # Open for as long as the grading runs: closing it ends the answer's sandbox.
        with start_answer(self.host, self.answer_dir, self.limit, self.deadline):
            # The supervisor dials before any answer code runs: the first connection is its
            # own.
            dial_by = min(self.deadline, time.monotonic() + DIAL_LIMIT_S)
            link.settimeout(max(dial_by - time.monotonic(), 0.1))
            try:
                control, _ = link.accept()
            except OSError:
                return outcome_report("setup", [], "the answer's container never dialed in")
            with control, link:
                return self.test(link, control)

    def test(self, link: socket.socket, control: socket.socket) -> dict[str, object]:
        if self.go is not None:
            self.go.compile()  # while the answer builds
        status = ask(control, self.deadline, "started")
        compile_s = status.get("compile_s")
        timings = {"compile_s": float(compile_s) if isinstance(compile_s, (int, float)) else 0.0}
        stage = status.get("stage")
        if stage in (None, "starting"):
            return {**outcome_report("timeout", [],
                                     "the answer was still being built at the time limit"),
                    "timings": timings}
        if stage in ("compile", "timeout"):
            output = str(status.get("output", ""))
            return {**outcome_report(str(stage), [], output), "timings": timings}
        if stage == "gone":
            return {**outcome_report("test", [],
                                     "the answer's container stopped answering its supervisor"),
                    "timings": timings}

        local = socket.create_server(("127.0.0.1", 0))
        port = str(local.getsockname()[1])
        links = Links(local, link, control, self.answer_dir, os.path.dirname(self.work))
        env = {"LLMCODE_CALL_PORT": port,
               "LLMCODE_DEADLINE": str(time.time() + self.deadline - time.monotonic()),
               "LLMCODE_REGISTRY": links.registry_path}
        try:
            if self.interface == "http":
                env["SOLUTION_URL"] = f"http://127.0.0.1:{port}"
            if self.language == "python" and self.interface != "http":
                self.write_stand_in(self.solution_file,
                                    "from remote_python import __getattr__  # noqa: F401\n")
                # Forked before the links' thread starts: a fork copies only its caller.
                pid = start_pytest(self.work, self.results, env, close=(local, link, control),
                                   before=register_listeners)
                links.start()
                finished = wait_child(pid, self.deadline)
                tests = read_jsonl(os.path.join(self.results, "pytest.jsonl"))
                stage = "test" if finished else "timeout"
                output = tail(os.path.join(self.results, "pytest.out"))
            elif self.go is not None:
                links.start()
                stage, tests, output = self.go.run(self.work, env)
            else:
                if self.interface != "http":
                    stem = self.solution_file.rsplit(".", 1)[0]
                    remote = os.path.join(HERE, "remote_node.js")
                    self.write_stand_in(stem + ".js", f"module.exports = require({remote!r});\n")
                env["NODE_OPTIONS"] = f"--require {os.path.join(HERE, 'listen_hook.js')}"
                links.start()
                stage, tests, output = run_node_tests(self.deadline, env, self.work, self.results)
        finally:
            links.stop()
        final = ask(control, time.monotonic() + 2)
        answer_output = str(final.get("output", "")).strip()
        if answer_output:
            output += "\n--- the answer's own output\n" + answer_output[-OUTPUT_LIMIT // 2:]
        return {**outcome_report(stage, tests, output), "timings": timings}

    def write_stand_in(self, name: str, text: str) -> None:
        with open(os.path.join(self.work, name), "w", encoding="utf-8") as fh:
            fh.write(text)


def register_listeners() -> None:
    """In a pytest process: every socket a test listens on, on the loopback or on all
    addresses, is registered (and so reachable from the answer's container) before
    listen() returns."""
    original = socket.socket.listen

    def listen(self: socket.socket, *args: int) -> None:
        original(self, *args)
        if self.family == socket.AF_INET and self.getsockname()[0] in ("127.0.0.1", "0.0.0.0"):
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as registry:
                registry.settimeout(10)
                registry.connect(os.environ["LLMCODE_REGISTRY"])
                registry.sendall(f"{self.getsockname()[1]}\n".encode())
                registry.makefile("rb").readline(1 << 16)

    socket.socket.listen = listen  # type: ignore[method-assign, assignment]


def ask(control: socket.socket, until: float, request: str = "status") -> dict[str, object]:
    """The supervisor's reply (by default its status); {} if it did not reply before
    `until` (still building the answer), {"stage": "gone"} if its connection closed."""
    control.settimeout(max(until - time.monotonic(), 0.01))
    try:
        control.sendall(request.encode() + b"\n")
        line = b""
        while not line.endswith(b"\n") and len(line) < (1 << 20):
            chunk = control.recv(1 << 16)
            if not chunk:
                return {"stage": "gone"}
            line += chunk
    except TimeoutError:
        return {}
    except OSError:
        return {"stage": "gone"}
    try:
        status = json.loads(line)
    except ValueError:
        return {"stage": "gone"}
    return status if isinstance(status, dict) else {"stage": "gone"}


class Links:
    """The tests' side of the socket to the answer's container, in a thread of its own.

    Each connection a test makes to the local port is handed to one connection the answer's
    supervisor dialed, and relayed. The other way, a test process that listens on the
    loopback (a fake server for the answer to call) registers its port on the registry
    socket first; the supervisor then listens on that port in the answer's container and
    relays each connection to back.sock, which is connected here to that port only."""

    def __init__(self, local: socket.socket, link: socket.socket, control: socket.socket,
                 answer_dir: str, private: str) -> None:
        self.local = local
        self.link = link
        self.control = control
        self.registry_path = os.path.join(private, "registry.sock")
        self.registry = listen_unix(self.registry_path)
        self.back = listen_unix(os.path.join(answer_dir, "back.sock"))
        self.ports: set[int] = set()
        self.calls: deque[socket.socket] = deque()  # a test's connections waiting for...
        self.dialed: deque[socket.socket] = deque()  # ...one the supervisor dialed
        self.naming: set[socket.socket] = set()  # dialed to back.sock, port line not read yet
        self.relay = Relay()
        self.gone = False  # the supervisor's control channel closed: nobody will answer
        self.stopped = threading.Event()
        # Written to on stop: the thread then returns now, not at its next timeout.
        self.waker, self.wake = socket.socketpair()
        self.thread = threading.Thread(target=self._serve, daemon=True)

    def start(self) -> None:
        self.relay.watch(self.local, self._on_call)
        self.relay.watch(self.link, self._on_dialed)
        self.relay.watch(self.registry, self._on_register)
        self.relay.watch(self.back, self._on_back)
        self.relay.watch(self.waker, lambda: None)
        self.relay.watch(self.control, self._on_control)
        self.thread.start()

    def stop(self) -> None:
        self.stopped.set()
        self.wake.send(b"\0")
        if self.thread.is_alive():
            self.thread.join()
        self.relay.close()
        for sock in (self.local, self.registry, self.back, self.waker, self.wake, *self.calls,
                     *self.dialed, *self.naming):
            sock.close()

    def _serve(self) -> None:
        while not self.stopped.is_set():
            self.relay.step(0.05)

    def _on_call(self) -> None:
        try:
            conn, _ = self.local.accept()
        except OSError:
            return
        if self.gone:
            conn.close()  # at once, not at the time limit: the answer's side is gone
            return
        self.calls.append(conn)
        self._pair()

    def _on_control(self) -> None:
        """The supervisor says nothing unasked: the control channel is readable only when
        it closed (the answer killed its supervisor, or its container stopped)."""
        self.relay.unwatch(self.control)
        try:
            self.gone = self.control.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) == b""
        except BlockingIOError:
            return
        except OSError:
            self.gone = True
        if self.gone:
            while self.calls:
                self.calls.popleft().close()

    def _on_dialed(self) -> None:
        dialed = accept_bounded(self.link, len(self.dialed))
        if dialed is not None:
            self.dialed.append(dialed)
            self._pair()

    def _pair(self) -> None:
        while self.calls and self.dialed:
            self.relay.join(self.calls.popleft(), self.dialed.popleft())

    def _on_register(self) -> None:
        try:
            conn, _ = self.registry.accept()
        except OSError:
            return
        with conn:
            conn.settimeout(2)
            try:
                port = int(conn.makefile("rb").readline(16))
                reply = ask(self.control, time.monotonic() + 5, f"forward {port}")
                if reply.get("stage") == "gone":
                    # Nothing is left on the answer's side to call the port: the test goes
                    # on, and its calls into the answer fail as the answer's doing.
                    reply = {"forward": port, "answer": "gone"}
                if reply.get("forward") == port:
                    self.ports.add(port)
                conn.sendall(json.dumps(reply).encode() + b"\n")
            except (OSError, ValueError):
                pass

    def _on_back(self) -> None:
        dialed = accept_bounded(self.back, len(self.naming))
        if dialed is None:
            return
        dialed.setblocking(False)
        self.naming.add(dialed)
        line = bytearray()
        self.relay.watch(dialed, lambda: self._on_port_line(dialed, line))

    def _on_port_line(self, dialed: socket.socket, line: bytearray) -> None:
        """Read the port a back.sock connection names, a byte at a time as it comes (what
        follows the line is the answer's request), then connect it to that port if a test
        registered it. A connection that stays silent holds up nothing else."""
        try:
            byte = dialed.recv(1)
        except BlockingIOError:
            return
        except OSError:
            byte = b""
        if byte not in (b"", b"\n") and len(line) < 16:
            line += byte
            return
        self.relay.unwatch(dialed)
        self.naming.discard(dialed)
        try:
            port = int(line)
            if byte != b"\n" or port not in self.ports:
                raise ValueError(port)
            target = socket.create_connection(("127.0.0.1", port), timeout=1)
        except (OSError, ValueError):
            dialed.close()
            return
        self.relay.join(dialed, target)


def accept_bounded(listener: socket.socket, waiting: int) -> socket.socket | None:
    """A connection from the answer's side, or None: if none is there, or if `waiting` of
    its kind already wait (the answer itself may dial, to exhaust us)."""
    try:
        conn, _ = listener.accept()
    except OSError:
        return None
    if waiting >= WAITING_LIMIT:
        conn.close()
        return None
    return conn


def listen_unix(path: str) -> socket.socket:
    """A listening socket any user may connect to: the answer's container runs as another
    user than this one."""
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.bind(path)
    os.chmod(path, 0o666)
    sock.listen(64)
    return sock


def write_atomic(path: str, text: str) -> None:
    partial = path + ".partial"
    with open(partial, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.rename(partial, path)


if __name__ == "__main__":
    main()
