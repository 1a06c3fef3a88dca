"""The records of a benchmark file: JSON Lines (HumanEval, MBPP, EvalPlus, HumanEval-X) or
one JSON array (sanitized MBPP's `sanitized-mbpp.json`), either one gzip-compressed or not."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

Record = dict[str, Any]


class SourceError(Exception):
    """The file cannot be read as benchmark records; the message says why."""


class Unrepresentable(Exception):
    """The task cannot become a case faithful to its dataset; the message says why."""


def read_records(path: Path) -> list[Record]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SourceError(f"{path}: cannot read it: {exc.strerror or exc}") from None
    if raw[:2] == b"\x1f\x8b":
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError) as exc:
            raise SourceError(f"{path}: a broken gzip file: {exc}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SourceError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    if text.lstrip().startswith("["):
        try:
            records = json.loads(text)
        except ValueError as exc:
            raise SourceError(f"{path}: not a JSON array of records: {exc}") from None
    else:
        records = []
        for number, line in enumerate(text.split("\n"), 1):  # not at U+2028
            if not line.strip():
                continue
            try:
                records.append(json.loads(line))
            except ValueError as exc:
                raise SourceError(f"{path}:{number}: not a JSON record: {exc}") from None
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise SourceError(f"{path}: expected one JSON object per line (or a JSON array of "
                          "objects)")
    if not records:
        raise SourceError(f"{path}: holds no records")
    return records


def text_field(record: Record, *names: str) -> str | None:
    """The first of `names` the record holds as a string."""
    for name in names:
        value = record.get(name)
        if isinstance(value, str):
            return value
    return None


def required(record: Record, name: str) -> str:
    """A text field the case needs, with Windows line ends read as newlines."""
    value = text_field(record, name)
    if value is None:
        if name == "canonical_solution" and "stop_tokens" in record:
            raise Unrepresentable("a MultiPL-E record: MultiPL-E publishes no canonical "
                                  "solution, and a case needs one as its reference")
        raise Unrepresentable(f"it has no `{name}` (a string)")
    return value.replace("\r\n", "\n")


def task_label(record: Record, index: int) -> str:
    """How a record is named in messages: its task id, else its position in the file."""
    for name in ("task_id", "name"):
        value = record.get(name)
        if isinstance(value, (str, int)) and not isinstance(value, bool):
            return str(value)
    return f"record {index + 1}"
