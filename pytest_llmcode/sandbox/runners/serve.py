"""Answer container entry point for isolated grading (trusted supervisor).

Usage: serve.py IDLE_S CALL_PORT CONTROL_PORT

Started ahead of need; waits for /answer/job.json (language, interface, solution_file,
limit), then copies the answer into a private directory, compiles it where the language
needs it, and starts it behind its shim (a call server, or for `interface: http` the
answer's own app) on CALL_PORT. On CONTROL_PORT it tells the test container whether the
answer built and what it printed. This container never holds a hidden test or a report;
the test container joins its loopback and nothing else.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time

from jobs import OUTPUT_LIMIT, compile_typescript, tail, wait_for_job

WORK = "/tmp/work"
LOG = "/tmp/answer.log"
HERE = os.path.dirname(os.path.abspath(__file__))


def main() -> None:
    idle_s, call_port, control_port = float(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    control = socket.create_server(("127.0.0.1", control_port))
    job = wait_for_job("/answer/job.json", idle_s)
    deadline = time.monotonic() + float(job["limit"])
    language, interface, solution_file = job["language"], job["interface"], job["solution_file"]
    os.makedirs(WORK)
    shutil.copyfile(os.path.join("/answer", solution_file), os.path.join(WORK, solution_file))
    status: dict[str, object] = {"stage": "running", "output": "", "compile_s": 0.0}

    if language == "typescript":
        started = time.monotonic()
        code, output = compile_typescript(WORK, solution_file, deadline)
        status["compile_s"] = round(time.monotonic() - started, 4)
        if code != 0:
            status.update(stage="compile" if code is not None else "timeout", output=output[-OUTPUT_LIMIT:])
        solution_file = solution_file[: -len(".ts")] + ".js"

    process = None
    if status["stage"] == "running":
        with open(LOG, "wb") as log:
            process = subprocess.Popen(
                shim_command(language, interface, solution_file, call_port), cwd=WORK,
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,
            )
    # The test container ends first; this one outlives it only by a margin.
    serve_control(control, status, process, until=deadline + 5)


def shim_command(language: str, interface: str, solution_file: str, port: str) -> list[str]:
    path = os.path.join(WORK, solution_file)
    if interface == "http":
        return ["node", os.path.join(HERE, "http_shim.js"), path, port]
    if language == "python":
        module = solution_file[: -len(".py")]
        return [sys.executable, os.path.join(HERE, "shim_python.py"), WORK, module, port]
    return ["node", os.path.join(HERE, "shim_node.js"), path, port]


def serve_control(
    control: socket.socket, status: dict, process: subprocess.Popen | None, until: float
) -> None:
    # One reply at a time, in this thread: an answer that exhausts the container's process
    # limit (a fork or thread bomb) must not silence its supervisor, or the grading would
    # end as an infrastructure error instead of the answer's failure.
    while time.monotonic() < until:
        control.settimeout(max(until - time.monotonic(), 0.01))
        try:
            conn, _ = control.accept()
        except socket.timeout:
            return
        try:
            answer(conn, status, process)
        except OSError:
            pass


def answer(conn: socket.socket, status: dict, process: subprocess.Popen | None) -> None:
    with conn:
        reply = dict(status)
        if process is not None:
            reply["exit_code"] = process.poll()
            reply["output"] = tail(LOG)
        conn.sendall(json.dumps(reply).encode() + b"\n")


if __name__ == "__main__":
    main()
