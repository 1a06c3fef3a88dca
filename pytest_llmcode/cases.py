"""Eval cases: one folder each, a `case.yaml` manifest validated against a JSON Schema.

Imported by the plugin module itself (for MANIFEST_NAME): what else it needs is imported
where it is used."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MANIFEST_NAME = "case.yaml"

SOLUTION_EXTENSIONS = {"python": ".py", "javascript": ".js", "typescript": ".ts", "go": ".go"}


class CaseError(Exception):
    """A case folder that cannot be used; the message names the file and the field."""


@dataclass(frozen=True)
class EvalCase:
    name: str
    folder: Path
    language: str
    prompt: str
    solution_file: str
    interface: str = "functions"
    exports: tuple[str, ...] = ()
    timeout_s: float = 30.0
    tags: tuple[str, ...] = ()
    weights: dict[str, float] = field(default_factory=dict)
    system_prompt: str | None = None  # sent before the prompt, for every model

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

    def content_hash(self) -> str:
        """sha256 over the manifest and hidden tests: two reports of the same hash graded the
        same suite."""
        import hashlib

        digest = hashlib.sha256()
        for path in [self.folder / MANIFEST_NAME, *self.test_files()]:
            digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
        return digest.hexdigest()


def _schema() -> dict[str, Any]:
    import json
    from importlib import resources

    text = resources.files("pytest_llmcode").joinpath("case.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def load_case(manifest: Path) -> EvalCase:
    import jsonschema
    import yaml

    try:
        data = yaml.safe_load(manifest.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise CaseError(f"{manifest}: not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise CaseError(f"{manifest}: the manifest must be a mapping of fields")

    validator = jsonschema.Draft202012Validator(_schema())
    errors = sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        lines = []
        for error in errors:
            where = ".".join(str(p) for p in error.absolute_path) or "(top level)"
            lines.append(f"  field {where}: {error.message}")
        raise CaseError(f"{manifest}: invalid eval case manifest\n" + "\n".join(lines))

    folder = manifest.parent
    case = EvalCase(
        name=data.get("name", folder.name),
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
    _check_files(case, manifest)
    return case


def _check_files(case: EvalCase, manifest: Path) -> None:
    expected = SOLUTION_EXTENSIONS[case.language]
    if not case.solution_file.endswith(expected):
        raise CaseError(
            f"{manifest}: field solution_file: {case.solution_file!r} must end with "
            f"{expected!r} for language {case.language}"
        )
    if not case.tests_dir.is_dir() or not case.test_files():
        raise CaseError(f"{manifest}: the hidden tests are missing: create {case.tests_dir}/")
    if not case.reference_file.is_file():
        raise CaseError(
            f"{manifest}: the reference answer is missing: create {case.reference_file}"
        )
