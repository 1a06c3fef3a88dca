"""EvalPlus's check, as source text for a generated hidden test file, and the shapes its
MBPP+ loader gives the inputs.

EvalPlus runs the canonical solution on every input to get the expected outputs (on the
trusted side: here, in the tester), calls the answer on the same input and compares:
`out == expected`, except for the tasks it gives an oracle of their own; when the
expected output is a float (or a non-empty list or tuple of floats) and the task gives no
tolerance, 1e-6 is used from then on; with a tolerance, a result that is not equal must
have the expected type and length and pass `numpy.allclose(out, expected, rtol=1e-07,
atol=atol)`. Each input may take max(4 s, 4 x the canonical solution's time on it).
The sandbox has no numpy: `_allclose` below is numpy's rule on plain values."""

from __future__ import annotations

from typing import Any, Callable

# Tasks whose output EvalPlus compares only as `is not None` (the canonical solutions
# return re.Match objects, which cannot cross the isolation boundary).
MBPP_NOT_NONE = frozenset({"check_str", "text_match_three", "text_starta_endb"})
MBPP_SET_EQUAL = frozenset({"similar_elements", "find_char_long", "common_in_nested_lists",
                            "extract_singly", "larg_nnum", "intersection_array",
                            "find_dissimilar", "Diff"})

SPECIAL: dict[tuple[str, str], tuple[str, str]] = {
    # (dataset, entry point): (lines of _compare after `exact = out == expected`, helpers)
    ("humaneval", "find_zero"): (
        "    # EvalPlus's oracle for find_zero: any zero of the polynomial, within atol.\n"
        "    assert abs(_poly(*args, out)) <= atol, _mismatch(index, args, out, expected)\n"
        "    return atol\n",
        "def _poly(xs, x):\n"
        "    return sum([coeff * math.pow(x, i) for i, coeff in enumerate(xs)])\n"),
    ("mbpp", "are_equivalent"): (
        "    exact = True  # EvalPlus accepts any output of are_equivalent (Mbpp/164)\n", ""),
    ("mbpp", "sum_div"): (
        "    exact = exact or out == 0  # EvalPlus also accepts 0 (Mbpp/295)\n", ""),
    ("mbpp", "surface_Area"): (
        "    # EvalPlus also accepts the other reading of the height (Mbpp/581).\n"
        "    exact = exact or abs(out - _surface_area(*args)) <= atol\n",
        "def _surface_area(base_edge, height):\n"
        "    slant_height = math.sqrt((base_edge / 2) ** 2 + height**2)\n"
        "    lateral_area = 4 * (base_edge * slant_height) / 2\n"
        "    return round(base_edge**2 + lateral_area)\n"),
    ("mbpp", "digit_distance_nums"): (
        "    # EvalPlus also accepts numbers of unequal length padded with zeros (Mbpp/558).\n"
        "    exact = exact or out == _digit_distance(*args)\n",
        "def _digit_distance(num1, num2):\n"
        "    a, b = str(num1), str(num2)\n"
        "    width = max(len(a), len(b))\n"
        "    a, b = a.zfill(width), b.zfill(width)\n"
        "    return sum(abs(int(x) - int(y)) for x, y in zip(a, b))\n"),
}
for _name in MBPP_SET_EQUAL:
    SPECIAL[("mbpp", _name)] = (
        "    exact = set(out) == set(expected)  # EvalPlus compares these results as sets\n", "")

