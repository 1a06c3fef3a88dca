"""A grader on the real engine for the tests that grade answers directly."""

from __future__ import annotations

import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

from pytest_llmcode.grading.containers import Sandbox
from pytest_llmcode.grading.grader import Grader


@contextmanager
def open_grader(image: str, engine: str | None = None, **options: Any) -> Iterator[Grader]:
    """A Grader of its own scratch directory (grader.directory.parent), on the engine at
    `engine` (else DOCKER_HOST's); everything it started is removed when the block ends."""
    sandbox = Sandbox(image, engine=engine)
    with tempfile.TemporaryDirectory(prefix="llmcode-test-") as scratch:
        grader = Grader(sandbox, Path(scratch), **options)
        try:
            yield grader
        finally:
            grader.close()
            sandbox.close()
