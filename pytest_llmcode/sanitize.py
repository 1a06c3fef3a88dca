"""Make text that came out of a container (or off the network) safe to show in a terminal
or a CI log."""

from __future__ import annotations

import re

ANSI = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[@-Z\\-_])")
# C0 controls but tab and newline, DEL, and the C1 controls (U+0080-U+009F: U+009B is a
# one-character CSI, U+009D an OSC, for terminals that honour 8-bit controls).
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# CI log commands. Honoured at the start of a line: GitHub Actions workflow commands
# (`::error::`, `::add-mask::`, `::stop-commands::`), Azure Pipelines formatting commands
# (`##[group]`, `##[error]`), GitLab collapsible sections (`section_start:`, `section_end:`),
# Buildkite's group expansion (`^^^ +++`) and Travis CI's folds (`travis_fold:`). Found
# anywhere in a line by their agents: Azure Pipelines logging commands (`##vso[`) and
# TeamCity service messages (`##teamcity[`).
CI_LINE_START = re.compile(
    r"^([ \t]*)(::|##\[|section_start:|section_end:|\^\^\^ \+\+\+|travis_(?:fold|time):)",
    re.M | re.I,
)
CI_ANYWHERE = re.compile(r"##(vso|teamcity)\[", re.I)
MARK = "[ci-command] "


def sanitize(text: str, limit: int = 4000) -> str:
    text = ANSI.sub("", text)
    text = CONTROL.sub("", text)
    text = neutralize_ci_commands(text)
    if len(text) > limit:
        text = "[...]\n" + text[-limit:]
    return text


def neutralize_ci_commands(text: str) -> str:
    """Every CI log command of the CIs above made inert, its text kept readable: the
    marker takes the place of the prefix that makes it a command (`::error::x` shows as
    `[ci-command] error::x`, `##vso[task.setvariable]` as `[ci-command] vso[task...`)."""
    text = CI_ANYWHERE.sub(lambda m: MARK + m.group(1) + "[", text)
    return CI_LINE_START.sub(lambda m: m.group(1) + MARK + m.group(2).lstrip(":#"), text)
