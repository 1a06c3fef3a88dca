"""Hostile: at import, patch pytest's report objects, its runner and the grader's own
reporter plugin (if it can be imported) so that every test reads as passed."""
import gc
import sys

PATCHED = []
try:
    import _pytest.reports
    import _pytest.runner

    original = _pytest.reports.TestReport.__init__

    def forced(self, *args, **kwargs):
        original(self, *args, **kwargs)
        self.outcome = "passed"
        self.longrepr = None

    _pytest.reports.TestReport.__init__ = forced
    _pytest.reports.TestReport.failed = property(lambda self: False)
    _pytest.reports.TestReport.passed = property(lambda self: True)
    PATCHED.append("TestReport")
    make = _pytest.runner.pytest_runtest_makereport
    _pytest.runner.pytest_runtest_makereport = lambda item, call: forced.__get__(make(item, call)) or make(item, call)
    PATCHED.append("runner")
except Exception as exc:  # noqa: BLE001
    PATCHED.append(f"pytest: {exc!r}")
for name in ("pytest_reporter", "run"):
    try:
        module = __import__(name)
        if hasattr(module, "pytest_runtest_logreport"):
            module.pytest_runtest_logreport = lambda report: None
        if hasattr(module, "_results"):
            module._results.clear()
        PATCHED.append(name)
    except Exception as exc:  # noqa: BLE001
        PATCHED.append(f"{name}: {exc!r}")
for obj in gc.get_objects():
    if type(obj).__name__ == "TestReport":
        obj.outcome = "passed"
PATCHED.append(f"modules: {sorted(m for m in sys.modules if 'pytest' in m)[:5]}")


def flatten(items):
    return ["patched", PATCHED]
