from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Iterator

import pytest

from chat_server import EVAL_CASES, ChatServer


@pytest.fixture(autouse=True)
def not_in_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    """The record mode of inner runs defaults to `none` when CI is set (and .ci/run sets it):
    tests that mean CI set it themselves."""
    monkeypatch.delenv("CI", raising=False)


@pytest.fixture
def eval_dir(pytester: pytest.Pytester) -> Path:
    """Every bundled case, copied into a pytester directory."""
    target = pytester.path / "eval_cases"
    shutil.copytree(EVAL_CASES, target, ignore=shutil.ignore_patterns(".*"))
    return target


@pytest.fixture
def chat_server() -> Iterator[ChatServer]:
    server = ChatServer().start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def docker_engine() -> None:
    """Docker tests need a real engine; in CI (LLMCODE_REQUIRE_DOCKER=1) its absence fails."""
    from pytest_llmcode.sandbox import SandboxError, connect

    try:
        connect().close()
    except SandboxError as exc:
        if os.environ.get("LLMCODE_REQUIRE_DOCKER") == "1":
            pytest.fail(f"Docker is required here: {exc}")
        pytest.skip(f"no Docker engine: {exc}")


@pytest.fixture(scope="session")
def sandbox_image(docker_engine: None) -> str:
    from pytest_llmcode.image import image_present, image_tag
    from pytest_llmcode.sandbox import connect

    tag = image_tag()
    client = connect()
    try:
        if not image_present(client, tag):
            message = f"sandbox image {tag} missing: run python -m pytest_llmcode.image"
            if os.environ.get("LLMCODE_REQUIRE_DOCKER") == "1":
                pytest.fail(message)
            pytest.skip(message)
    finally:
        client.close()
    return tag
