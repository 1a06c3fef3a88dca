"""A part a test needs (an engine, an image, sshd) is missing: in CI
(LLMCODE_REQUIRE_DOCKER=1) the test fails, elsewhere it skips."""

from __future__ import annotations

import os
from typing import NoReturn

import pytest


def unavailable(message: str) -> NoReturn:
    if os.environ.get("LLMCODE_REQUIRE_DOCKER") == "1":
        pytest.fail(f"Docker is required here: {message}")
    pytest.skip(message)
