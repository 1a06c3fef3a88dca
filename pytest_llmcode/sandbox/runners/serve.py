"""Candidate container entry point for isolated grading (trusted supervisor).

Usage: serve.py LANGUAGE INTERFACE SOLUTION_FILE CALL_PORT CONTROL_PORT

Copies the answer into a private directory, compiles it where the language needs it, and
starts the answer behind its shim (a call server, or for `interface: http` the answer's own
app) on CALL_PORT. On CONTROL_PORT it tells the test container whether the answer built
and, at the end, what the answer printed. This container never holds a hidden test or a
report; the test container joins its loopback and nothing else.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys

WORK = "/tmp/work"
LOG = "/tmp/answer.log"
HERE = os.path.dirname(os.path.abspath(__file__))
OUTPUT_LIMIT = 16_000


def main() -> None:
    language, interface, solution_file, call_port, control_port = sys.argv[1:6]
    os.makedirs(WORK)
    shutil.copyfile(os.path.join("/answer", solution_file), os.path.join(WORK, solution_file))
    status = {"stage": "running", "output": ""}
    control = socket.create_server(("127.0.0.1", int(control_port)))

    command = None
    if language == "typescript":
        build = subprocess.run(
            ["tsc", "--strict", "--noEmitOnError", "--target", "es2020", "--module", "commonjs",
             "--outDir", WORK, solution_file],
            cwd=WORK, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        )
        if build.returncode != 0:
            status = {"stage": "compile", "output": build.stdout.decode("utf-8", "replace")[-OUTPUT_LIMIT:]}
        solution_file = solution_file[: -len(".ts")] + ".js"
    if status["stage"] == "running":
        command = shim_command(language, interface, solution_file, call_port)

    process = None
    if command:
        with open(LOG, "wb") as log:
            process = subprocess.Popen(command, cwd=WORK, stdin=subprocess.DEVNULL, stdout=log,
                                       stderr=subprocess.STDOUT, start_new_session=True)
    serve_control(control, status, process)


def shim_command(language: str, interface: str, solution_file: str, port: str) -> list[str]:
    path = os.path.join(WORK, solution_file)
    if interface == "http":
        return ["node", os.path.join(HERE, "http_shim.js"), path, port]
    if language == "python":
        module = solution_file[: -len(".py")]
        return [sys.executable, os.path.join(HERE, "shim_python.py"), WORK, module, port]
    return ["node", os.path.join(HERE, "shim_node.js"), path, port]


def serve_control(control: socket.socket, status: dict, process: subprocess.Popen | None) -> None:
    # One reply at a time, in this thread: an answer that exhausts the container's process
    # limit (a fork or thread bomb) must not silence its supervisor, or the grading would
    # end as an infrastructure error instead of the answer's failure.
    while True:
        conn, _ = control.accept()
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


def tail(path: str) -> str:
    try:
        with open(path, "rb") as fh:
            fh.seek(0, os.SEEK_END)
            fh.seek(max(fh.tell() - OUTPUT_LIMIT, 0))
            return fh.read().decode("utf-8", "replace")
    except OSError:
        return ""


if __name__ == "__main__":
    main()
