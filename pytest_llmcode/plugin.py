"""pytest entry point (`-p no:llmcode` turns it off): options, then a session object that
does the work, registered only when models were asked for.

Importing this module loads nothing but pytest and the option table: a run without
--llm-models pays for nothing else."""

from __future__ import annotations

from pathlib import Path

import pytest

from .cases import MANIFEST_NAME
from .options import add_options, models_requested


def pytest_addhooks(pluginmanager: pytest.PytestPluginManager) -> None:
    from . import hookspecs

    pluginmanager.add_hookspecs(hookspecs)


def pytest_addoption(parser: pytest.Parser) -> None:
    add_options(parser)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "llmcode: an eval case item of pytest-llmcode")
    if not models_requested(config):
        return
    from .collect import RUNNER_KEY
    from .session import LLMCodeSession
    from .settings import resolve

    session = LLMCodeSession(config, resolve(config))
    config.stash[RUNNER_KEY] = session
    config.pluginmanager.register(session, "llmcode-session")


def pytest_ignore_collect(collection_path: Path) -> bool | None:
    """Hidden tests inside a case folder are never collected as the host's own tests."""
    if collection_path.name == MANIFEST_NAME:
        return None
    for folder in collection_path.parents:
        if (folder / MANIFEST_NAME).is_file():
            return True
        if (folder / "pyproject.toml").exists() or (folder / ".git").exists():
            break
    return None
