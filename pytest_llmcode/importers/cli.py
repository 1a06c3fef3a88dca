"""`python -m pytest_llmcode import FORMAT SOURCE --out DIR`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Callable, Iterable, Iterator, Sequence

from .pycase import Options
from .records import Record, SourceError, read_records
from .writer import Converted, write_cases

Converter = Callable[[Iterable[Record], Options], Iterator[Converted]]

EPILOG = """\
formats:
  humaneval   HumanEval (HumanEval.jsonl.gz) and HumanEval-X's Python, JavaScript and Go
              files (humaneval_{python,js,go}.jsonl.gz): one file per Python task
              (test_humaneval_N.py), a case folder per JavaScript or Go task
  mbpp        MBPP (mbpp.jsonl) and sanitized MBPP (sanitized-mbpp.json)
  evalplus    EvalPlus's HumanEval+ and MBPP+ (HumanEvalPlus.jsonl.gz, MbppPlus.jsonl.gz):
              base and plus inputs, the canonical solution as the oracle

Importing again writes only what changed. Each task that cannot become a faithful case is
skipped and named with the reason. Then, free (no model is asked):
  pytest DIR --llm-check-cases        every reference passes its hidden tests
  pytest DIR --llm-models=reference   graded the way a model's answer is
"""


def _converter(name: str) -> Converter:
    if name == "humaneval":
        from .humaneval import convert
    elif name == "mbpp":
        from .mbpp import convert
    else:
        from .evalplus import convert
    return convert


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m pytest_llmcode import",
        description="Write eval cases from a published benchmark file.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("format", choices=("humaneval", "mbpp", "evalplus"))
    parser.add_argument("source", type=Path, help="the dataset file: JSON Lines or a JSON "
                        "array, gzip-compressed or not")
    parser.add_argument("--out", type=Path, required=True,
                        help="the folder to write the cases into (created if missing)")
    parser.add_argument("--with-quality", action="store_true",
                        help="score code quality and documentation too (default: off, the "
                        "score of an imported case is its correctness)")
    parser.add_argument("--timeout", type=float, metavar="S",
                        help="each case's time limit for grading one answer (default: 30 s; "
                        "Go 60 s; EvalPlus 120 s)")
    parser.add_argument("--mbpp-challenge-tests", action="store_true",
                        help="MBPP: add challenge_test_list as hidden tests (not part of "
                        "MBPP's standard check)")
    parser.add_argument("--mbpp-no-example", action="store_true",
                        help="MBPP: show no test in the prompt (default: the first, as "
                        "MBPP+ does); the prompt names the function and its parameters")
    args = parser.parse_args(argv)
    if args.timeout is not None and not 0 < args.timeout <= 600:
        parser.error("--timeout must be more than 0 and at most 600 seconds")
    options = Options(timeout_s=args.timeout, quality=args.with_quality,
                      challenge_tests=args.mbpp_challenge_tests,
                      show_example=not args.mbpp_no_example)
    try:
        records = read_records(args.source)
    except SourceError as exc:
        print(f"llmcode import: {exc}", file=sys.stderr)
        return 2
    tally = write_cases(args.out, _converter(args.format)(records, options))
    for line in tally.lines(args.out):
        print(line)
    return 0 if tally.written or tally.unchanged else 1
