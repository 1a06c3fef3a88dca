"""Make text that came out of a container safe to show in a terminal or a CI log."""

from __future__ import annotations

import re

ANSI = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[@-Z\\-_])")
# C0 controls but tab and newline, DEL, and the C1 controls (U+0080-U+009F: U+009B is a
# one-character CSI, U+009D an OSC, for terminals that honour 8-bit controls).
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# GitHub Actions / Azure workflow commands are honoured at the start of a line.
CI_COMMAND = re.compile(r"^(\s*)(::|##\[|##vso\[)", re.M)


def sanitize(text: str, limit: int = 4000) -> str:
    text = ANSI.sub("", text)
    text = CONTROL.sub("", text)
    text = CI_COMMAND.sub(lambda m: m.group(1) + "[ci-command] " + m.group(2).lstrip(":#"), text)
    if len(text) > limit:
        text = "[...]\n" + text[-limit:]
    return text
