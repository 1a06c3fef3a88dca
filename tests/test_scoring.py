"""Per-item scores: the core/edge split, the documents' weights applied exactly, manifest
overrides, and what happens when a criterion does not apply or was not measured."""

from __future__ import annotations

import pytest

from pytest_llmcode.grading.grade import Grade
from pytest_llmcode.grading.grade import TestResult as Result
from pytest_llmcode.grading.quality_report import Quality, read_quality
from pytest_llmcode.scoring.score import DEFAULT_WEIGHTS, is_edge, score_item, weights_for


@pytest.mark.parametrize(
    "test_id, edge",
    [
        ("test_flatten.py::test_edge_empty_list", True),
        ("test_flatten.py::TestEdgeCases::test_one", False),
        ("test_flatten.py::TestEdgeCases", True),
        ("TestEdgeNoUsers", True),
        ("edge: empty graph", True),
        ("EDGE: upper case", True),
        ("test_flatten.py::test_one_level", False),
        ("edges are directed", False),
        ("test_edgy", False),
    ],
)
def test_edge_tests_are_named_so(test_id: str, edge: bool) -> None:
    assert is_edge(test_id) is edge


def grade(passed: dict[str, bool], quality: float | None = 8.0, docs: float | None = 5.0) -> Grade:
    tests = tuple(Result(i, "passed" if ok else "failed") for i, ok in passed.items())
    verdict = "passed" if all(passed.values()) else "failed"
    return Grade(verdict, "", "test", tests, quality=Quality(quality, docs))


SUITE = {
    "t.py::test_a": True, "t.py::test_b": True, "t.py::test_c": False, "t.py::test_d": True,
    "t.py::test_edge_x": True, "t.py::test_edge_y": False,
}


def test_documents_weights_are_applied_exactly() -> None:
    assert DEFAULT_WEIGHTS == {"correctness": 0.40, "edge_cases": 0.20, "code_quality": 0.25,
                               "documentation": 0.15}
    score = score_item(grade(SUITE), frozenset(SUITE), weights_for({}))
    assert (score.core_passed, score.core_total, score.edge_passed, score.edge_total) == (3, 4, 1, 2)
    assert score.correctness == 7.5 and score.edge_cases == 5.0
    assert score.code_quality == 8.0 and score.documentation == 5.0
    assert score.score == pytest.approx(0.40 * 7.5 + 0.20 * 5.0 + 0.25 * 8.0 + 0.15 * 5.0)


def test_manifest_weights_override_and_are_relative_to_their_sum() -> None:
    weights = weights_for({"correctness": 3, "documentation": 0})
    assert weights == {"correctness": 3.0, "edge_cases": 0.2, "code_quality": 0.25,
                       "documentation": 0.0}
    score = score_item(grade(SUITE), frozenset(SUITE), weights)
    assert score.score == pytest.approx((3 * 7.5 + 0.2 * 5.0 + 0.25 * 8.0) / 3.45)


def test_tests_missing_from_the_report_count_as_not_passed() -> None:
    reported = {k: v for k, v in SUITE.items() if k != "t.py::test_a"}
    score = score_item(grade(reported), frozenset(SUITE), weights_for({}))
    assert (score.core_passed, score.core_total) == (2, 4)


def test_a_suite_without_edge_tests_shares_that_weight_out() -> None:
    core_only = {"t.py::test_a": True, "t.py::test_b": False}
    score = score_item(grade(core_only), frozenset(core_only), weights_for({}))
    assert score.edge_cases is None
    assert score.score == pytest.approx((0.40 * 5.0 + 0.25 * 8.0 + 0.15 * 5.0) / 0.80)


def test_an_unmeasured_quality_leaves_the_item_unscored() -> None:
    unmeasured = Grade("passed", "", "test", (Result("t::test_a", "passed"),),
                       quality=read_quality({"error": "the quality measure ran out of time"}))
    score = score_item(unmeasured, None, weights_for({}))
    assert score.score is None and score.correctness == 10.0
    assert "ran out of time" in score.note
    # ... unless its weight is zero.
    weights = weights_for({"code_quality": 0, "documentation": 0})
    assert score_item(unmeasured, None, weights).score == 10.0


def test_judge_ratings_replace_the_static_measures() -> None:
    score = score_item(grade(SUITE), frozenset(SUITE), weights_for({}), (2.0, 1.0), "judge")
    assert score.quality_source == "judge"
    assert score.score == pytest.approx(0.40 * 7.5 + 0.20 * 5.0 + 0.25 * 2.0 + 0.15 * 1.0)


@pytest.mark.parametrize(
    "raw, expected",
    [
        ({"quality": 7, "documentation": 2.5}, (7.0, 2.5)),
        ({"quality": 99, "documentation": -4}, (10.0, 0.0)),
        ({"quality": "10", "documentation": 1}, (None, None)),
        ({"quality": float("nan"), "documentation": 1}, (None, None)),
        ({"quality": True, "documentation": 1}, (None, None)),
        ({"error": "boom"}, (None, None)),
        ([1, 2], (None, None)),
        (None, (None, None)),
    ],
)
def test_the_sandbox_measure_is_read_bounded(raw: object, expected: tuple[object, object]) -> None:
    quality = read_quality(raw)
    assert (quality.quality, quality.documentation) == expected
    assert quality.measured is (expected[0] is not None)


def test_sandbox_text_is_sanitized_and_bounded() -> None:
    quality = read_quality({
        "quality": 3, "documentation": 3,
        "details": {"findings": ["\x1b[31m::error::x\x1b[0m" + "y" * 900] * 50,
                    "finding_count": 10**12, "tools": "not a list"},
    })
    assert len(quality.findings) == 20
    assert all("\x1b" not in f and len(f) <= 310 and not f.startswith("::") for f in quality.findings)
    assert quality.finding_count == 1_000_000 and quality.tools == ()


def test_quality_summary_says_what_cost_points() -> None:
    quality = read_quality({"quality": 8, "documentation": 5, "details": {
        "findings": ["pyflakes: x.py:1:1: 'os' imported but unused"],
        "undocumented": ["flatten", "Box.open"]}})
    assert quality.summary() == ("pyflakes: x.py:1:1: 'os' imported but unused; "
                                 "no doc comment: flatten, Box.open")
    assert read_quality({"error": "timed out"}).summary() == "timed out"
