"""`python -m pytest_llmcode COMMAND ...`: the plugin's command-line tools.

    image    build the sandbox image (see `python -m pytest_llmcode image --help`)
    import   write eval cases from HumanEval, MBPP or EvalPlus files
             (see `python -m pytest_llmcode import --help`)
    new      write an example eval case to edit (see `python -m pytest_llmcode new --help`)
    report   rebuild the HTML/Markdown report from JSON reports, merging several
             (see `python -m pytest_llmcode report --help`)
"""

from __future__ import annotations

import sys
from typing import Callable, Sequence


def _image(argv: Sequence[str]) -> int:
    from .grading.image_build import main

    return main(argv)


def _import(argv: Sequence[str]) -> int:
    from .importers.cli import main

    return main(argv)


def _new(argv: Sequence[str]) -> int:
    from .authoring.scaffold import main

    return main(argv)


def _report(argv: Sequence[str]) -> int:
    from .reporting.rebuild import main

    return main(argv)


COMMANDS: dict[str, tuple[Callable[[Sequence[str]], int], str]] = {
    "image": (_image, "build the Docker image in which answers are graded"),
    "import": (_import, "write eval cases from a HumanEval, MBPP or EvalPlus file"),
    "new": (_new, "write a complete, passing example eval case to edit into your own"),
    "report": (_report, "rebuild the HTML (and Markdown) report from JSON reports, merged"),
}


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] not in COMMANDS:
        print("usage: python -m pytest_llmcode COMMAND [ARGS]\n\ncommands:", file=sys.stderr)
        for name, (_, about) in COMMANDS.items():
            print(f"  {name:8} {about}", file=sys.stderr)
        return 0 if args[:1] in (["-h"], ["--help"]) else 2
    command, _ = COMMANDS[args[0]]
    return command(args[1:])


if __name__ == "__main__":
    raise SystemExit(main())
