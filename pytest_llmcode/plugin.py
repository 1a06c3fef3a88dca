"""pytest entry point (`-p no:llmcode` turns it off): options, then a session object that
does the work, registered only when models were asked for."""

from __future__ import annotations

import pytest

from pathlib import Path

from .cases import MANIFEST_NAME
from .items import SESSION_KEY
from .options import add_options, models_requested, resolve


def pytest_addhooks(pluginmanager: pytest.PytestPluginManager) -> None:
    from . import hookspecs

    pluginmanager.add_hookspecs(hookspecs)


def pytest_addoption(parser: pytest.Parser) -> None:
    add_options(parser)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "llmcode: an eval case item of pytest-llmcode")
    if not models_requested(config):
        return
    from .session import LLMCodeSession

    state = LLMCodeSession(config, resolve(config))
    config.stash[SESSION_KEY] = state
    config.pluginmanager.register(state, "llmcode-session")


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
