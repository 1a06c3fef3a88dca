"""Confinement self-test, run once per session before any grading (the host refuses to grade
unless every check holds: fail closed).

Usage: selftest.py container EXPECTED_PIDS_LIMIT EXPECTED_MEMORY_BYTES TESTER_UID TMPFS_MB

Run as an answer host is (same container settings, the grading volume at /grading), it
checks that container, then starts a sandbox exactly as the answer host starts one for an
answer (sandbox.py), with a slot of its own beside another one, and runs
`selftest.py sandbox PIDS TESTER_UID` in it: the checks an answer's code would have to break.
The sandbox also leaves a detached process behind on purpose; once the sandbox is ended as a
grading's is, nothing of it may be left. Prints one JSON line: {"nonce", "checks": {name:
[ok, detail]}}.
"""

from __future__ import annotations

import ctypes
import errno
import json
import os
import resource
import select
import socket
import subprocess
import sys
import time

import sandbox

ALLOWED_ENV = {
    "HOME", "LANG", "PATH", "HOSTNAME", "NODE_PATH", "PYTHONDONTWRITEBYTECODE", "GOCACHE",
    "GOPATH", "GOFLAGS", "GO111MODULE", "GOPROXY", "GOSUMDB", "CGO_ENABLED", "LLMCODE_NONCE",
    "PWD",
}
# What the sandbox reports; all failed at once when it does not start.
SANDBOX_CHECKS = (
    "sandbox: non-root user", "sandbox: not the tester's user", "sandbox: no capabilities",
    "sandbox: no new privileges", "sandbox: read-only root", "read-only /proc",
    "sandbox: only loopback", "sandbox: no route out", "sandbox: no grading volume",
    "sandbox: only its own slot", "sandbox: own process namespace",
    "sandbox: no new user namespace", "sandbox: process limit", "sandbox: no docker socket",
    "sandbox: minimal environment", "sandbox: system call filter",
)
SLOTS = "/grading/hosts/selftest"  # the answer host's own directory: a sandbox sees none of it
CLONE_NEWUSER = 0x10000000
CLONE3 = 435  # the same number on x86-64 and arm64


def status_field(name: str) -> str:
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith(name + ":"):
                return line.split(":", 1)[1].strip()
    return ""


def file_value(*paths: str) -> str:
    for path in paths:
        try:
            with open(path, encoding="ascii") as fh:
                return fh.read().strip()
        except OSError:
            continue
    return ""


def write_denied(path: str) -> tuple[bool, str]:
    try:
        with open(path, "w", encoding="ascii") as fh:
            fh.write("x")
    except OSError as exc:
        return exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM), exc.strerror or str(exc)
    return False, f"wrote {path}"


def all_denied(*paths: str) -> tuple[bool, str]:
    results = [write_denied(path) for path in paths]
    return all(ok for ok, _ in results), "; ".join(detail for _, detail in results)


def own_memory_unwritable() -> tuple[bool, str]:
    """/proc/self/mem must not open for writing (a read-only /proc): through it a process
    rewrites its own code, whatever its language forbids."""
    try:
        with open("/proc/self/mem", "r+b"):
            pass
    except OSError as exc:
        return exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM), exc.strerror or str(exc)
    return False, "opened /proc/self/mem for writing"


def no_route(host: str, port: int) -> tuple[bool, str]:
    try:
        socket.create_connection((host, port), timeout=2).close()
    except OSError as exc:
        return True, exc.strerror or str(exc)
    return False, f"connected to {host}:{port}"


def identity(tester_uid: int) -> dict[str, tuple[bool, str]]:
    extra_env = sorted(set(os.environ) - ALLOWED_ENV)
    return {
        "non-root user": (os.getuid() != 0 and os.geteuid() != 0, f"uid {os.geteuid()}"),
        "not the tester's user": (tester_uid not in (os.getuid(), os.geteuid()),
                                  f"uid {os.geteuid()}, tester {tester_uid}"),
        "no capabilities": (int(status_field("CapEff") or "1", 16) == 0, status_field("CapEff")),
        "no new privileges": (status_field("NoNewPrivs") == "1", status_field("NoNewPrivs")),
        "read-only root": write_denied("/opt/llmcode/selftest-write"),
        "no route out": no_route("1.1.1.1", 53),
        "no docker socket": (not os.path.exists("/var/run/docker.sock"), "/var/run/docker.sock"),
        "minimal environment": (not extra_env, ",".join(extra_env)),
    }


def container_checks(pids: str, memory: int, tester_uid: int) -> dict[str, tuple[bool, str]]:
    interfaces = sorted(os.listdir("/sys/class/net"))
    pids_max = file_value("/sys/fs/cgroup/pids/pids.max", "/sys/fs/cgroup/pids.max")
    memory_max = file_value(
        "/sys/fs/cgroup/memory/memory.limit_in_bytes", "/sys/fs/cgroup/memory.max"
    )
    return {
        **identity(tester_uid),
        "only loopback": (interfaces == ["lo"], ",".join(interfaces)),
        "pids limit": (pids_max == pids, pids_max),
        "memory limit": (memory_max.isdigit() and int(memory_max) <= memory, memory_max),
    }


