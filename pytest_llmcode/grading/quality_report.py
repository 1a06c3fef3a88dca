"""The host's reading of the sandbox's static quality measure (runners/quality.py).

What the container wrote is untrusted: numbers are clamped to 0..10, text is sanitized and
bounded, anything malformed reads as "not measured" with a reason.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..sanitize import sanitize

MAX_FINDINGS = 20


@dataclass(frozen=True)
class Quality:
    quality: float | None  # 0..10, None when not measured
    documentation: float | None  # 0..10, None when not measured
    findings: tuple[str, ...] = ()
    finding_count: int = 0
    public: int = 0
    documented: int = 0
    tools: tuple[str, ...] = ()
    undocumented: tuple[str, ...] = ()
    error: str | None = None  # why it was not measured

    @property
    def measured(self) -> bool:
        return self.quality is not None and self.documentation is not None

    def summary(self, limit: int = 1000) -> str | None:
        """What cost points, in one line for a report: the first findings and the public
        definitions without a doc comment."""
        if not self.measured:
            return self.error
        parts = list(self.findings[:5])
        if self.undocumented:
            parts.append("no doc comment: " + ", ".join(self.undocumented))
        text = "; ".join(parts)
        return text[:limit] or None


def read_quality(raw: object) -> Quality:
    if raw is None:
        return Quality(None, None, error="the sandbox runner reported no quality measure")
    if not isinstance(raw, dict):
        return Quality(None, None, error="malformed quality measure")
    if "error" in raw:
        return Quality(None, None, error=sanitize(str(raw["error"]), 500))
    quality = _score(raw.get("quality"))
    documentation = _score(raw.get("documentation"))
    if quality is None or documentation is None:
        return Quality(None, None, error="malformed quality measure")
    details = raw.get("details")
    details = details if isinstance(details, dict) else {}
    findings = details.get("findings")
    tools = details.get("tools")
    undocumented = details.get("undocumented")
    return Quality(
        quality,
        documentation,
        tuple(sanitize(str(f), 300) for f in findings[:MAX_FINDINGS])
        if isinstance(findings, list) else (),
        _count(details.get("finding_count")),
        _count(details.get("public")),
        _count(details.get("documented")),
        tuple(sanitize(str(t), 100) for t in tools[:10]) if isinstance(tools, list) else (),
        tuple(sanitize(str(n), 100) for n in undocumented[:MAX_FINDINGS])
        if isinstance(undocumented, list) else (),
    )


def _score(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if not math.isfinite(value):
        return None
    return min(max(float(value), 0.0), 10.0)


def _count(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        return 0
    return min(max(value, 0), 1_000_000)
