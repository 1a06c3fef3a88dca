"""EvalPlus's HumanEval+ (`HumanEval/N`) and MBPP+ (`Mbpp/N`): task_id, prompt, entry_point,
canonical_solution, base_input, plus_input, atol.

A case has two hidden tests, `test_base_inputs` and `test_plus_inputs`: EvalPlus's base
and plus checks, the canonical solution (`prompt + canonical_solution`, the case's
reference) as the oracle, computed in the tester; a pass is EvalPlus's pass on both, its
"plus" pass@1. The inputs are the file's, shaped as EvalPlus's loader shapes them."""

from __future__ import annotations

from typing import Iterable, Iterator

from .evalplus_check import MBPP_NOT_NONE, MBPP_PLUS_SHAPES, check_source
from .literals import DECODER_SOURCE, NotPlain, encode_plain, py_string
from .pycase import Options, case_stem, complete_function_prompt, one_file_case
from .records import Record, Unrepresentable, task_label, text_field
from .writer import Converted, Skipped

TIMEOUT_S = 120.0  # EvalPlus gives each of the two checks up to about 60 s


def convert(records: Iterable[Record], options: Options) -> Iterator[Converted]:
    for index, record in enumerate(records):
        task = task_label(record, index)
        try:
            yield case(task, record, options)
        except Unrepresentable as exc:
            yield Skipped(task, str(exc))


def case(task: str, record: Record, options: Options) -> Converted:
    dataset = "mbpp" if task.lower().startswith("mbpp/") else "humaneval"
    prompt, canonical, entry = (text_field(record, n) for n in
                                ("prompt", "canonical_solution", "entry_point"))
    if prompt is None or canonical is None or not entry:
        raise Unrepresentable("it lacks a prompt, canonical_solution or entry_point")
    prompt, canonical = prompt.replace("\r\n", "\n"), canonical.replace("\r\n", "\n")
    if dataset == "mbpp" and entry in MBPP_NOT_NONE:
        raise Unrepresentable(f"EvalPlus checks only that {entry} returns something other "
                              "than None; its canonical solution returns a re.Match, which "
                              "cannot cross the isolation boundary")
    atol = record.get("atol", 0) or 0
    if not isinstance(atol, (int, float)) or isinstance(atol, bool):
        raise Unrepresentable("its atol is not a number")
    encoded = [py_string(_inputs(task, dataset, record, field))
               for field in ("base_input", "plus_input")]
    body = "\n".join([
        "import copy",
        "import itertools",
        "import json",
        "import math",
        "import time",
        "",
        f"from solution import {entry}  # noqa: E402  (the answer, in its own container)",
        "",
        f"ANSWER = {entry}",
        f"ENTRY_POINT = {entry!r}",
        f"ATOL = {atol!r}",
        f"BASE_INPUTS = {encoded[0]}",
        f"PLUS_INPUTS = {encoded[1]}",
        "",
        "",
        check_source(dataset, entry),
        "",
        DECODER_SOURCE,
    ])
    number = task.split("/", 1)[-1]
    label = "mbpp+" if dataset == "mbpp" else "humaneval+"
    return one_file_case(task, case_stem(f"{dataset}plus", number),
                         complete_function_prompt(entry, prompt), [label, task], [entry], body,
                         prompt + canonical, options.timeout_s or TIMEOUT_S, options)


def _inputs(task: str, dataset: str, record: Record, field: str) -> str:
    inputs = record.get(field)
    if not isinstance(inputs, list) or not all(isinstance(i, list) for i in inputs):
        raise Unrepresentable(f"its {field} is not a list of argument lists")
    number = _number(task)
    shape = MBPP_PLUS_SHAPES.get(number) if dataset == "mbpp" and number is not None else None
    if shape is not None:
        try:
            inputs = [shape(inp) for inp in inputs]
        except (TypeError, ValueError, IndexError, KeyError, AttributeError) as exc:
            raise Unrepresentable(f"its {field} does not have the shape EvalPlus's loader "
                                  f"gives {task}'s inputs ({exc})") from None
    try:
        return encode_plain(inputs)
    except NotPlain as exc:
        raise Unrepresentable(f"its {field} holds {exc}, which cannot cross the isolation "
                              "boundary to the answer") from None


def _number(task: str) -> int | None:
    tail = task.split("/", 1)[-1]
    return int(tail) if tail.isdigit() else None
