"""pytest entry point (`-p no:llmcode` turns it off): options, finding eval cases, and the
object that runs them (a model run, or the case check), registered only when asked for.

Importing this module loads nothing but pytest and the option table: a run without
--llm-models or --llm-check-cases pays for nothing else. Such a run still recognises eval
cases, so it never collects them as ordinary tests, and says how to run them."""

from __future__ import annotations

from pathlib import Path

import pytest

from .cases import MANIFEST_NAME, is_one_file_case
from .options import CASES_INI, active, add_options

FOUND_KEY = pytest.StashKey[int]()  # eval cases seen by a run that does not run them
CASES_FROM_INI = pytest.StashKey[bool]()


def pytest_addhooks(pluginmanager: pytest.PytestPluginManager) -> None:
    from . import hookspecs

    pluginmanager.add_hookspecs(hookspecs)


def pytest_addoption(parser: pytest.Parser) -> None:
    add_options(parser)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "llmcode(**fields): makes a test file a one-file eval case of pytest-llmcode "
        "(pytestmark = pytest.mark.llmcode(...)); the keywords are case.yaml's fields")
    if not active(config):
        return
    from .collect import RUNNER_KEY
    from .settings import resolve

    settings = resolve(config)
    if settings.case_paths and config.args_source != pytest.Config.ArgsSource.ARGS:
        # No path was given: run the project's eval cases, not its testpaths.
        config.args = [str(path) for path in settings.case_paths]
        config.args_source = pytest.Config.ArgsSource.ARGS
        config.stash[CASES_FROM_INI] = True
    if settings.check_cases:
        from .authoring.check_session import CaseCheckSession

        checker = CaseCheckSession(config, settings)
        config.stash[RUNNER_KEY] = checker
        config.pluginmanager.register(checker, "llmcode-check")
        return
    from .session import LLMCodeSession

    session = LLMCodeSession(config, settings)
    config.stash[RUNNER_KEY] = session
    config.pluginmanager.register(session, "llmcode-session")


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    if file_path.name != MANIFEST_NAME:
        return None
    return _case_collector(file_path, parent)


@pytest.hookimpl(tryfirst=True)
def pytest_pycollect_makemodule(module_path: Path, parent: pytest.Collector
                                ) -> pytest.Collector | None:
    """A test module that declares `pytest.mark.llmcode` is a one-file eval case: its tests
    import an answer that only the sandbox has."""
    if not is_one_file_case(module_path):
        return None
    return _case_collector(module_path, parent) or NotRun.from_parent(parent, path=module_path)


def _case_collector(path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    if active(parent.config):
        from .collect import CaseFile

        return CaseFile.from_parent(parent, path=path)
    parent.config.stash[FOUND_KEY] = parent.config.stash.get(FOUND_KEY, 0) + 1
    return None


class NotRun(pytest.File):
    """A one-file eval case in a run that does not evaluate: nothing to collect."""

    def collect(self) -> list[pytest.Item]:
        return []


def pytest_report_collectionfinish(config: pytest.Config) -> str | None:
    found = config.stash.get(FOUND_KEY, 0)
    if not found or active(config):
        return None
    return (f"llmcode: {found} eval case{'s' * (found != 1)} found but not run: add "
            "--llm-models=MODELS to evaluate models (--llm-models=reference grades the "
            "reference answers, free), or --llm-check-cases to check the cases")


def pytest_report_header(config: pytest.Config) -> str | None:
    if not config.stash.get(CASES_FROM_INI, False):
        return None
    paths = ", ".join(_shown(Path(p), config.rootpath) for p in config.args)
    return f"llmcode: eval cases from {paths} (ini {CASES_INI})"


def _shown(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)


TEMPLATES = Path(__file__).parent / "authoring" / "templates"  # of `python -m pytest_llmcode new`


def pytest_ignore_collect(collection_path: Path) -> bool | None:
    """Hidden tests inside a case folder are never collected as the host's own tests, nor
    is the package's own template of a case."""
    if collection_path == TEMPLATES:
        return True
    if collection_path.name == MANIFEST_NAME:
        return None
    for folder in collection_path.parents:
        if (folder / MANIFEST_NAME).is_file():
            return True
        if (folder / "pyproject.toml").exists() or (folder / ".git").exists():
            break
    return None
