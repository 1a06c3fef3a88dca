"""The answer sandbox's system call filter (runners/syscall_filter.py), loaded into a real
process on this machine's kernel: what it refuses, and that ordinary work still runs under
it (forks, threads, files, sockets). The sandbox's self-test checks it is in place in every
answer's sandbox (runners/selftest.py, `sandbox: system call filter`)."""

from __future__ import annotations

import ctypes
import errno
import json
import os
import platform
import struct
import sys
from pathlib import Path

import pytest

RUNNERS = Path(__file__).resolve().parents[1] / "pytest_llmcode" / "grading" / "container" / "runners"
sys.path.insert(0, str(RUNNERS))

import syscall_filter  # noqa: E402

pytestmark = pytest.mark.skipif(platform.machine() not in syscall_filter.MACHINES,
                                reason="the filter is built for x86-64 and arm64")

PR_SET_NO_NEW_PRIVS, PR_SET_SECCOMP, SECCOMP_MODE_FILTER = 38, 22, 2


class SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


def under_filter(probe: str) -> dict[str, object]:
    """Run `probe` (Python source that sets `result`) in a forked child with the filter
    installed, as bubblewrap installs it; the child's `result`, as JSON."""
    program = syscall_filter.program()
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.close(read)
            libc = ctypes.CDLL(None, use_errno=True)
            buffer = ctypes.create_string_buffer(program, len(program))
            prog = SockFprog(len(program) // 8, ctypes.addressof(buffer))
            assert libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0
            if libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.byref(prog)) != 0:
                raise OSError(ctypes.get_errno(), "the filter did not load")
            scope: dict[str, object] = {"libc": libc}
            exec(probe, scope)
            os.write(write, json.dumps(scope["result"]).encode())
        except BaseException as exc:  # noqa: BLE001 - the parent reports it
            os.write(write, json.dumps({"crashed": repr(exc)}).encode())
        finally:
            os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as pipe:
        data = pipe.read()
    os.waitpid(pid, 0)
    result = json.loads(data)
    assert isinstance(result, dict) and "crashed" not in result, result
    return result


# Each call is harmless unfiltered too (these tests may run as root): it changes only the
# forked child, or fails on its arguments with another error than the filter's.
CALLS = """
import ctypes, os
def errno_of(rc):
    return 0 if rc == 0 else ctypes.get_errno()
numbers = syscall_numbers
result = {
    "unshare(0)": errno_of(libc.unshare(0)),
    "unshare(newns)": errno_of(libc.unshare(0x00020000)),
    "mount": errno_of(libc.mount(b"none", b"/no/such/llmcode/dir", b"tmpfs", 0, None)),
    "chroot": errno_of(libc.chroot(b"/no/such/llmcode/dir")),
    "ptrace": errno_of(libc.ptrace(2, 0x3FFFFFFF, None, None)),
    "clone3": errno_of(libc.syscall(numbers["clone3"], None, 0)),
    # CLONE_NEWNET with CLONE_THREAD but not CLONE_SIGHAND: invalid, so never a new process.
    "clone(newnet)": errno_of(libc.syscall(numbers["clone"], 0x40000000 | 0x00010000,
                                           None, None, None, None)),
    "getpid": os.getpid() > 0,
}
"""


def test_the_filter_refuses_what_only_building_a_sandbox_needs() -> None:
    numbers = syscall_filter.MACHINES[platform.machine()][1]
    result = under_filter(f"syscall_numbers = {numbers!r}\n" + CALLS)
    assert result == {
        "unshare(0)": errno.EPERM, "unshare(newns)": errno.EPERM, "mount": errno.EPERM,
        "chroot": errno.EPERM, "ptrace": errno.EPERM, "clone3": errno.ENOSYS,
        "clone(newnet)": errno.EPERM, "getpid": True,
    }


def test_ordinary_work_runs_under_the_filter(tmp_path: Path) -> None:
    probe = f"""
import os, socket, subprocess, threading
box = []
thread = threading.Thread(target=lambda: box.append(sum(range(1000))))
thread.start(); thread.join()
pid = os.fork()
if pid == 0:
    os._exit(7)
_, status = os.waitpid(pid, 0)
child = subprocess.run(["python3", "-c", "print(6 * 7)"], capture_output=True, text=True)
path = os.path.join({str(tmp_path)!r}, "f.txt")
with open(path, "w") as fh:
    fh.write("x")
server = socket.create_server(("127.0.0.1", 0))
client = socket.create_connection(server.getsockname())
conn, _ = server.accept()
client.sendall(b"ping")
result = {{"thread": box, "fork": os.waitstatus_to_exitcode(status),
           "subprocess": child.stdout.strip(), "file": open(path).read(),
           "socket": conn.recv(4).decode()}}
"""
    assert under_filter(probe) == {"thread": [499500], "fork": 7, "subprocess": "42",
                                   "file": "x", "socket": "ping"}


@pytest.mark.parametrize("machine", sorted(syscall_filter.MACHINES))
def test_every_listed_call_of_a_machine_is_refused(machine: str) -> None:
    """Read back: the program names each listed call the machine has, with EPERM."""
    arch, numbers, _ = syscall_filter.MACHINES[machine]
    program = syscall_filter.program(machine)
    steps = [struct.unpack("=HBBI", program[i:i + 8]) for i in range(0, len(program), 8)]
    returns = [k for code, _, _, k in steps if code == syscall_filter.RET]
    assert returns == [syscall_filter.RET_ALLOW, syscall_filter.RET_ERRNO | errno.EPERM,
                       syscall_filter.RET_ERRNO | errno.ENOSYS, syscall_filter.RET_KILL_PROCESS]
    eperm = len(steps) - 3
    refused = {k for i, (code, jt, _, k) in enumerate(steps)
               if code == syscall_filter.JEQ and i + 1 + jt == eperm}
    listed = {numbers[n] for n in syscall_filter.DENIED_NAMES if n in numbers}
    assert refused == listed
    assert {"mount", "unshare", "pivot_root", "setns", "ptrace"} <= set(numbers)
    assert steps[1][3] == arch


def test_the_sandbox_refuses_all_the_container_refuses() -> None:
    """Two deny lists, kept in step: the answer host's container profile's, and the
    sandbox's own, which adds what only building the sandbox needs."""
    from pytest_llmcode.grading.seccomp import DENIED

    assert set(DENIED) <= set(syscall_filter.DENIED_NAMES)
