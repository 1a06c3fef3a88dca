"""A part a test needs (an engine, an image, sshd, a browser) is missing: in CI (which sets
LLMCODE_REQUIRE_DOCKER=1 and LLMCODE_REQUIRE_BROWSER=1) the test fails, elsewhere it
skips."""

from __future__ import annotations

import os
from typing import NoReturn

import pytest


def unavailable(message: str, what: str = "Docker",
                flag: str = "LLMCODE_REQUIRE_DOCKER") -> NoReturn:
    """Fail when `flag` is 1 (`what` is required here), else skip."""
    if os.environ.get(flag) == "1":
        pytest.fail(f"{what} is required here: {message}")
    pytest.skip(message)
