"""Grading runner for process mode, run inside the test container (trusted code, image-baked).

Usage: run.py IDLE_S

Started ahead of need; waits for /job/job.json (language, interface, solution_file, limit),
copies the hidden tests (/job/case) and the answer (/answer) into a private working directory
and runs the language's own test runner there: the answer shares the tests' container, as
Go's white-box package tests require. (Isolated grading, where the answer runs in a
container of its own, is tester.py's; it shares this module's helpers.)

Writes one JSON report to /report/report.json, a file mount only this container has:
{"nonce", "isolation", "stage", "tests": [{"id", "outcome", "message"}], "output",
"timings", "quality"}. The host puts the grading's nonce in that file; it is read and erased
before anything else runs, and this process is made non-dumpable, so answer code (same user,
same container) can neither read it from a file, an environment nor this process's memory.
Stages: "compile" (the answer did not build), "integrity" (a Go answer uses what could forge
a verdict in one process), "timeout" (the run hit the time limit), "setup" (the answer's
container never answered: infrastructure), "test" (tests ran).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from typing import Callable

from jobs import OUTPUT_LIMIT, compile_typescript, kill_group, run, wait_for_job
from quality import Measurement, start_quality

WORK = "/tmp/work"
RESULTS = "/tmp/results"
REPORT = "/report/report.json"
GO_CACHE = "/opt/gocache"
HERE = os.path.dirname(os.path.abspath(__file__))


def main() -> None:
    idle_s = float(sys.argv[1])
    no_dumps()
    job = wait_for_job("/job/job.json", idle_s)
    nonce = take_nonce(REPORT)
    deadline = time.monotonic() + float(job["limit"])
    language, interface, solution_file = job["language"], job["interface"], job["solution_file"]
    os.makedirs(WORK)
    os.makedirs(RESULTS)
    copy_tests("/job/case", WORK)
    shutil.copyfile(os.path.join("/answer", solution_file), os.path.join(WORK, solution_file))
    if language == "go":
        # The image's warm build cache, writable (the tests and the quality measure share it).
        shutil.copytree(GO_CACHE, os.environ["GOCACHE"])

    # The static quality measure reads the answer as data (never runs it) and overlaps
    # with the tests.
    quality = start_quality(language, os.path.join("/answer", solution_file))
    started = time.monotonic()
    report = RUNNERS[language](interface, solution_file, deadline)
    report["isolation"] = "process"
    finish_report(report, started, quality, deadline, nonce)
    kill_strays()
    # The host reads the report the moment it parses as a whole JSON object.
    with open(REPORT, "w", encoding="utf-8") as fh:
        json.dump(report, fh)


def copy_tests(case_dir: str, work: str) -> None:
    for name in sorted(os.listdir(case_dir)):
        shutil.copyfile(os.path.join(case_dir, name), os.path.join(work, name))


def finish_report(report: dict[str, object], started: float, quality: Measurement,
                  deadline: float, nonce: str) -> None:
    """Timings, the quality measure, the nonce and the output's bounded tail."""
    timings = report.setdefault("timings", {})
    assert isinstance(timings, dict)
    timings["test_s"] = round(time.monotonic() - started - timings.get("compile_s", 0.0), 4)
    report["quality"] = quality.finish(deadline)
    timings["quality_wait_s"] = round(time.monotonic() - started - timings["test_s"]
                                      - timings.get("compile_s", 0.0), 4)
    report["nonce"] = nonce
    report["output"] = str(report.get("output", ""))[-OUTPUT_LIMIT:]


def kill_strays() -> None:
    """Kill every other process of this container but PID 1 (`timeout`) before the report is
    written: whatever answer code started, in any process group or session, could otherwise
    rewrite the report after this process writes it."""
    try:
        os.kill(-1, signal.SIGKILL)
    except ProcessLookupError:
        return  # nothing else runs
    until = time.monotonic() + 5
    while time.monotonic() < until and _others_alive():
        time.sleep(0.01)


def _others_alive() -> bool:
    for name in os.listdir("/proc"):
        if not name.isdigit() or int(name) in (1, os.getpid()):
            continue
        try:
            with open(f"/proc/{name}/stat", encoding="ascii", errors="replace") as fh:
                state = fh.read().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            continue
        if state not in ("Z", "X"):
            return True
    return False


def no_dumps() -> None:
    """Make this process non-dumpable: its memory and /proc files are then closed to other
    processes of the same user (answer code, in process mode)."""
    import ctypes

    pr_set_dumpable = 4
    if ctypes.CDLL(None, use_errno=True).prctl(pr_set_dumpable, 0, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_DUMPABLE, 0) failed")


