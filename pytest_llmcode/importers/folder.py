"""A task in another language than Python as a case folder: case.yaml, tests/, reference/."""

from __future__ import annotations

from typing import Any

from .pycase import Options
from .writer import CaseFiles


def folder_case(task: str, folder: str, fields: dict[str, Any], tests: dict[str, str],
                reference: str, options: Options) -> CaseFiles:
    """The case folder `folder/`: `fields` are case.yaml's (prompt, language, solution_file,
    exports, ...); `tests` the hidden test files by name."""
    if not options.quality:
        fields = {**fields, "weights": {"code_quality": 0, "documentation": 0}}
    files = {f"{folder}/case.yaml": manifest_text(fields),
             f"{folder}/reference/{fields['solution_file']}": reference}
    files.update({f"{folder}/tests/{name}": text for name, text in tests.items()})
    return CaseFiles(task, files, fields["prompt"], reference, tuple(fields["exports"]))


def manifest_text(fields: dict[str, Any]) -> str:
    import yaml

    class Dumper(yaml.SafeDumper):
        pass

    def text(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
        style = "|" if "\n" in value else None
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)

    Dumper.add_representer(str, text)
    dumped: str = yaml.dump(fields, Dumper=Dumper, sort_keys=False, allow_unicode=True,
                            width=100, default_flow_style=None)
    return dumped
