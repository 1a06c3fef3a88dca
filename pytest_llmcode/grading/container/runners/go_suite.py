"""The tests' side of a Go grading, in the tester: the hidden tests are compiled against a
stand-in `solution` package whose every function and method forwards its call to the
answer, which runs behind a generated server in its own container (gobridge/).

Each hidden test runs as a process of its own of that test binary. A test passed when its
process exited 0 without reporting itself skipped: the verdict rests on the exit status of
a process that holds only the tests and the stand-in, never on text the answer could shape
(its error messages and values travel into the tests' output).
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import re
import shutil

from jobs import OUTPUT_LIMIT, run

HERE = os.path.dirname(os.path.abspath(__file__))
BRIDGE = os.path.join(HERE, "gobridge")
GENERATE = os.path.join(HERE, "gobridge-gen")
GO_MOD = os.path.join(BRIDGE, "solution-go.mod")
# The image's warm build cache, read-only (Go then writes nothing to it, and needs not).
GO_ENV = {"GOCACHE": "/opt/gocache"}
# Generated bridges and built test binaries, by the hash of what they are made from: each
# case's are made once per tester, whatever the number of its gradings.
BUILDS = "/tmp/llmcode-go"
SERVER_FILE = "llmcode_server.go"  # the answer's side, handed over in its directory
# gobridge's exit status when the harness, not the answer, failed (client.go).
BRIDGE_FAILURE = 86
TEST_NAME = re.compile(r"Test[\w]*")


class HarnessFailure(Exception):
    """The Go side of the harness could not run the tests (a case the bridge cannot serve,
    hidden tests that do not compile against its API): never the answer's doing."""


class GoSuite:
    def __init__(self, case_dir: str, api_file: str, exports: list[str], deadline: float) -> None:
        digest = hashlib.sha256()
        for path in [api_file, *sorted(os.path.join(case_dir, n) for n in os.listdir(case_dir))]:
            with open(path, "rb") as fh:
                digest.update(os.path.basename(path).encode() + b"\0" + fh.read() + b"\0")
        digest.update(",".join(exports).encode())
        self.key = digest.hexdigest()[:24]
        self.case_dir = case_dir
        self.api_file = api_file
        self.exports = exports
        self.deadline = deadline
        self.build = os.path.join(BUILDS, self.key)
        self.binary = os.path.join(self.build, "solution.test")

    def generate(self, answer_dir: str) -> None:
        """The stand-in and the answer's server, generated from the case's reference API; the
        server goes into the answer's directory."""
        server = os.path.join(self.build, "server", SERVER_FILE)  # not in the tests' package
        os.makedirs(os.path.dirname(server), exist_ok=True)
        with self._lock():
            if not os.path.exists(server):
                for name in os.listdir(self.case_dir):
                    shutil.copyfile(os.path.join(self.case_dir, name),
                                    os.path.join(self.build, name))
                shutil.copyfile(GO_MOD, os.path.join(self.build, "go.mod"))
                code, output = run([GENERATE, self.api_file, ",".join(self.exports), self.case_dir,
                                    os.path.join(self.build, "solution.go"),
                                    server + ".partial"], self.deadline)
                if code != 0:
                    raise HarnessFailure(output.strip() or "the Go bridge generator failed")
                os.rename(server + ".partial", server)
        shutil.copyfile(server, os.path.join(answer_dir, SERVER_FILE))

    def compile(self) -> None:
        """The test binary: the hidden tests and the stand-in, nothing of the answer's."""
        with self._lock():
            if os.path.exists(self.binary):
                return
            partial = self.binary + ".partial"
            code, output = run(["go", "test", "-c", "-vet=off", "-o", partial, "."],
                               self.deadline, GO_ENV, cwd=self.build)
            if code != 0:
                raise HarnessFailure("the hidden tests do not compile against the case's API "
                                     "(the reference's exports): " + output[-4000:])
            os.rename(partial, self.binary)

    def _lock(self) -> _Lock:
        return _Lock(self.build + ".lock")

    def run(self, work: str, env: dict[str, str]) -> tuple[str, list[dict[str, str]], str]:
        """(stage, tests, output): each test in a process of its own, in order, until the
        time limit."""
        code, listing = run([self.binary, "-test.list", "."], self.deadline, env, cwd=work)
        if code != 0:
            raise HarnessFailure("the test binary does not list its tests: " + listing[-2000:])
        tests: list[dict[str, str]] = []
        output: list[str] = []
        for name in (n for n in listing.split() if TEST_NAME.fullmatch(n)):
            code, out = run([self.binary, f"-test.run=^{name}$", "-test.v"], self.deadline,
                            env, cwd=work, limit=OUTPUT_LIMIT // 4)
            if code == BRIDGE_FAILURE:
                raise HarnessFailure(f"{name}: {out[-2000:]}")
            if code is None:
                shown = without_stacks(out)
                tests.append({"id": name, "outcome": "failed",
                              "message": "still running at the time limit\n" + shown[-2000:]})
                output.append(shown)
                return "timeout", tests, "\n".join(output)
            if code == 0:
                skipped = re.search(rf"^\s*--- SKIP: {name} \(", out, re.M)
                tests.append({"id": name, "outcome": "skipped" if skipped else "passed",
                              "message": ""})
                continue
            shown = without_stacks(out)
            tests.append({"id": name, "outcome": "failed", "message": shown[-2000:]})
            output.append(shown)
        return "test", tests, "\n".join(output)


def without_stacks(output: str) -> str:
    """A test's output up to its first goroutine dump: a panic (the answer's, or the
    bridge's when the answer is gone) shows its message, not the frames of the harness."""
    cut = output.find("\ngoroutine ")
    return output if cut < 0 else output[:cut].rstrip() + "\n[goroutine stacks left out]\n"


class _Lock:
    def __init__(self, path: str) -> None:
        self.path = path
        self.fd = -1

    def __enter__(self) -> None:
        self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        fcntl.flock(self.fd, fcntl.LOCK_EX)

    def __exit__(self, *exc: object) -> None:
        os.close(self.fd)
