"""Eval cases in either form, checked against one JSON Schema (case.schema.json):

- a folder with a `case.yaml` manifest, `tests/`, `reference/` and optionally `wrong/`
  (any language; `FolderCase` here);
- one Python test file holding the prompt, the hidden tests and the reference
  (`onefile.OneFileCase`).

Imported by the plugin module itself (for MANIFEST_NAME): what else it needs is imported
where it is used."""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MANIFEST_NAME = "case.yaml"
ONE_FILE_DECLARATION = re.compile(r"^pytestmark\s*=.*\bmark\.llmcode\b", re.MULTILINE)

SOLUTION_EXTENSIONS = {"python": ".py", "javascript": ".js", "typescript": ".ts", "go": ".go"}


def shown(path: Path) -> str:
    """A path as a message shows it: relative to the current directory when inside it."""
    try:
        return path.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return str(path)


def is_one_file_case(path: Path) -> bool:
    """Does a test module declare itself an eval case at module level? Cheap enough for
    every module: only a file that mentions the marker is parsed."""
    import ast

    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    if ONE_FILE_DECLARATION.search(text) is None:
        return False
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return True  # loading it says where
    for node in tree.body:
        if (isinstance(node, ast.Assign) and len(node.targets) == 1
                and isinstance(node.targets[0], ast.Name) and node.targets[0].id == "pytestmark"):
            mark = node.value.func if isinstance(node.value, ast.Call) else node.value
            if isinstance(mark, ast.Attribute) and mark.attr == "llmcode":
                return True
    return False


class CaseError(Exception):
    """A case that cannot be used; the message names the file and the field."""


@dataclass(frozen=True)
class KnownAnswer:
    """An answer whose verdict the author knows: the reference, or a known-wrong one."""

    label: str
    code: str
    origin: str  # where its author edits it, for messages


@dataclass(frozen=True, kw_only=True)
class EvalCase(ABC):
    """What every part of a run needs of a case, whatever its form."""

    name: str
    source: Path  # the file its author edits: the manifest, or the one-file case
    language: str
    prompt: str
    solution_file: str
    interface: str = "functions"
    exports: tuple[str, ...] = ()
    timeout_s: float = 30.0
    tags: tuple[str, ...] = ()
    weights: dict[str, float] = field(default_factory=dict)
    system_prompt: str | None = None  # sent before the prompt, for every model

    @abstractmethod
    def test_files(self) -> list[Path]:
        """The hidden tests: copied beside the answer, never shown to the model."""

    @property
    @abstractmethod
    def reference(self) -> KnownAnswer:
        """The answer that must pass every hidden test."""

    @abstractmethod
    def known_wrong(self) -> list[KnownAnswer]:
        """Plausible wrong answers: each must fail at least one hidden test."""

    @property
    @abstractmethod
    def cassette_dir(self) -> Path:
        """Where this case's recorded answers live by default."""

    def content_hash(self) -> str:
        """sha256 over the case's definition and hidden tests: two reports of the same hash
        graded the same suite."""
        import hashlib

        digest = hashlib.sha256()
        for path in dict.fromkeys([self.source, *self.test_files()]):
            digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
        return digest.hexdigest()


@dataclass(frozen=True, kw_only=True)
class FolderCase(EvalCase):
    folder: Path

    @property
    def tests_dir(self) -> Path:
        return self.folder / "tests"

    @property
    def reference_file(self) -> Path:
        return self.folder / "reference" / self.solution_file

    def wrong_answers(self) -> list[Path]:
        wrong = self.folder / "wrong"
        return sorted(p for p in wrong.iterdir() if p.is_file()) if wrong.is_dir() else []

    def test_files(self) -> list[Path]:
        return sorted(p for p in self.tests_dir.iterdir() if p.is_file())

    @property
    def reference(self) -> KnownAnswer:
        path = self.reference_file
        return KnownAnswer("reference", path.read_text("utf-8"), shown(path))

    def known_wrong(self) -> list[KnownAnswer]:
        return [KnownAnswer(p.stem, p.read_text("utf-8"), shown(p)) for p in self.wrong_answers()]

    @property
    def cassette_dir(self) -> Path:
        return self.folder / ".cassettes"


def schema() -> dict[str, Any]:
    import json
    from importlib import resources

    text = resources.files(__name__).joinpath("case.schema.json").read_text("utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def check_fields(data: dict[str, Any], where: str, spelled: str = "field {}") -> None:
    """Validate a case's fields against the schema; CaseError lists every problem, with a
    suggestion for a misspelt field name. `spelled` says how the user wrote a field."""
    import difflib

    import jsonschema

    rules = schema()
    known = list(rules["properties"])
    validator = jsonschema.Draft202012Validator(rules)
    lines = []
    for error in sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path)):
        path = [str(p) for p in error.absolute_path]
        if error.validator == "additionalProperties" and not path:
            for name in sorted(set(error.instance) - set(known)):
                close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
                hint = f"; did you mean `{close[0]}`?" if close else \
                    f"; the fields are {', '.join(known)}"
                lines.append(f"  {spelled.format(name)}: unknown field{hint}")
            continue
        where_in = spelled.format(".".join(path)) if path else "(top level)"
        lines.append(f"  {where_in}: {error.message}")
    if lines:
        raise CaseError(f"{where}: invalid eval case\n" + "\n".join(lines))
    expected = SOLUTION_EXTENSIONS[data["language"]]
    if not data["solution_file"].endswith(expected):
        raise CaseError(
            f"{where}: {spelled.format('solution_file')}: {data['solution_file']!r} must end "
            f"with {expected!r} for language {data['language']}"
        )


def load_case(manifest: Path) -> FolderCase:
    import yaml

    try:
        data = yaml.safe_load(manifest.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise CaseError(f"{manifest}: not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise CaseError(f"{manifest}: the manifest must be a mapping of fields")
    check_fields(data, str(manifest))

    folder = manifest.parent
    case = FolderCase(
        name=data.get("name", folder.name),
        source=manifest,
        folder=folder,
        language=data["language"],
        prompt=data["prompt"],
        solution_file=data["solution_file"],
        interface=data.get("interface", "functions"),
        exports=tuple(data.get("exports", ())),
        timeout_s=float(data.get("timeout_s", 30.0)),
        tags=tuple(data.get("tags", ())),
        weights={k: float(v) for k, v in data.get("weights", {}).items()},
        system_prompt=data.get("system_prompt"),
    )
    if not case.tests_dir.is_dir() or not case.test_files():
        raise CaseError(f"{manifest}: the hidden tests are missing: create {case.tests_dir}/")
    if not case.reference_file.is_file():
        raise CaseError(
            f"{manifest}: the reference answer is missing: create {case.reference_file}"
        )
    return case
