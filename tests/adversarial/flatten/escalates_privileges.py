"""Hostile: try to become root and escape: setuid(0), unshare a user and mount namespace,
mount a tmpfs, chroot, read /etc/shadow."""
import ctypes
import os

libc = ctypes.CDLL(None, use_errno=True)


def _try(label, fn):
    try:
        return f"{label}: OK {fn()!r}"[:200]
    except Exception as exc:  # noqa: BLE001
        return f"{label}: {type(exc).__name__} {exc}"[:200]


def _c(rc):
    if rc != 0:
        raise OSError(ctypes.get_errno(), os.strerror(ctypes.get_errno()))
    return rc


def flatten(items):
    return [
        _try("setuid(0)", lambda: os.setuid(0)),
        _try("setgid(0)", lambda: os.setgid(0)),
        _try("unshare(user|mount)", lambda: _c(libc.unshare(0x10000000 | 0x00020000))),
        _try("mount tmpfs", lambda: _c(libc.mount(b"none", b"/mnt", b"tmpfs", 0, None))),
        _try("chroot", lambda: os.chroot("/tmp")),
        _try("/etc/shadow", lambda: open("/etc/shadow").read()),
        _try("uid", lambda: (os.getuid(), os.geteuid(), open("/proc/self/status").read().split("CapEff:")[1][:20])),
    ]
