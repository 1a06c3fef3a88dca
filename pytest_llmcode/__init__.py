"""pytest-llmcode: measure how well LLMs write code, as ordinary pytest items.

The public API is what `__all__` lists; it is imported lazily so that an installed plugin
costs nothing in a run that does not evaluate models.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_EXPORTS = {
    "ApiError": "api.errors",
    "ChatClient": "api.client",
    "ClientSettings": "api.client",
    "Completion": "api.completion",
    "CaseError": "cases",
    "EvalCase": "cases",
    "load_case": "cases",
    "Catalog": "catalog",
    "Model": "catalog",
    "extract_code": "extract",
    "Grade": "grading.grade",
    "Grader": "grading.grader",
    "Outcome": "outcome",
    "ItemScore": "scoring.score",
    "score_item": "scoring.score",
    "pass_at_k": "scoring.stats",
    "wilson_interval": "scoring.stats",
}

__all__ = ["__version__", *sorted(_EXPORTS)]


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
