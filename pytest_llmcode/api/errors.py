"""Why the endpoint gave no answer: infrastructure errors, never the model's fault."""

from __future__ import annotations


class ApiError(Exception):
    """The endpoint could not give an answer: an infrastructure error, not the model's fault."""

    def __init__(
        self, message: str, status: int | None = None, attempts: int = 1, waited_s: float = 0.0
    ) -> None:
        super().__init__(message)
        self.status = status
        self.attempts = attempts
        self.waited_s = waited_s


class Interrupted(ApiError):
    """The run is ending: the request was not sent, or its answer was abandoned."""


class BudgetExceeded(ApiError):
    """The next request could exceed --llm-max-cost: it was not sent."""
