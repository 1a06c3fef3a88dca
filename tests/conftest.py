from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Iterator

# Imported here, before any in-process pytester run: a module first imported inside one is
# unloaded after it, and a later import of docker then fails on requests' stale classes
# ("You can only merge into CookieJar") when a test file is run on its own. httpx imports
# httpcore lazily and keeps a map of its exception classes: with httpcore imported anew
# after such a run, a timeout escaped as a raw httpcore.ReadTimeout instead of httpx's.
import docker  # noqa: F401
import httpcore  # noqa: F401
import pytest
from support.chat_server import EVAL_CASES, ChatServer
from support.grading import open_grader
from support.required import unavailable

from pytest_llmcode.grading.grader import Grader


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


DOCKER_FIXTURES = {"docker_engine", "sandbox_image", "grader", "second_engine"}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests that need the real engine carry the `docker` marker: `-m "not docker"` runs
    the rest alone. Tests marked `llamacpp` start a live llama.cpp server: they run only
    when asked for (`-m llamacpp` or LLMCODE_LLAMACPP=1)."""
    live = (os.environ.get("LLMCODE_LLAMACPP") == "1"
            or "llamacpp" in (config.option.markexpr or ""))
    for item in items:
        if DOCKER_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.docker)
        if item.get_closest_marker("llamacpp") and not live:
            item.add_marker(pytest.mark.skip(
                reason="live llama.cpp test: opt in with -m llamacpp or LLMCODE_LLAMACPP=1"))


@pytest.fixture(scope="session")
def docker_engine() -> None:
    from pytest_llmcode.grading.containers import SandboxError, connect

    try:
        connect().close()
    except SandboxError as exc:
        unavailable(f"no Docker engine: {exc}")


@pytest.fixture(scope="session")
def sandbox_image(docker_engine: None) -> str:
    from pytest_llmcode.grading.containers import Sandbox, SandboxError
    from pytest_llmcode.grading.image import image_tag

    sandbox = Sandbox(image_tag())
    try:
        sandbox.check_image()
    except SandboxError as exc:
        unavailable(str(exc))
    finally:
        sandbox.close()
    return sandbox.image


@pytest.fixture(scope="module")
def grader(sandbox_image: str, request: pytest.FixtureRequest) -> Iterator[Grader]:
    """One grader per test module; a module's GRADER_OPTIONS (Grader's keyword arguments)
    size it."""
    options = getattr(request.module, "GRADER_OPTIONS", {"workers": 2, "spares": 2})
    with open_grader(sandbox_image, **options) as shared:
        yield shared


@pytest.fixture(scope="session")
def second_engine(sandbox_image: str) -> Iterator[str]:
    """The URL (tcp://127.0.0.1:PORT) of a second Docker engine on this machine that has the
    sandbox image, loaded into it the plugin's own way: the one .ci/run started
    (LLMCODE_SECOND_DOCKER_HOST), else one of this session's own."""
    from support.second_engine import SHARED, SecondEngine, load_image

    shared = os.environ.get(SHARED)
    engine = None
    if not shared:
        if shutil.which("dockerd") is None:
            unavailable("no dockerd to start a second engine with")
        engine = SecondEngine()
        try:
            engine.start()
        except (RuntimeError, OSError) as exc:
            engine.remove()
            unavailable(f"the second engine did not start: {exc}")
    url = shared or engine.url  # type: ignore[union-attr]
    try:
        load_image(url, sandbox_image)
        yield url
    finally:
        if engine is not None:
            engine.remove()
