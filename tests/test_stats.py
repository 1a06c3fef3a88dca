"""pass@k, the Wilson interval and consistency, checked against hand-computed values."""

from __future__ import annotations

import math

import pytest

from pytest_llmcode.scoring.stats import disagreeing, mean_pass_at_k, pass_at_k, wilson_interval


def test_pass_at_k_hand_computed() -> None:
    # n=5 samples, c=2 correct: pass@1 = 2/5; pass@2 = 1 - C(3,2)/C(5,2) = 1 - 3/10.
    assert pass_at_k(5, 2, 1) == pytest.approx(0.4)
    assert pass_at_k(5, 2, 2) == pytest.approx(0.7)
    # pass@3 = 1 - C(3,3)/C(5,3) = 1 - 1/10; with k > n - c a correct one is always drawn.
    assert pass_at_k(5, 2, 3) == pytest.approx(0.9)
    assert pass_at_k(5, 2, 4) == 1.0
    assert pass_at_k(5, 0, 5) == 0.0
    assert pass_at_k(5, 5, 1) == 1.0


def test_pass_at_k_is_the_chance_of_one_correct_in_k_draws() -> None:
    # Enumerate every k-subset of the samples: the share containing a correct one.
    from itertools import combinations

    samples = [True, False, True, False, False, False, True]
    for k in range(1, len(samples) + 1):
        draws = list(combinations(samples, k))
        expected = sum(any(d) for d in draws) / len(draws)
        assert pass_at_k(len(samples), sum(samples), k) == pytest.approx(expected)


@pytest.mark.parametrize("n, c, k", [(3, 4, 1), (3, 1, 0), (3, 1, 4), (3, -1, 1)])
def test_pass_at_k_rejects_impossible_counts(n: int, c: int, k: int) -> None:
    with pytest.raises(ValueError):
        pass_at_k(n, c, k)


def test_mean_pass_at_k_skips_cases_with_fewer_than_k_samples() -> None:
    per_case = {"a": (5, 2), "b": (5, 5), "c": (1, 0)}
    assert mean_pass_at_k(per_case, 1) == pytest.approx((0.4 + 1.0 + 0.0) / 3)
    assert mean_pass_at_k(per_case, 2) == pytest.approx((0.7 + 1.0) / 2)
    assert mean_pass_at_k({"c": (1, 0)}, 2) is None


def interval(successes: int, n: int) -> tuple[float, float]:
    result = wilson_interval(successes, n)
    assert result is not None
    return result


def test_wilson_interval_hand_computed() -> None:
    # 8 of 10: p = 0.8, z = 1.96 -> centre 0.7167, half-width 0.2266.
    low, high = interval(8, 10)
    assert (round(low, 4), round(high, 4)) == (0.4902, 0.9433)
    low, high = interval(0, 4)
    assert low == 0.0 and high == pytest.approx(3.8415 / (4 + 3.8415), abs=1e-4)
    low, high = interval(5, 5)
    assert high == 1.0 and math.isclose(low, 5 / (5 + 3.8415), abs_tol=1e-4)
    assert wilson_interval(0, 0) is None


def test_disagreeing_cases() -> None:
    per_case = {"flatten": [True, False, True], "dijkstra": [True, True], "race": [False, False]}
    assert disagreeing(per_case) == ["flatten"]
