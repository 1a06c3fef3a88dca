"""`python -m pytest_llmcode new NAME --language LANGUAGE [--dir DIR]`: write a complete
example case that passes the case check, for its author to edit. The examples are the
package's templates/ folder, one per language, with CASE_NAME standing for the name."""

from __future__ import annotations

import argparse
import re
import sys
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

LANGUAGES = ("python", "javascript", "typescript", "go", "express")
PLACEHOLDER = "CASE_NAME"
NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")

FILES = """\
what it writes:

  python: one file, DIR/test_NAME.py, an ordinary-looking pytest module
    the module docstring      the prompt, and all the model sees
    pytestmark = pytest.mark.llmcode(...)
                              declares the file an eval case; its keywords are the
                              fields of case.yaml (exports, timeout_s, tags, weights)
    the test_* functions      the hidden tests; they import the answer with
                              `from solution import ...` and never reach the model
    REFERENCE = '''...'''     a solution that must pass every test
    WRONG = {name: '''...'''} plausible answers that must each fail at least one test

  javascript, typescript, go, express: a folder, DIR/NAME/
    case.yaml                 the manifest: language, interface, solution_file, exports,
                              timeout_s, tags and the prompt (all the model sees)
    tests/                    the hidden tests, in the language's own framework
                              (node:test; go test)
    reference/solution.*      a solution that must pass every hidden test
    wrong/*                   plausible answers that must each fail a hidden test

then, both free (no model is asked):
  pytest DIR --llm-check-cases        the reference passes, the wrong answers fail, the
                                      exports match the reference, tests and prompt
  pytest DIR --llm-models=reference   the case graded as a model's answer would be
"""


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m pytest_llmcode new",
        description="Write a complete, passing example eval case to edit into your own.",
        epilog=FILES, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("name", help="the case's name, used in test ids (NAME[MODEL]): "
                        "letters, digits and underscores")
    parser.add_argument("--language", "-l", required=True, choices=LANGUAGES,
                        help="express is JavaScript with interface: http (an Express app)")
    parser.add_argument("--dir", type=Path, default=Path("eval_cases"),
                        help="the folder of eval cases to write into (default: eval_cases)")
    args = parser.parse_args(list(argv))
    if not NAME.fullmatch(args.name):
        parser.error(f"NAME {args.name!r}: use letters, digits and underscores, not starting "
                     "with a digit (e.g. roman_numerals)")
    template = resources.files("pytest_llmcode.authoring").joinpath("templates", args.language)
    written = write(template, args.dir, args.name)
    if written is None:
        return 1
    shown = [p.relative_to(args.dir).as_posix() for p in written]
    print(f"wrote the eval case {args.name} ({args.language}) to {args.dir}: "
          f"{', '.join(shown)}")
    print(f"edit it, then check it for free: pytest {args.dir} --llm-check-cases -k {args.name}")
    return 0


def write(template: Traversable, directory: Path, name: str) -> list[Path] | None:
    """Copy the template with its placeholder replaced; None (and a message) when it would
    overwrite something."""
    files = list(_walk(template, Path()))
    top = {directory / Path(*rel.parts[:1]).as_posix().replace(PLACEHOLDER, name)
           for rel, _ in files}
    taken = sorted(str(p) for p in top if p.exists())
    if taken:
        print(f"{', '.join(taken)} already exists: choose another name, or remove it first",
              file=sys.stderr)
        return None
    written = []
    for rel, source in files:
        target = directory / rel.as_posix().replace(PLACEHOLDER, name)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(source.read_text("utf-8").replace(PLACEHOLDER, name), "utf-8")
        written.append(target)
    return written


def _walk(folder: Traversable, rel: Path) -> list[tuple[Path, Traversable]]:
    found = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name == "__pycache__":
            continue
        if entry.is_dir():
            found += _walk(entry, rel / entry.name)
        else:
            found.append((rel / entry.name, entry))
    return found
