"""Code extraction: find the answer's code in a model's reply.

Everything here is linear in the reply: fences are found by one pass over its lines, the
reasoning of reasoning models by plain substring search, and the "looks like code" test
by patterns that cannot backtrack. A reply longer than MAX_REPLY_CHARS is not searched
at all (the caller fails the item and says so).
"""

from __future__ import annotations

import functools
import re

MAX_REPLY_CHARS = 1_000_000

LANGUAGE_TAGS = {
    "python": {"python", "py", "python3"},
    "javascript": {"javascript", "js", "node", "nodejs", "cjs", "mjs"},
    "typescript": {"typescript", "ts"},
    "go": {"go", "golang"},
}

# Lines that only a real program has; used when a reply has no fence at all. Each pattern
# is anchored to a line start by [ \t]* (never \s*, which would rescan the following lines
# from every line start) and its repeated parts are followed by characters they cannot
# match, so a failed match gives up after one step.
MARKER_WORDS = {  # a reply without any of these cannot match its language's pattern
    "python": ("def ", "class ", "import "),
    "javascript": ("module.exports", "require(", "function", "=>"),
    "typescript": ("export ", "function ", "interface ", "type "),
    "go": ("package ",),
}
CODE_MARKERS = {
    "python": re.compile(r"^[ \t]*(?:def |class |import |from [^ \t\n]+ import )", re.M),
    "javascript": re.compile(
        r"module\.exports|require\(|function[ \t]+[A-Za-z_$][\w$]*[ \t]*\(|=>"
    ),
    "typescript": re.compile(r"^[ \t]*(?:export |function |interface |type \w+ =)", re.M),
    "go": re.compile(r"^[ \t]*package \w+", re.M),
}

# Reasoning models write their thinking before the answer; it is never graded.
THINK_TAGS = (("<think>", "</think>"), ("<thinking>", "</thinking>"))


def without_reasoning(reply: str) -> str:
    """The reply after its reasoning block: the text after the last closing tag (some
    servers strip the opening one); a reply that opens a block and never closes it holds
    nothing but reasoning."""
    for opening, closing in THINK_TAGS:
        end = reply.rfind(closing)
        if end >= 0:
            return reply[end + len(closing):]
        if reply.lstrip().startswith(opening):
            return ""
    return reply


# A line that starts a fence: three backticks or tildes after blanks. The rest of the line
# is read in Python; `[ \t]*` is followed by what it cannot match, so a failed match costs
# one pass over its line's blanks.
FENCE_START = re.compile(r"^[ \t]*([`~])\1\1", re.M)


@functools.lru_cache(maxsize=64)
def _closing(char: str, length: int) -> re.Pattern[str]:
    return re.compile(rf"^[ \t]*{re.escape(char)}{{{length},}}[ \t\r]*$", re.M)


def fenced_blocks(reply: str) -> list[tuple[str, str]]:
    """(tag, body) of every fenced block. The regular expressions' own scan (in C, linear)
    finds each opening fence and then its closing one, so only fence lines cost Python
    steps. A block closes at a line of the same fence character, at least as long as its
    opening fence; a block never closed runs to the end of the reply (as in CommonMark)."""
    blocks: list[tuple[str, str]] = []
    if "```" not in reply and "~~~" not in reply:
        return blocks
    position = 0
    while True:
        start = FENCE_START.search(reply, position)
        if start is None:
            return blocks
        line_end = reply.find("\n", start.end())
        line_end = len(reply) if line_end < 0 else line_end
        opened = _opening_fence(reply[start.start():line_end].strip(" \t\r"))
        if opened is None:
            position = line_end + 1
            continue
        fence, tag = opened
        closing = _closing(fence[0], len(fence)).search(reply, line_end + 1)
        if closing is None:
            body = reply[line_end + 1:]
            blocks.append((tag, body if not body or body.endswith("\n") else body + "\n"))
            return blocks
        blocks.append((tag, reply[line_end + 1:closing.start()]))
        position = closing.end() + 1


def _opening_fence(stripped: str) -> tuple[str, str] | None:
    char = stripped[0]
    length = len(stripped) - len(stripped.lstrip(char))
    info = stripped[length:].strip()
    if char == "`" and "`" in info:
        return None
    return char * length, info.lower().split(" ")[0] if info else ""


def extract_code(reply: str, language: str) -> str | None:
    """The code of the reply, or None when it holds no usable code.

    Reasoning (`<think>...</think>`) is dropped first. Fenced blocks tagged with the case's
    language win; then untagged ones; of those the longest (a reply often shows a short
    usage example next to the solution). A reply with no fence counts as code only when
    it looks like a program in that language.
    """
    if len(reply) > MAX_REPLY_CHARS:
        return None
    return find_code(reply, language)


def find_code(reply: str, language: str) -> str | None:
    """extract_code without the size cap."""
    reply = without_reasoning(reply)
    blocks = fenced_blocks(reply)
    tags = LANGUAGE_TAGS[language]
    for wanted in (lambda t: t in tags, lambda t: t == ""):
        chosen = [body for tag, body in blocks if wanted(tag)]
        if chosen:
            code = max(chosen, key=len)
            return code if code.strip() else None
    if blocks:
        return None
    stripped = reply.strip()
    if any(word in stripped for word in MARKER_WORDS[language]) \
            and CODE_MARKERS[language].search(stripped):
        return stripped + "\n"
    return None
