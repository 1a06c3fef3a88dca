"""`--llm-max-cost`: a run-wide spending limit in USD, shared by every process of the run.

Before each HTTP attempt the budget reserves the worst case that request could cost; the
request is sent only if what was spent, plus what is reserved for requests in flight, plus
that worst case stays within the limit. The first refusal stops the run's requests for good.

The worst case of one request:
- output: `max_tokens` x the output price when --llm-max-tokens is set (a bound, as long as
  the endpoint honours max_tokens); otherwise the largest completion seen so far in this
  run, and at least GUESS_TOKENS: an estimate, not a bound;
- input, only where an input price is known: the UTF-8 size of the messages in bytes (a
  token is at least one byte, so this bounds the prompt's tokens).

An attempt whose answer never came (timeout, dropped connection) is counted at its worst
case, since what the endpoint billed for it is unknown.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from ..catalog import Model
from .errors import BudgetExceeded
from .sharedstate import locked_json, read_json

GUESS_TOKENS = 4096


@dataclass(frozen=True)
class BudgetState:
    max_cost_usd: float
    spent_usd: float  # from the usage the endpoint reported
    assumed_usd: float  # worst cases of attempts that never got an answer
    reserved_usd: float  # worst cases of requests still in flight
    refused: int  # requests not sent because of the limit
    stopped: str | None  # why requests stopped, or None
    worst_case: str | None = None  # the worst case of the request that was refused

    def gate_failure(self) -> str | None:
        """The gate summary line when the budget stopped requests, else None."""
        if self.stopped is None:
            return None
        assumed = (f" (+ ${self.assumed_usd:.6f} assumed for requests never answered)"
                   if self.assumed_usd else "")
        return (f"max-cost: ${self.spent_usd:.6f} spent{assumed} of --llm-max-cost "
                f"${self.max_cost_usd:g}; {self.refused} requests were not sent because the "
                f"next could have exceeded it (worst case of one: {self.worst_case})")


class Budget:
    def __init__(
        self,
        max_cost_usd: float,
        ledger: Path,
        price_of: Callable[[str], Model],
        max_tokens: int | None,
        guess_tokens: int = GUESS_TOKENS,
        max_tokens_of: Callable[[str], int | None] | None = None,
    ) -> None:
        """max_tokens_of: a model's own max_tokens (its catalog params), where it differs
        from the run's."""
        self.max_cost_usd = max_cost_usd
        self.ledger = ledger
        self._price_of = price_of
        self._max_tokens_of = max_tokens_of or (lambda model: max_tokens)
        self._guess_tokens = guess_tokens

    def worst_case(self, model_id: str, messages: list[dict[str, str]], largest_seen: int
                   ) -> tuple[float | None, str]:
        """USD one request could cost at most (None if the model has no price), and how
        that figure was reached."""
        model = self._price_of(model_id)
        if model.output_per_m is None:
            return None, f"no price is known for {model_id}"
        max_tokens = self._max_tokens_of(model_id)
        if max_tokens is not None:
            tokens, why = max_tokens, "max_tokens"
        else:
            tokens = max(largest_seen, self._guess_tokens)
            why = "completion tokens (estimate: largest completion so far, at least " \
                  f"{self._guess_tokens})"
        usd = tokens * model.output_per_m / 1e6
        text = f"{tokens} {why} x ${model.output_per_m:g}/M"
        if model.input_per_m:
            size = len(json.dumps(messages, ensure_ascii=False).encode())
            usd += size * model.input_per_m / 1e6
            text += f" + {size} prompt bytes x ${model.input_per_m:g}/M"
        return usd, text

    def reserve(self, model_id: str, messages: list[dict[str, str]]) -> str:
        """Reserve the worst case of one request, or raise BudgetExceeded."""
        ticket = uuid.uuid4().hex
        with locked_json(self.ledger) as state:
            refusal = state.get("stopped")
            if refusal is None:
                worst, how = self.worst_case(model_id, messages,
                                             int(state.get("largest_completion", 0)))
                spent = float(state.get("spent", 0.0)) + float(state.get("assumed", 0.0))
                reserved = sum(state.get("reserved", {}).values())
                if worst is None or spent + reserved + worst > self.max_cost_usd + 1e-12:
                    next_one = (f"up to ${worst:.6f} ({how})" if worst is not None
                                else f"an unknown amount ({how})")
                    refusal = (
                        f"max-cost: the next request could exceed --llm-max-cost "
                        f"${self.max_cost_usd:g}: ${spent:.6f} spent, ${reserved:.6f} "
                        f"reserved for requests in flight, {next_one} for the next one "
                        f"({model_id}); no further requests are sent"
                    )
                    state["stopped"] = refusal
                    state["worst_case"] = next_one
                else:
                    state.setdefault("reserved", {})[ticket] = worst
            if refusal is not None:
                state["refused"] = int(state.get("refused", 0)) + 1
        if refusal is not None:
            raise BudgetExceeded(str(refusal), attempts=0)
        return ticket

    def settle(self, ticket: str, model_id: str, prompt_tokens: int, completion_tokens: int
               ) -> None:
        """The endpoint answered: replace the reservation with what it reported."""
        cost = self._price_of(model_id).cost(prompt_tokens, completion_tokens) or 0.0
        with locked_json(self.ledger) as state:
            state.get("reserved", {}).pop(ticket, None)
            state["spent"] = float(state.get("spent", 0.0)) + cost
            state["largest_completion"] = max(int(state.get("largest_completion", 0)),
                                              completion_tokens)

    def settle_unknown(self, ticket: str) -> None:
        """No answer ever came: what it cost is unknown, so its worst case stays spent."""
        with locked_json(self.ledger) as state:
            worst = state.get("reserved", {}).pop(ticket, 0.0)
            state["assumed"] = float(state.get("assumed", 0.0)) + float(worst)

    def release(self, ticket: str) -> None:
        """The request never reached the endpoint (connection refused)."""
        with locked_json(self.ledger) as state:
            state.get("reserved", {}).pop(ticket, None)

    def state(self) -> BudgetState:
        return budget_state(self.ledger, self.max_cost_usd)


def budget_state(ledger: Path, max_cost_usd: float) -> BudgetState:
    data: dict[str, Any] = read_json(ledger)
    return BudgetState(
        max_cost_usd=max_cost_usd,
        spent_usd=round(float(data.get("spent", 0.0)), 10),
        assumed_usd=round(float(data.get("assumed", 0.0)), 10),
        reserved_usd=round(sum(data.get("reserved", {}).values()), 10),
        refused=int(data.get("refused", 0)),
        stopped=data.get("stopped"),
        worst_case=data.get("worst_case"),
    )
