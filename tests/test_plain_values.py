"""Faithful values across the isolation boundary: what the answer returns or raises
arrives in the hidden tests exactly as the answer produced it; what cannot cross fails
the test saying what it was and why."""

from __future__ import annotations

import io
import math
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pytest_llmcode.cases import load_case
from pytest_llmcode.grading.grader import Grader

RUNNERS = Path(__file__).resolve().parents[1] / "pytest_llmcode" / "grading" / "container" / "runners"
sys.path.insert(0, str(RUNNERS))
import plaindata  # noqa: E402

hashable = st.recursive(
    st.none() | st.booleans() | st.integers() | st.integers(min_value=2**60) |
    st.floats(allow_nan=True, allow_infinity=True) | st.text() | st.binary(),
    lambda inner: st.tuples(inner, inner) | st.frozensets(inner, max_size=3),
    max_leaves=8,
)
values = st.recursive(
    hashable,
    lambda inner: (st.lists(inner, max_size=4) | st.tuples(inner) |
                   st.dictionaries(hashable, inner, max_size=4) |
                   st.dictionaries(st.sampled_from(plaindata.MARKERS), inner, max_size=1) |
                   st.sets(hashable, max_size=4) | st.builds(bytearray, st.binary(max_size=8))),
    max_leaves=20,
)


def same(a: Any, b: Any) -> bool:
    """Equal, of exactly the same types all the way down, NaN equal to NaN."""
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        return (math.isnan(a) and math.isnan(b)) or (a == b and math.copysign(1, a) ==
                                                     math.copysign(1, b))
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return len(a) == len(b) and all(
            any(same(k, k2) and same(v, b[k2]) for k2 in b if same(k, k2) or k == k2)
            for k, v in a.items())
    if isinstance(a, (set, frozenset)):
        return len(a) == len(b) and all(any(same(x, y) for y in b) for x in a)
    return bool(a == b)


@settings(max_examples=400, deadline=None)
@given(values)
def test_every_plain_value_round_trips_exactly(value: Any) -> None:
    wire = plaindata.loads(plaindata.dumps(plaindata.encode(value)))
    assert same(plaindata.decode(wire), value)


@pytest.mark.parametrize("value, said", [
    (lambda: 1, "a function or callable"),
    ((i for i in range(3)), "an iterator or generator"),
    (iter([1]), "an iterator or generator"),
    (io.StringIO("x"), "an open file or stream"),
    (type("Mine", (), {})(), "an object of the answer's own class"),
    (type("Forged", (int,), {"__eq__": lambda s, o: True})(1), "a subclass of int (test_plain_values.Forged)"),
])
def test_what_cannot_cross_is_named(value: Any, said: str) -> None:
    with pytest.raises(plaindata.NotPlainData) as info:
        plaindata.encode({"x": [value]})
    assert said in str(info.value) and "only plain data crosses" in str(info.value)


VALUES_TESTS = '''
    import math

    import pytest

    from solution import Invalid, boom, echo, generator, size, weird


    def test_dict_keys_of_any_plain_type():
        assert size({1: "a", "b": 2}) == 2
        got = echo({1: "a", 2.5: None, False: [1], None: (1,), (1, "x"): {"k": b"\\\\x00"}})
        assert got == {1: "a", 2.5: None, False: [1], None: (1,), (1, "x"): {"k": b"\\\\x00"}}
        assert [type(k) for k in got] == [int, float, bool, type(None), tuple]


    def test_sets_bytes_tuples_and_big_numbers():
        assert echo({1, 2, (3, 4)}) == {1, 2, (3, 4)}
        assert type(echo(frozenset({1}))) is frozenset
        assert echo(b"\\\\xff\\\\x00") == b"\\\\xff\\\\x00" and type(echo(bytearray(b"a"))) is bytearray
        assert echo(10**400) == 10**400 and echo(-(2**64)) == -(2**64)
        assert echo(((1,), [2])) == ((1,), [2])
        assert echo({"__tuple__": [1]}) == {"__tuple__": [1]}


    def test_nan_and_infinities():
        assert math.isnan(echo(float("nan")))
        assert echo(float("inf")) == float("inf") and echo(float("-inf")) == float("-inf")
        assert math.copysign(1, echo(-0.0)) == -1


    def test_exceptions_keep_type_and_message():
        with pytest.raises(KeyError) as info:
            boom("key")
        assert str(info.value) == "'missing'" and info.value.args == ("missing",)
        with pytest.raises(ValueError, match="^bad value 7$") as info:
            boom("custom")
        assert type(info.value).__name__ == "Invalid" and info.value.args == (7,)
        with pytest.raises(OSError) as info:
            boom("os")
        assert info.value.errno == 2 and str(info.value) == "[Errno 2] gone: 'f'"


    def test_edge_a_generator_cannot_cross():
        generator()


    def test_edge_an_object_of_its_own_class_cannot_cross():
        weird()
'''

VALUES_ANSWER = '''
    class Invalid(ValueError):
        def __str__(self):
            return f"bad value {self.args[0]}"


    def size(d):
        return len(d)


    def echo(value):
        return value


    def boom(kind):
        if kind == "key":
            raise KeyError("missing")
        if kind == "custom":
            raise Invalid(7)
        raise FileNotFoundError(2, "gone", "f")


    def generator():
        return (i for i in range(3))


    class Point:
        pass


    def weird():
        return Point()
'''


def values_case(tmp_path: Path) -> Any:
    folder = tmp_path / "values"
    (folder / "tests").mkdir(parents=True)
    (folder / "reference").mkdir()
    (folder / "case.yaml").write_text(
        "language: python\nsolution_file: solution.py\n"
        "exports: [Invalid, boom, echo, generator, size, weird]\nprompt: values\n")
    (folder / "tests" / "test_values.py").write_text(textwrap.dedent(VALUES_TESTS))
    (folder / "reference" / "solution.py").write_text(textwrap.dedent(VALUES_ANSWER))
    return load_case(folder / "case.yaml")


def test_values_and_exceptions_cross_isolation_exactly(grader: Grader, tmp_path: Path) -> None:
    case = values_case(tmp_path)
    grade = grader.grade(case, case.reference_file.read_text(), None)
    assert grade.isolation == "container"
    outcomes = {t.id.rpartition("::")[2]: t for t in grade.tests}
    for name in ("test_dict_keys_of_any_plain_type", "test_sets_bytes_tuples_and_big_numbers",
                 "test_nan_and_infinities", "test_exceptions_keep_type_and_message"):
        assert outcomes[name].outcome == "passed", outcomes[name].message
    generator = outcomes["test_edge_a_generator_cannot_cross"]
    assert generator.outcome == "failed"
    assert "an iterator or generator (builtins.generator)" in generator.message
    own = outcomes["test_edge_an_object_of_its_own_class_cannot_cross"]
    assert own.outcome == "failed" and "an object of the answer's own class" in own.message
    for test in grade.tests:
        assert "remote_python" not in test.message and "shim_python" not in test.message


def test_an_answer_cut_off_mid_code_shows_no_runner_frames(grader: Grader, tmp_path: Path
                                                            ) -> None:
    case = values_case(tmp_path)
    grade = grader.grade(case, "def size(d):\n    return len(\n", None)
    assert grade.verdict == "failed"
    shown = grade.message + grade.output + "".join(t.message for t in grade.tests)
    assert "SyntaxError" in shown
    for runner in ("remote_python", "shim_python", "serve.py", "importlib", "runners/"):
        assert runner not in shown, runner
