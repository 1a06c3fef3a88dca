"""Confinement self-test, run once per session in a container with the answer container's
settings. Writes /report/report.json: {"nonce", "checks": {name: [ok, detail]}}.
The host refuses to grade unless every check holds (fail closed).

Usage: selftest.py EXPECTED_PIDS_LIMIT EXPECTED_MEMORY_BYTES TESTER_UID
"""

from __future__ import annotations

import errno
import json
import os
import socket
import sys

ALLOWED_ENV = {
    "HOME", "LANG", "PATH", "HOSTNAME", "NODE_PATH", "PYTHONDONTWRITEBYTECODE", "GOCACHE",
    "GOPATH", "GOFLAGS", "GO111MODULE", "GOPROXY", "GOSUMDB", "CGO_ENABLED", "LLMCODE_NONCE",
}


def status_field(name: str) -> str:
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith(name + ":"):
                return line.split(":", 1)[1].strip()
    return ""


def cgroup_value(*paths: str) -> str:
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


def main() -> None:
    pids, memory, tester_uid = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    interfaces = sorted(os.listdir("/sys/class/net"))
    pids_max = cgroup_value("/sys/fs/cgroup/pids/pids.max", "/sys/fs/cgroup/pids.max")
    memory_max = cgroup_value(
        "/sys/fs/cgroup/memory/memory.limit_in_bytes", "/sys/fs/cgroup/memory.max"
    )
    extra_env = sorted(set(os.environ) - ALLOWED_ENV)
    checks = {
        "non-root user": (os.getuid() != 0 and os.geteuid() != 0, f"uid {os.geteuid()}"),
        "not the tester's user": (tester_uid not in (os.getuid(), os.geteuid()),
                                  f"uid {os.geteuid()}, tester {tester_uid}"),
        "no capabilities": (int(status_field("CapEff") or "1", 16) == 0, status_field("CapEff")),
        "no new privileges": (status_field("NoNewPrivs") == "1", status_field("NoNewPrivs")),
        "read-only root": write_denied("/opt/llmcode/selftest-write"),
        "read-only /proc": own_memory_unwritable(),
        "only loopback": (interfaces == ["lo"], ",".join(interfaces)),
        "no route out": no_route("1.1.1.1", 53),
        "pids limit": (pids_max == pids, pids_max),
        "memory limit": (memory_max.isdigit() and int(memory_max) <= memory, memory_max),
        "no docker socket": (not os.path.exists("/var/run/docker.sock"), "/var/run/docker.sock"),
        "minimal environment": (not extra_env, ",".join(extra_env)),
    }
    with open("/report/report.json", "w", encoding="utf-8") as fh:
        json.dump({"nonce": os.environ.get("LLMCODE_NONCE", ""), "checks": checks}, fh)


if __name__ == "__main__":
    main()
