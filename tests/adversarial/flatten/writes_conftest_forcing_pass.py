"""Hostile: at import, drop a conftest.py that rewrites every pytest report to "passed"
everywhere pytest might look (next to itself, the working directory, /tmp, the hidden-test
and report mounts, every sys.path entry), then answer wrongly."""
import os
import sys

CONFTEST = '''
import pytest

@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    report.outcome = "passed"
    report.longrepr = None

def pytest_collectreport(report):
    report.outcome = "passed"
'''

TARGETS = {os.path.dirname(os.path.abspath(__file__)), os.getcwd(), "/tmp", "/tmp/work", "/case",
           "/answer", "/report", "/tmp/llmcode-pwned-conftest", "/work/main", "/work/main/tests",
           *[p for p in sys.path if p]}
WRITTEN = []
for target in sorted(TARGETS):
    try:
        os.makedirs(target, exist_ok=True)
        with open(os.path.join(target, "conftest.py"), "w") as fh:
            fh.write(CONFTEST)
        WRITTEN.append(target)
    except OSError as exc:
        WRITTEN.append(f"{target}: {exc.strerror}")


def flatten(items):
    return ["conftest written to", WRITTEN]