def sandbox_checks(pids: int, tester_uid: int) -> dict[str, tuple[bool, str]]:
    """In the sandbox: what an answer sees."""
    checks = {f"sandbox: {name}": value for name, value in identity(tester_uid).items()}
    interfaces = sorted(name for _, name in socket.if_nameindex())
    others = [cmdline(pid) for pid in os.listdir("/proc") if pid.isdigit()]
    host_visible = [c for c in others if "answer_host" in c or "selftest.py container" in c]
    nproc = resource.getrlimit(resource.RLIMIT_NPROC)
    libc = ctypes.CDLL(None, use_errno=True)
    # Refused twice: by the filter, and by bwrap's --disable-userns (whose own effect no
    # check in here can see apart: the filter answers first).
    unshared = libc.unshare(CLONE_NEWUSER) == 0
    # unshare(0) changes nothing and is allowed everywhere but under the sandbox's filter;
    # clone3 with no arguments fails on them (EFAULT, EINVAL) unless the filter answers.
    filtered = (libc.unshare(0) != 0 and ctypes.get_errno() == errno.EPERM
                and libc.syscall(CLONE3, None, 0) != 0
                and ctypes.get_errno() == errno.ENOSYS)
    slot = sorted(os.listdir("/answer"))
    checks.update({
        "read-only /proc": own_memory_unwritable(),
        "sandbox: read-only root": all_denied("/selftest-write", "/usr/selftest-write",
                                              "/dev/selftest-write",
                                              "/answer/selftest-write"),
        "sandbox: only loopback": (interfaces == ["lo"], ",".join(interfaces)),
        "sandbox: no grading volume": (not os.path.exists("/grading"), "/grading"),
        "sandbox: only its own slot": (slot == ["mine"], ",".join(slot)),
        "sandbox: own process namespace": (not host_visible and len(others) < 10,
                                           "; ".join(host_visible) or f"{len(others)} seen"),
        "sandbox: no new user namespace": (not unshared, "unshare(CLONE_NEWUSER) "
                                           + ("worked" if unshared else "refused")),
        "sandbox: process limit": (nproc[0] == pids, str(nproc)),
        "sandbox: system call filter": (filtered, "unshare(0) and clone3 "
                                        + ("refused" if filtered else "not both refused")),
    })
    return checks


def cmdline(pid: str) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as fh:
            return fh.read(4096).replace(b"\0", b" ").decode("utf-8", "replace")
    except OSError:
        return ""


def leave_a_process_behind() -> None:
    """A detached grandchild in a session of its own, as an answer's daemon would be."""
    if os.fork() == 0:
        os.setsid()
        if os.fork() == 0:
            time.sleep(120)
        os._exit(0)
    os.wait()


def run_sandbox(pids: int, tester_uid: int, tmpfs_mb: int) -> dict[str, tuple[bool, str]]:
    mine, other = os.path.join(SLOTS, "slot-self"), os.path.join(SLOTS, "slot-other")
    for directory in (mine, other):
        os.makedirs(directory, exist_ok=True)
    with open(os.path.join(mine, "mine"), "w", encoding="ascii") as fh:
        fh.write("this sandbox's slot")
    with open(os.path.join(other, "secret"), "w", encoding="ascii") as fh:
        fh.write("another answer's slot")
    argv = ["python3", os.path.abspath(__file__), "sandbox", str(pids), str(tester_uid)]
    proc = sandbox.start(mine, argv, tmpfs_mb, pids, 20, stdout=subprocess.PIPE)
    assert proc.stdout is not None
    output = b""
    until = time.monotonic() + 20
    while b"\n" not in output and time.monotonic() < until:
        if select.select([proc.stdout], [], [], max(until - time.monotonic(), 0))[0]:
            chunk = os.read(proc.stdout.fileno(), 1 << 16)
            if not chunk:
                break
            output += chunk
    left = sandbox.kill(proc)
    try:
        checks: dict[str, tuple[bool, str]] = {
            str(k): (v[0] is True, str(v[1])) for k, v in json.loads(output).items()
        }
    except (ValueError, TypeError, IndexError, AttributeError):
        detail = f"the sandbox did not start or report ({output[-300:]!r})"
        checks = {name: (False, detail) for name in SANDBOX_CHECKS}
    checks["nothing outlives its sandbox"] = (not left, f"left behind: {left}")
    return checks


def main() -> None:
    if sys.argv[1] == "sandbox":
        pids, tester_uid = int(sys.argv[2]), int(sys.argv[3])
        leave_a_process_behind()
        print(json.dumps(sandbox_checks(pids, tester_uid)), flush=True)
        time.sleep(60)  # ended by the host, as an answer is
        return
    pids_text, memory, tester_uid, tmpfs_mb = (sys.argv[2], int(sys.argv[3]), int(sys.argv[4]),
                                               int(sys.argv[5]))
    checks = container_checks(pids_text, memory, tester_uid)
    if os.getuid() == 0:
        checks.update({name: (False, "not started as root") for name in SANDBOX_CHECKS})
    else:
        checks.update(run_sandbox(int(pids_text), tester_uid, tmpfs_mb))
    print(json.dumps({"nonce": os.environ.get("LLMCODE_NONCE", ""), "checks": checks}),
          flush=True)


if __name__ == "__main__":
    main()
