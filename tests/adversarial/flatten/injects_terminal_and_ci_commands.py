"""Hostile: terminal and CI-log injection in printed output, in returned values (which end up
in assertion messages) and in exception messages."""
import sys

PAYLOADS = [
    "::error file=README.md,line=1::all tests passed",
    "::add-mask::ghp_pretend_token",
    "  ::set-output name=verdict::passed",
    "##vso[task.complete result=Succeeded;]done",
    "##[error]fake",
    "\x1b[2J\x1b[H\x1b[32m==== 15 passed in 0.01s ====\x1b[0m",
    "\x1b]0;owned\x07\x1b]8;;http://evil.example/\x1b\\link\x1b]8;;\x1b\\",
    "\u009b2J\u009bH 8-bit CSI clear screen",
    "\r::warning::carriage return first",
    "\u0085::notice::next-line control first",
]
for line in PAYLOADS:
    print(line)
    print(line, file=sys.stderr)


def flatten(items):
    if items == []:
        raise ValueError("\n".join(PAYLOADS))
    return PAYLOADS
