"""Grading runner, run inside the sandbox container (trusted code, image-baked).

Usage: run.py LANGUAGE INTERFACE SOLUTION_FILE TIME_LIMIT_S

Copies the hidden tests (/case) and the answer (/answer) into a private working directory,
compiles where the language needs it, runs the language's own test runner, and writes one
JSON report to /report/report.json: {"nonce", "stage", "tests": [{"id", "outcome",
"message"}], "output"}. Stages: "compile" (the answer did not build), "timeout" (the run hit
the time limit), "test" (tests ran; look at each test's outcome).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time

WORK = "/tmp/work"
RESULTS = "/tmp/results"
REPORT = "/report/report.json"
OUTPUT_LIMIT = 16_000
HERE = os.path.dirname(os.path.abspath(__file__))


def main() -> None:
    language, interface, solution_file, limit = sys.argv[1:5]
    deadline = time.monotonic() + float(limit)
    os.makedirs(WORK)
    os.makedirs(RESULTS)
    for name in sorted(os.listdir("/case")):
        shutil.copyfile(os.path.join("/case", name), os.path.join(WORK, name))
    shutil.copyfile(os.path.join("/answer", solution_file), os.path.join(WORK, solution_file))

    report = RUNNERS[language](interface, solution_file, deadline)
    # -- static quality measure (quality.py) of the read-only original answer, which the
    # tests cannot have touched
    from quality import measure_quality
    report["quality"] = measure_quality(language, os.path.join("/answer", solution_file), deadline)
    report["nonce"] = os.environ.get("LLMCODE_NONCE", "")
    report["output"] = report.get("output", "")[-OUTPUT_LIMIT:]
    with open(REPORT, "w", encoding="utf-8") as fh:
        json.dump(report, fh)


def run(cmd: list[str], deadline: float, env: dict[str, str] | None = None) -> tuple[int | None, str]:
    """Run cmd in WORK in its own process group; None as the code means it timed out."""
    proc = subprocess.Popen(
        cmd,
        cwd=WORK,
        env={**os.environ, **(env or {})},
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        out, _ = proc.communicate(timeout=max(deadline - time.monotonic(), 0.1))
        code: int | None = proc.returncode
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, _ = proc.communicate()
        code = None
    finally:
        _kill_group(proc.pid)
    return code, out.decode("utf-8", "replace")[-OUTPUT_LIMIT:]


def _kill_group(pgid: int) -> None:
    try:
        os.killpg(pgid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def outcome_report(stage: str, tests: list[dict[str, str]], output: str) -> dict[str, object]:
    return {"stage": stage, "tests": tests, "output": output}


def read_jsonl(path: str) -> list[dict[str, str]]:
    if not os.path.exists(path):
        return []
    rows = []
    with open(path, encoding="utf-8", errors="replace") as fh:
        for line in fh:
            try:
                rows.append(json.loads(line))
            except ValueError:
                continue
    return rows


def run_python(interface: str, solution_file: str, deadline: float) -> dict[str, object]:
    results = os.path.join(RESULTS, "pytest.jsonl")
    code, output = run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "pytest_reporter",
         "--rootdir", WORK, WORK],
        deadline,
        {"PYTHONPATH": HERE, "LLMCODE_RESULTS": results},
    )
    stage = "timeout" if code is None else "test"
    return outcome_report(stage, read_jsonl(results), output)


def run_node_tests(deadline: float, env: dict[str, str] | None = None) -> tuple[str, list[dict[str, str]], str]:
    results = os.path.join(RESULTS, "node.jsonl")
    files = sorted(n for n in os.listdir(WORK) if n.endswith(".test.js"))
    code, output = run(
        ["node", "--test", "--test-reporter", os.path.join(HERE, "node_reporter.mjs"),
         "--test-reporter-destination", results, *files],
        deadline,
        env,
    )
    return ("timeout" if code is None else "test"), read_jsonl(results), output


def run_javascript(interface: str, solution_file: str, deadline: float) -> dict[str, object]:
    if interface == "http":
        return run_http(solution_file, deadline)
    stage, tests, output = run_node_tests(deadline)
    return outcome_report(stage, tests, output)


def run_http(solution_file: str, deadline: float) -> dict[str, object]:
    port = 8080
    server = subprocess.Popen(
        ["node", os.path.join(HERE, "http_shim.js"), os.path.join(WORK, solution_file), str(port)],
        cwd=WORK,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        if not _wait_for_port(port, server, min(deadline, time.monotonic() + 10)):
            server.kill()
            out = server.communicate()[0].decode("utf-8", "replace")
            return outcome_report("compile", [], "the app did not start listening:\n" + out)
        stage, tests, output = run_node_tests(deadline, {"SOLUTION_URL": f"http://127.0.0.1:{port}"})
        return outcome_report(stage, tests, output)
    finally:
        _kill_group(server.pid)


def _wait_for_port(port: int, server: subprocess.Popen[bytes], until: float) -> bool:
    while time.monotonic() < until:
        if server.poll() is not None:
            return False
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return True
        except OSError:
            time.sleep(0.02)
    return False


def run_typescript(interface: str, solution_file: str, deadline: float) -> dict[str, object]:
    code, output = run(
        ["tsc", "--strict", "--noEmitOnError", "--target", "es2020", "--module", "commonjs",
         "--outDir", WORK, solution_file],
        deadline,
    )
    if code is None:
        return outcome_report("timeout", [], output)
    if code != 0:
        return outcome_report("compile", [], output)
    stage, tests, test_output = run_node_tests(deadline)
    return outcome_report(stage, tests, output + test_output)


def run_go(interface: str, solution_file: str, deadline: float) -> dict[str, object]:
    with open(os.path.join(WORK, "go.mod"), "w", encoding="utf-8") as fh:
        fh.write("module solution\n\ngo 1.19\n")
    code, output = run(["go", "test", "-json", "-count=1", "-vet=off", "."], deadline)
    tests = []
    text = []
    for line in output.splitlines():
        try:
            event = json.loads(line)
        except ValueError:
            text.append(line)
            continue
        if event.get("Action") == "output":
            text.append(event.get("Output", "").rstrip("\n"))
        elif event.get("Test") and event.get("Action") in ("pass", "fail", "skip"):
            outcome = {"pass": "passed", "fail": "failed", "skip": "skipped"}[event["Action"]]
            tests.append({"id": event["Test"], "outcome": outcome, "message": ""})
    if code is None:
        return outcome_report("timeout", tests, "\n".join(text))
    if not tests and "[build failed]" in output:
        return outcome_report("compile", [], "\n".join(text))
    return outcome_report("test", tests, "\n".join(text))


RUNNERS = {
    "python": run_python,
    "javascript": run_javascript,
    "typescript": run_typescript,
    "go": run_go,
}

if __name__ == "__main__":
    main()
