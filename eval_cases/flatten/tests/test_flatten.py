"""Hidden tests for the flatten case.

Only plain data crosses into and out of the answer, and nothing relies on identity or on
mutation of the argument (the answer may run in another process).
"""

from solution import flatten


def _nest(value, depth):
    """[[[...[value]...]]] with `depth` list levels around value."""
    for _ in range(depth):
        value = [value]
    return value


# ---- core -------------------------------------------------------------------------------


def test_flat_list_is_returned_as_is():
    assert flatten([1, 2, 3]) == [1, 2, 3]


def test_one_level_of_nesting():
    assert flatten([1, [2, 3], 4, [5]]) == [1, 2, 3, 4, 5]


def test_several_levels_of_nesting():
    assert flatten([1, [2, [3, [4, [5]]]], 6]) == [1, 2, 3, 4, 5, 6]


def test_order_is_depth_first_left_to_right():
    items = [[["a", "b"], "c"], "d", [["e"], [["f", "g"]]], "h"]
    assert flatten(items) == ["a", "b", "c", "d", "e", "f", "g", "h"]


def test_mixed_atom_types():
    items = [1, [2.5, ["three", [True]]], [None]]
    assert flatten(items) == [1, 2.5, "three", True, None]


def test_returns_a_list():
    result = flatten([[1], [2]])
    assert isinstance(result, list)
    assert result == [1, 2]


# ---- edge -------------------------------------------------------------------------------


def test_edge_empty_list():
    assert flatten([]) == []


def test_edge_empty_sublists_vanish():
    assert flatten([[], [[]], [[[]], []], 1, [[], 2]]) == [1, 2]


def test_edge_strings_are_not_split():
    assert flatten(["abc", ["de", ["f"]], ""]) == ["abc", "de", "f", ""]


def test_edge_tuples_are_atoms():
    items = [(1, 2), [(3, [4, [5]])], [[()]]]
    assert flatten(items) == [(1, 2), (3, [4, [5]]), ()]


def test_edge_dicts_are_atoms():
    items = [{"a": [1, 2]}, [{"b": {"c": [3]}}], [[{}]]]
    assert flatten(items) == [{"a": [1, 2]}, {"b": {"c": [3]}}, {}]


def test_edge_falsy_atoms_are_kept():
    items = [None, [0, [False, ""]], [[0.0]], [None, [None]]]
    assert flatten(items) == [None, 0, False, "", 0.0, None, None]


def test_edge_deep_nesting_200_levels():
    assert flatten(_nest(42, 200)) == [42]
    assert flatten([1, _nest(2, 200), 3]) == [1, 2, 3]


def test_edge_wide_and_deep():
    items = [_nest(i, i % 50) for i in range(300)]
    assert flatten(items) == list(range(300))


def test_edge_mixed_atoms_at_every_depth():
    items = ["s", [("t",), [{"d": 1}, [None, ["x", []]]]]]
    assert flatten(items) == ["s", ("t",), {"d": 1}, None, "x"]