CHECK = '''\
MIN_TIME_LIMIT_S = 4.0
TIME_LIMIT_FACTOR = 4.0


def test_base_inputs():
    _differential(BASE_INPUTS)


def test_plus_inputs():
    _differential(PLUS_INPUTS)


def _differential(encoded):
    """EvalPlus's check: the canonical solution's output on each input is the oracle."""
    inputs = _decode(encoded)
    namespace = {}
    exec(compile(REFERENCE, "canonical_solution", "exec"), namespace)
    canonical = namespace[ENTRY_POINT]
    atol = ATOL
    for index, args in enumerate(inputs):
        started = time.perf_counter()
        expected = canonical(*copy.deepcopy(args))
        limit = max(MIN_TIME_LIMIT_S, TIME_LIMIT_FACTOR * (time.perf_counter() - started))
        started = time.perf_counter()
        out = ANSWER(*args)
        took = time.perf_counter() - started
        assert took <= limit, f"input #{index} took {took:.2f} s; its limit is {limit:.2f} s"
        atol = _compare(index, args, out, expected, atol)


def _compare(index, args, out, expected, atol):
    """One output against the oracle's; returns the tolerance for the next inputs."""
    exact = out == expected
SPECIAL
    if atol == 0 and _is_floats(expected):
        atol = 1e-6
    if not exact and atol != 0:
        assert type(out) == type(expected), _mismatch(index, args, out, expected)
        if isinstance(expected, (list, tuple)):
            assert len(out) == len(expected), _mismatch(index, args, out, expected)
        assert _allclose(out, expected, atol), _mismatch(index, args, out, expected)
    else:
        assert exact, _mismatch(index, args, out, expected)
    return atol


def _is_floats(value):
    if isinstance(value, float):
        return True
    if isinstance(value, (list, tuple)) and value:
        return all(isinstance(v, float) for v in value)
    return False


def _allclose(out, expected, atol, rtol=1e-07):
    """numpy.allclose(out, expected, rtol, atol) on plain values: numbers and rectangular
    nests of lists and tuples of numbers, broadcast as numpy does; for anything else
    numpy raises, and the input fails."""
    try:
        out_shape, out_flat = _array(out)
        expected_shape, expected_flat = _array(expected)
    except TypeError:
        return False
    shape = _broadcast(out_shape, expected_shape)
    if shape is None:
        return False
    pairs = zip(_spread(out_flat, out_shape, shape), _spread(expected_flat, expected_shape, shape))
    for x, y in pairs:
        if math.isfinite(x) and math.isfinite(y):
            if not abs(x - y) <= atol + rtol * abs(y):
                return False
        elif x != y:  # an infinity equals only itself; NaN nothing
            return False
    return True


def _array(value):
    """(shape, the numbers in row-major order), as numpy.asarray reads a numeric value."""
    if isinstance(value, (bool, float)) or (
            isinstance(value, int) and -(2**63) <= value < 2**64):
        return (), [float(value)]
    if isinstance(value, (list, tuple)):
        parts = [_array(v) for v in value]
        shapes = {shape for shape, _ in parts}
        if len(shapes) > 1:
            raise TypeError("ragged")
        inner = shapes.pop() if shapes else ()
        return (len(value), *inner), [x for _, flat in parts for x in flat]
    raise TypeError(type(value).__name__)


def _broadcast(a, b):
    size = max(len(a), len(b))
    a, b = (1,) * (size - len(a)) + a, (1,) * (size - len(b)) + b
    if any(x != y and 1 not in (x, y) for x, y in zip(a, b)):
        return None
    return tuple(y if x == 1 else x for x, y in zip(a, b))


def _spread(flat, shape, target):
    shape = (1,) * (len(target) - len(shape)) + tuple(shape)
    strides, step = [], 1
    for dim in reversed(shape):
        strides.insert(0, step)
        step *= dim
    for index in itertools.product(*(range(n) for n in target)):
        yield flat[sum(i * s for i, s, n in zip(index, strides, shape) if n != 1)]


def _mismatch(index, args, out, expected):
    return (f"input #{index}: {ENTRY_POINT}(*{_shown(args)})\\n"
            f"  expected {_shown(expected)}\\n  got      {_shown(out)}")


def _shown(value, limit=300):
    text = repr(value)
    return text if len(text) <= limit else f"{text[:limit]}... ({len(text)} characters)"
'''


def check_source(dataset: str, entry: str) -> str:
    """The check's code for one task, its special oracle (if any) included."""
    special, helpers = SPECIAL.get((dataset, entry), ("", ""))
    code = CHECK.replace("SPECIAL\n", special)
    return code + ("\n\n" + helpers if helpers else "")


def _tuples(value: Any) -> Any:
    return tuple(value)


def _nested_tuples(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_nested_tuples(v) for v in value)
    return value


Shape = Callable[[list[Any]], Any]

# How EvalPlus's MBPP+ loader (`mbpp_deserialize_inputs`) gives the inputs of some tasks:
# JSON has no tuples, sets or complex numbers, so it rebuilds them per task. (dataset data
# v0.2.0; one input is the list of a call's arguments.)
MBPP_PLUS_SHAPES: dict[int, Shape] = {}
for _task in (2, 116, 132, 143, 222, 261, 273, 394, 399, 421, 424, 429, 470, 560, 579, 596,
              616, 630, 726, 740, 744, 809):
    MBPP_PLUS_SHAPES[_task] = lambda inp: [tuple(arg) for arg in inp]
for _task in (63, 64, 70, 94, 120, 237, 272, 299, 400, 409, 417, 438, 473, 614, 780):
    MBPP_PLUS_SHAPES[_task] = lambda inp: [[tuple(x) for x in arg] for arg in inp]
for _task in (75, 413, 444, 753):
    MBPP_PLUS_SHAPES[_task] = lambda inp: [[tuple(x) for x in inp[0]], inp[1]]
for _task in (106, 750):
    MBPP_PLUS_SHAPES[_task] = lambda inp: [inp[0], tuple(inp[1])]
MBPP_PLUS_SHAPES[115] = lambda inp: [
    [set(x) if isinstance(x, list) and len(x) else {} for x in inp[0]]]
MBPP_PLUS_SHAPES[124] = lambda inp: (float(inp[0]), complex(inp[1]))
for _task in (250, 405, 446, 617, 720, 763, 808):
    MBPP_PLUS_SHAPES[_task] = lambda inp: [tuple(inp[0]), inp[1]]
for _task in (259, 401, 445):
    MBPP_PLUS_SHAPES[_task] = lambda inp: [tuple(tuple(x) for x in arg) for arg in inp]
MBPP_PLUS_SHAPES[278] = lambda inp: [
    tuple(tuple(x) if isinstance(x, list) else x for x in inp[0])]
MBPP_PLUS_SHAPES[307] = lambda inp: [tuple(inp[0]), inp[1], inp[2]]
MBPP_PLUS_SHAPES[722] = lambda inp: [{k: tuple(v) for k, v in inp[0].items()}, *inp[1:]]
MBPP_PLUS_SHAPES[252] = lambda inp: [complex(inp[0])]
for _task in (580, 615, 791):
    MBPP_PLUS_SHAPES[_task] = _nested_tuples
