"""Verdicts that need not be graded twice: the same code, for the same case content, held
to the same expected test ids, in the same sandbox image, gets the same
verdict. One JSON file per verdict, in pytest's cache directory (`.pytest_cache`), so
`--cache-clear` empties it and `-p no:cacheprovider` turns it off.

Only verdicts the code earned are kept: never an error (infrastructure) and never a time
limit (a loaded machine may have caused it)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, fields, replace
from pathlib import Path
from typing import Any

from .. import __version__
from ..cases import EvalCase
from ..files import write_atomic
from ..grading.grade import Grade, TestResult
from ..grading.quality_report import Quality
from ..status import ERROR

# A change to what a Grade holds makes every older entry a miss.
FORMAT = ",".join(f.name for cls in (Grade, TestResult, Quality) for f in fields(cls))


class VerdictCache:
    def __init__(self, directory: Path | None) -> None:
        self.directory = directory  # None: nothing is kept

    def get(self, case: EvalCase, code: str, expected_ids: frozenset[str] | None,
            context: str) -> Grade | None:
        """The cached grade (this run spent no time on it), or None."""
        if self.directory is None:
            return None
        path = self._path(case, code, expected_ids, context)
        try:
            grade = _decode(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError, KeyError):
            return None
        return replace(grade, duration_s=0.0, timings={})

    def put(self, case: EvalCase, code: str, expected_ids: frozenset[str] | None,
            context: str, grade: Grade) -> None:
        if self.directory is None or grade.verdict == ERROR or grade.stage == "timeout":
            return
        try:
            write_atomic(self._path(case, code, expected_ids, context),
                         json.dumps(asdict(grade)))
        except OSError:
            pass  # a cache that cannot be written only costs a grading next time

    def _path(self, case: EvalCase, code: str, expected_ids: frozenset[str] | None,
              context: str) -> Path:
        assert self.directory is not None
        digest = hashlib.sha256()
        ids = "\n".join(sorted(expected_ids)) if expected_ids is not None else "*"
        for part in (FORMAT, __version__, context, case.content_hash(), case.solution_file,
                     code, ids):
            digest.update(part.encode() + b"\0")
        return self.directory / f"{digest.hexdigest()}.json"


def _decode(data: dict[str, Any]) -> Grade:
    quality: dict[str, Any] | None = data.get("quality")
    if quality is not None:
        quality = {k: tuple(v) if isinstance(v, list) else v for k, v in quality.items()}
    return Grade(**{
        **data,
        "tests": tuple(TestResult(**t) for t in data["tests"]),
        "missing": tuple(data["missing"]),
        "quality": None if quality is None else Quality(**quality),
    })
