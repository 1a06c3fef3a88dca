"""Keys out of every text that came from the network.

Applied where such text enters the run (the chat client: replies, error bodies, judge
replies), so everything downstream (outcomes, rows, reports, cassettes, logs) only ever
holds redacted text. Redaction alters nothing but secrets: a key shorter than
MIN_SECRET_CHARS (the dummy `x` of a local server) is not searched for inside text, where
it would match ordinary words; such keys only ever travel in a request header, which no
report or cassette stores.
"""

from __future__ import annotations

from typing import Iterable

MIN_SECRET_CHARS = 8
MARK = "[redacted]"


class Redactor:
    def __init__(self, secrets: Iterable[str | None] = ()) -> None:
        # Longest first, so a key that contains another is replaced whole.
        self._secrets = tuple(sorted({s for s in secrets if s and len(s) >= MIN_SECRET_CHARS},
                                     key=len, reverse=True))

    def __repr__(self) -> str:
        return f"Redactor({len(self._secrets)} secrets)"

    def __call__(self, text: str) -> str:
        for secret in self._secrets:
            if secret in text:
                text = text.replace(secret, MARK)
        return text
