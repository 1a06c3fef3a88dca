"""One answer's sandbox: a fresh bubblewrap sandbox inside the answer host's container
(trusted code; answer_host.py starts one per grading, selftest.py checks what it confines).

The sandbox has its own user, process, network, IPC, host name and (where the kernel allows)
cgroup namespaces and may create no further user namespace; its file system is the runtime
read-only (/usr, /etc, the runners, Go's build cache), a fresh read-only /proc, a minimal
read-only /dev with a small /dev/shm, a private size-capped /tmp and, read-only, only its
own slot directory of the grading volume, at /answer; nothing else is writable. Its process
limits are set inside it (prlimit), before the supervisor runs: counted there, they are this
answer's alone. A system call filter of its own (syscall_filter.py) refuses what only
building the sandbox needed: mounts, namespaces, a new root. Killing the bubblewrap process
ends the whole sandbox: its first process dies with its parent and takes the namespace
with it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time

import syscall_filter

BWRAP = "/usr/bin/bwrap"
# The image's environment an answer keeps (its Dockerfile sets these); nothing else passes.
KEPT_ENV = ("PATH", "LANG", "NODE_PATH", "PYTHONDONTWRITEBYTECODE", "GOCACHE", "GOPATH",
            "GOFLAGS", "GO111MODULE", "GOPROXY", "GOSUMDB", "CGO_ENABLED")
RUNTIME = ("/usr", "/etc", "/opt/llmcode", "/opt/gocache")
SHM_MB = 64
FILTER = syscall_filter.program()
# Merged /usr: the top-level directories are links into it.
LINKS = (("usr/lib", "/lib"), ("usr/lib64", "/lib64"), ("usr/bin", "/bin"), ("usr/sbin", "/sbin"))


def command(slot_dir: str, argv: list[str], tmpfs_mb: int, pids: int, cpu_s: int,
            filter_fd: int) -> list[str]:
    """bwrap's command line running `argv` confined, with `slot_dir` at /answer and the
    system call filter read from `filter_fd`."""
    cmd = [BWRAP, "--seccomp", str(filter_fd), "--unshare-user", "--unshare-pid",
           "--unshare-net", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try",
           "--disable-userns", "--die-with-parent", "--new-session", "--hostname", "answer"]
    for path in RUNTIME:
        cmd += ["--ro-bind", path, path]
    for target, link in LINKS:
        cmd += ["--symlink", target, link]
    cmd += ["--dev", "/dev", "--size", str(SHM_MB << 20), "--tmpfs", "/dev/shm",
            "--remount-ro", "/dev", "--proc", "/proc", "--remount-ro", "/proc",
            "--size", str(tmpfs_mb << 20), "--tmpfs", "/tmp",
            "--ro-bind", slot_dir, "/answer", "--remount-ro", "/",
            "--chdir", "/tmp", "--clearenv", "--setenv", "HOME", "/tmp"]
    for name in KEPT_ENV:
        if name in os.environ:
            cmd += ["--setenv", name, os.environ[name]]
    return [*cmd, "--", "prlimit", f"--nproc={pids}", f"--cpu={cpu_s}", "--core=0", "--",
            *argv]


def start(slot_dir: str, argv: list[str], tmpfs_mb: int, pids: int, cpu_s: int,
          stdout: int | None = None) -> subprocess.Popen[bytes]:
    """`argv` in a new sandbox (command() says what it is), in a process group of its own;
    the answer is the first the kernel's out-of-memory killer takes (the host's supervisor
    must survive it to report). This process becomes the reaper of whatever the sandbox
    orphans (its first process, once bubblewrap's outer process is killed): kill() then
    collects them."""
    import ctypes

    pr_set_child_subreaper = 36
    ctypes.CDLL(None, use_errno=True).prctl(pr_set_child_subreaper, 1, 0, 0, 0)
    read, write = os.pipe()
    try:
        with os.fdopen(write, "wb") as pipe:
            pipe.write(FILTER)  # far smaller than a pipe's buffer: this never blocks
        return subprocess.Popen(command(slot_dir, argv, tmpfs_mb, pids, cpu_s, read),
                                stdin=subprocess.DEVNULL, stdout=stdout, pass_fds=(read,),
                                start_new_session=True, preexec_fn=_first_to_go)
    finally:
        os.close(read)


def _first_to_go() -> None:
    import ctypes

    pr_set_dumpable = 4  # the host is not (no_dumps): its /proc files would refuse this
    ctypes.CDLL(None, use_errno=True).prctl(pr_set_dumpable, 1, 0, 0, 0)
    with open("/proc/self/oom_score_adj", "w", encoding="ascii") as fh:
        fh.write("1000")


def kill(proc: subprocess.Popen[bytes]) -> list[int]:
    """End the sandbox and everything in it; returns the processes still alive after (none,
    unless the kernel failed to end a namespace)."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait()
    until = time.monotonic() + 2
    while True:
        _reap()
        left = others()
        if not left or time.monotonic() > until:
            return left
        time.sleep(0.01)


def _reap() -> None:
    while True:
        try:
            if os.waitpid(-1, os.WNOHANG)[0] == 0:
                return
        except ChildProcessError:
            return


def others() -> list[int]:
    """Processes in this container other than this one and its ancestors."""
    mine, pid = {os.getpid()}, os.getpid()
    while pid > 1:
        pid = _parent(pid)
        mine.add(pid)
    found = []
    for name in os.listdir("/proc"):
        if name.isdigit() and int(name) not in mine and _parent(int(name)) != 0:
            found.append(int(name))
    return found


def _parent(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as fh:
            return int(fh.read().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return 0
