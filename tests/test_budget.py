"""--llm-max-cost: the ledger that decides whether the next request may be sent."""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_llmcode.api.budget import Budget, budget_state
from pytest_llmcode.api.errors import BudgetExceeded
from pytest_llmcode.catalog import Catalog

MESSAGES = [{"role": "user", "content": "hi"}]


@pytest.fixture
def catalog() -> Catalog:
    catalog = Catalog()
    catalog.apply_price_line("one-dollar=1")  # $1 per million output tokens
    catalog.apply_price_line("with-input=1/2")
    return catalog


def test_stops_before_the_next_request_could_exceed_the_limit(tmp_path: Path, catalog: Catalog) -> None:
    budget = Budget(0.0035, tmp_path / "b.json", catalog.get, max_tokens=1000)
    tickets = [budget.reserve("one-dollar", MESSAGES) for _ in range(3)]  # $0.001 each
    with pytest.raises(BudgetExceeded, match=r"max-cost: .*\$0.003000 reserved for requests in "
                                             r"flight, up to \$0.001000 \(1000 max_tokens x "
                                             r"\$1/M\) for the next one"):
        budget.reserve("one-dollar", MESSAGES)
    for ticket in tickets:
        budget.settle(ticket, "one-dollar", 0, 10)
    # The first refusal stops the run's requests for good, even with money left.
    with pytest.raises(BudgetExceeded):
        budget.reserve("one-dollar", MESSAGES)
    state = budget.state()
    assert state.spent_usd == pytest.approx(30e-6) and state.reserved_usd == 0
    assert state.refused == 2 and state.stopped is not None
    assert state.gate_failure() == (
        "max-cost: $0.000030 spent of --llm-max-cost $0.0035; 2 requests were not sent because "
        "the next could have exceeded it (worst case of one: up to $0.001000 (1000 max_tokens "
        "x $1/M))")


def test_processes_share_one_ledger(tmp_path: Path, catalog: Catalog) -> None:
    ledger = tmp_path / "b.json"
    first = Budget(0.0025, ledger, catalog.get, max_tokens=1000)
    second = Budget(0.0025, ledger, catalog.get, max_tokens=1000)
    first.reserve("one-dollar", MESSAGES)
    second.reserve("one-dollar", MESSAGES)
    with pytest.raises(BudgetExceeded):
        first.reserve("one-dollar", MESSAGES)
    assert budget_state(ledger, 0.0025).reserved_usd == pytest.approx(0.002)


def test_without_max_tokens_the_estimate_follows_the_largest_completion(
    tmp_path: Path, catalog: Catalog
) -> None:
    budget = Budget(1.0, tmp_path / "b.json", catalog.get, max_tokens=None, guess_tokens=4096)
    assert budget.worst_case("one-dollar", MESSAGES, 0)[0] == pytest.approx(4096e-6)
    ticket = budget.reserve("one-dollar", MESSAGES)
    budget.settle(ticket, "one-dollar", 0, 20_000)
    assert budget.worst_case("one-dollar", MESSAGES, 20_000)[0] == pytest.approx(0.02)
    budget.reserve("one-dollar", MESSAGES)
    assert budget.state().reserved_usd == pytest.approx(0.02)  # the largest seen so far


def test_input_is_bounded_by_the_prompt_bytes_when_priced(tmp_path: Path, catalog: Catalog) -> None:
    budget = Budget(1.0, tmp_path / "b.json", catalog.get, max_tokens=100)
    worst, how = budget.worst_case("with-input", MESSAGES, 0)
    size = len('[{"role": "user", "content": "hi"}]')
    assert worst == pytest.approx((100 * 1 + size * 2) / 1e6)
    assert f"{size} prompt bytes" in how


def test_an_unanswered_request_counts_at_its_worst_case(tmp_path: Path, catalog: Catalog) -> None:
    budget = Budget(1.0, tmp_path / "b.json", catalog.get, max_tokens=1000)
    budget.settle_unknown(budget.reserve("one-dollar", MESSAGES))
    budget.release(budget.reserve("one-dollar", MESSAGES))  # never reached the endpoint
    state = budget.state()
    assert state.assumed_usd == pytest.approx(0.001)
    assert state.spent_usd == 0 and state.reserved_usd == 0


def test_a_model_without_price_is_refused(tmp_path: Path, catalog: Catalog) -> None:
    budget = Budget(1.0, tmp_path / "b.json", catalog.get, max_tokens=1000)
    with pytest.raises(BudgetExceeded, match="no price is known for mystery"):
        budget.reserve("mystery", MESSAGES)