def take_nonce(report: str) -> str:
    """The grading's nonce, which the host put in the report file: read, then erased."""
    with open(report, "r+", encoding="ascii") as fh:
        nonce = fh.read(256).strip()
        fh.seek(0)
        fh.truncate()
    return nonce


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
    # The answer shares the test process here: a fresh interpreter, never a fork of this
    # one, whose memory holds the nonce.
    results = os.path.join(RESULTS, "pytest.jsonl")
    code, output = run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "pytest_reporter",
         "--rootdir", WORK, WORK],
        deadline,
        {"PYTHONPATH": HERE, "LLMCODE_RESULTS": results},
        cwd=WORK,
    )
    return outcome_report("timeout" if code is None else "test", read_jsonl(results), output)


# pytest's own plugins that serve options a grading never passes: set up in every run, they
# cost about a fifth of a small case's pytest time.
UNUSED_PLUGINS = [
    arg for name in ("cacheprovider", "doctest", "junitxml", "pastebin", "stepwise", "setuponly",
                     "setupplan", "debugging", "faulthandler")
    for arg in ("-p", f"no:{name}")
]


def start_pytest(work: str, results: str, env: dict[str, str], close: tuple[socket.socket, ...],
                 before: Callable[[], None]) -> int:
    """pytest in a forked child of this warm interpreter, in its own session; only for
    isolated grading (tester.py), where the answer runs in another container. The child
    writes its results to RESULTS/pytest.jsonl and its output to RESULTS/pytest.out."""
    import pytest

    pid = os.fork()
    if pid == 0:
        try:
            for sock in close:
                sock.close()
            os.setsid()
            out = os.open(os.path.join(results, "pytest.out"),
                          os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            os.dup2(out, 1)
            os.dup2(out, 2)
            os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
            os.environ.update(env, LLMCODE_RESULTS=os.path.join(results, "pytest.jsonl"))
            os.chdir(work)
            before()
            code = pytest.main(["-q", *UNUSED_PLUGINS, "-p", "pytest_reporter",
                                "--rootdir", work, work])
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(int(code))
        finally:
            os._exit(70)
    return pid


def wait_child(pid: int, deadline: float) -> bool:
    while time.monotonic() < deadline:
        if os.waitpid(pid, os.WNOHANG)[0] == pid:
            return True
        time.sleep(0.005)
    os.killpg(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    return False


def run_node_tests(deadline: float, env: dict[str, str] | None = None, work: str = WORK,
                   results: str = RESULTS) -> tuple[str, list[dict[str, str]], str]:
    results_file = os.path.join(results, "node.jsonl")
    files = sorted(n for n in os.listdir(work) if n.endswith(".test.js"))
    code, output = run(
        ["node", "--test", "--test-reporter", os.path.join(HERE, "node_reporter.mjs"),
         "--test-reporter-destination", results_file, *files],
        deadline,
        env,
        cwd=work,
    )
    return ("timeout" if code is None else "test"), read_jsonl(results_file), output


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
        kill_group(server.pid)


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
    started = time.monotonic()
    code, output = compile_typescript(WORK, solution_file, deadline)
    timings = {"compile_s": round(time.monotonic() - started, 4)}
    if code != 0:
        stage = "timeout" if code is None else "compile"
        return {**outcome_report(stage, [], output), "timings": timings}
    stage, tests, test_output = run_node_tests(deadline)
    return {**outcome_report(stage, tests, output + test_output), "timings": timings}


# Go's package tests share a process with the answer, so nothing in that process is
# trustworthy once the answer runs. These constructs are how an answer would take over the
# process or forge go test's output; no library answer needs them.
GO_FORBIDDEN = [
    # An import path is a quoted or a raw (`...`) string.
    (re.compile(r'["`](testing|flag|os/exec|net/http/cgi|go/build|syscall|unsafe|plugin|runtime/debug'
                r'|golang.org/x/sys/[^"`]*)["`]'),
     "import of a process-level package"),
    (re.compile(r"go:linkname|go:cgo"), "compiler directive"),
    (re.compile(r"---\s*(PASS|FAIL|SKIP)|===\s*(RUN|PAUSE|CONT)|\\x16|\\u0016|\"Action\""),
     "text that imitates go test output"),
]
# Checked on the code without comments and string literals, so they hold however a package
# is imported (`import xos "os"`, `import . "os"`): a forged run needs the test binary to
# exit 0, and these end the process (Exit; `flag` is banned above since ExitOnError exits 0
# on -help), choose which tests run (os.Args, read by the testing flags), or start a process
# (as net/http/cgi and go/build can, banned above).
GO_FORBIDDEN_CODE = [
    (re.compile(r"\bfunc\s+init\s*\("), "func init"),
    (re.compile(r"\bTestMain\b"), "TestMain"),
    (re.compile(r"\bExit\b"), "os.Exit"),
    (re.compile(r"\bArgs\b"), "os.Args"),
    (re.compile(r"\bStartProcess\b"), "os.StartProcess"),
]
GO_COMMENT_OR_STRING = re.compile(
    r"//[^\n]*|/\*.*?\*/|\"(?:\\.|[^\"\\\n])*\"|`[^`]*`|'(?:\\.|[^'\\\n])*'", re.S
)
# Package-level declarations: `func name(`, `type|var|const name`, and groups `var (...)`.
GO_DECLARATION = re.compile(r"^(?:func|type|var|const)\s+([A-Za-z_]\w*)", re.M)
GO_DECLARATION_GROUP = re.compile(r"^(?:type|var|const)\s*\(", re.M)
GO_NAME_LIST = re.compile(r"\s*([A-Za-z_]\w*(?:\s*,\s*[A-Za-z_]\w*)*)")


def go_integrity_problems(source: str, test_sources: list[str] | None = None) -> list[str]:
    code = GO_COMMENT_OR_STRING.sub(" ", source)
    problems = [what for pattern, what in GO_FORBIDDEN if pattern.search(source)] + [
        what for pattern, what in GO_FORBIDDEN_CODE if pattern.search(code)
    ]
    # The hidden tests share the answer's package: through their package-level names an
    # answer could rewrite what the tests observe (a fake driver's query log, say). Those
    # names are hidden, so an answer that uses one was written against the tests.
    used = set(re.findall(r"[A-Za-z_]\w*", code))
    names = sorted(used & go_package_names(test_sources or []))
    if names:
        problems.append("names declared by the hidden tests (" + ", ".join(names[:5]) + ")")
    return problems


def go_package_names(sources: list[str]) -> set[str]:
    """Package-level names declared by Go sources (not methods, not the test functions)."""
    names: set[str] = set()
    for source in sources:
        code = GO_COMMENT_OR_STRING.sub(" ", source)
        names.update(GO_DECLARATION.findall(code))
        for group in GO_DECLARATION_GROUP.finditer(code):
            depth, start = 0, group.end()
            for i in range(group.end(), len(code)):
                char = code[i]
                if char in "([{":
                    depth += 1
                elif char in ")]}":
                    if depth == 0:
                        break
                    depth -= 1
                elif char == "\n" and depth == 0:
                    names.update(_go_names(code[start:i]))
                    start = i + 1
    return {n for n in names if n not in ("_", "init", "main") and not re.match(
        r"(Test|Benchmark|Example|Fuzz)([A-Z_]|$)", n)}


def _go_names(line: str) -> list[str]:
    match = GO_NAME_LIST.match(line)
    return [n.strip() for n in match.group(1).split(",")] if match and line.strip() else []


def run_go(interface: str, solution_file: str, deadline: float) -> dict[str, object]:
    test_sources = []
    for name in sorted(os.listdir(WORK)):
        if name.endswith("_test.go"):
            with open(os.path.join(WORK, name), encoding="utf-8", errors="replace") as fh:
                test_sources.append(fh.read())
    with open(os.path.join(WORK, solution_file), encoding="utf-8", errors="replace") as fh:
        problems = go_integrity_problems(fh.read(), test_sources)
    if problems:
        return outcome_report(
            "integrity", [],
            "the answer uses what an answer could forge its verdict with in one process: "
            + ", ".join(problems),
        )
    with open(os.path.join(WORK, "go.mod"), "w", encoding="utf-8") as fh:
        fh.write("module solution\n\ngo 1.19\n")
    code, output = run(["go", "test", "-json", "-count=1", "-vet=off", "."], deadline, cwd=WORK)
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
    if code != 0 and all(t["outcome"] == "passed" for t in tests):
        # Every test "passed" yet the package failed (a crash, log.Fatal, a forged report):
        # none of them counts as passed.
        tests = [{**t, "outcome": "failed" if t["outcome"] == "passed" else t["outcome"]}
                 for t in tests]
    return outcome_report("test", tests, "\n".join(text))


RUNNERS = {
    "python": run_python,
    "javascript": run_javascript,
    "typescript": run_typescript,
    "go": run_go,
}

if __name__ == "__main__":
    main()
