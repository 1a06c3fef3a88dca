"""Writing imported cases: each is first read back by the plugin's own loader (so a case
that would not load, or would show the model another prompt, is skipped and said so), then
written only where its files changed, so importing twice changes nothing."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from ..cases import MANIFEST_NAME, CaseError, EvalCase, load_case
from ..cases.onefile import load_one_file_case
from ..files import write_atomic


@dataclass(frozen=True)
class CaseFiles:
    """One task as an eval case: its files, relative to the output folder, and what its
    loader must read from them."""

    task: str
    files: dict[str, str]
    prompt: str
    reference: str
    exports: tuple[str, ...]


@dataclass(frozen=True)
class Skipped:
    task: str
    reason: str


Converted = CaseFiles | Skipped


@dataclass
class Tally:
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)

    def lines(self, out: Path) -> list[str]:
        total = len(self.written) + len(self.unchanged)
        lines = [f"skipped {s.task}: {s.reason}" for s in self.skipped]
        lines.append(f"{total} case{'s' * (total != 1)} in {out} ({len(self.written)} written, "
                     f"{len(self.unchanged)} unchanged); {len(self.skipped)} skipped")
        return lines


def write_cases(out: Path, converted: Iterable[Converted]) -> Tally:
    tally = Tally()
    owners: dict[str, str] = {}
    for item in converted:
        if isinstance(item, Skipped):
            tally.skipped.append(item)
            continue
        top = sorted({Path(p).parts[0] for p in item.files})
        clash = next((owners[t] for t in top if t in owners), None)
        if clash is not None:
            tally.skipped.append(Skipped(item.task, f"its case would be written over task "
                                                    f"{clash}'s ({', '.join(top)})"))
            continue
        problem = loads_back(item)
        if problem is not None:
            tally.skipped.append(Skipped(item.task, problem))
            continue
        owners.update(dict.fromkeys(top, item.task))
        changed = False
        for relative, text in sorted(item.files.items()):
            path = out / relative
            if _current(path) != text:
                write_atomic(path, text)
                changed = True
        (tally.written if changed else tally.unchanged).append(item.task)
    return tally


def _current(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def loads_back(item: CaseFiles) -> str | None:
    """Why the case's loader would not give back the prompt, reference and exports it was
    written with; None when it does."""
    with tempfile.TemporaryDirectory(prefix="llmcode-import-") as scratch:
        root = Path(scratch)
        for relative, text in item.files.items():
            (root / relative).parent.mkdir(parents=True, exist_ok=True)
            (root / relative).write_text(text, encoding="utf-8")
        try:
            case = _load(root, item)
        except CaseError as exc:
            return f"the written case does not load: {str(exc).replace(scratch, '.')}"
        if case.prompt != item.prompt:
            return "the case's prompt would not read back as written"
        if case.reference.code != item.reference:
            return "the reference would not read back as written"
        if case.exports != item.exports:
            return f"the case's exports read back as {list(case.exports)}"
    return None


def _load(root: Path, item: CaseFiles) -> EvalCase:
    manifests = [p for p in item.files if Path(p).name == MANIFEST_NAME]
    if manifests:
        return load_case(root / manifests[0])
    (single,) = item.files
    return load_one_file_case(root / single)
