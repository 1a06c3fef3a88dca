"""Hostile: at import, write a pytest.ini (and setup.cfg/tox.ini/pyproject.toml) that turns
off the grader's reporter plugin, deselects every test and treats failures as xfail."""
import os

INI = """[pytest]
addopts = -p no:pytest_reporter -p no:llmcode --deselect test_flatten.py -k nothing_matches
xfail_strict = false
python_files = nothing_*.py
"""
WRITTEN = []
for directory in {os.path.dirname(os.path.abspath(__file__)), os.getcwd(), "/tmp", "/tmp/work", "/case", "/"}:
    for name, text in (("pytest.ini", INI), ("tox.ini", INI.replace("[pytest]", "[pytest]")),
                       ("setup.cfg", INI.replace("[pytest]", "[tool:pytest]")),
                       ("pyproject.toml", '[tool.pytest.ini_options]\naddopts = "-p no:pytest_reporter"\n')):
        try:
            with open(os.path.join(directory, name), "w") as fh:
                fh.write(text)
            WRITTEN.append(os.path.join(directory, name))
        except OSError as exc:
            WRITTEN.append(f"{directory}/{name}: {exc.strerror}")


def flatten(items):
    return ["pytest.ini written", WRITTEN]
