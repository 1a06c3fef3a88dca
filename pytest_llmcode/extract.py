"""Code extraction: find the answer's code in a model's reply."""

from __future__ import annotations

import re

FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})[ \t]*([^\n`]*)\n(.*?)^[ \t]*\1[ \t]*$", re.M | re.S)

LANGUAGE_TAGS = {
    "python": {"python", "py", "python3"},
    "javascript": {"javascript", "js", "node", "nodejs", "cjs", "mjs"},
    "typescript": {"typescript", "ts"},
    "go": {"go", "golang"},
}

# Lines that only a real program has; used when a reply has no fence at all.
CODE_MARKERS = {
    "python": re.compile(r"^\s*(def |class |import |from \S+ import )", re.M),
    "javascript": re.compile(r"(module\.exports|require\(|function\s+\w+\s*\(|=>)"),
    "typescript": re.compile(r"^\s*(export |function |interface |type \w+ =)", re.M),
    "go": re.compile(r"^\s*package \w+", re.M),
}


def extract_code(reply: str, language: str) -> str | None:
    """The code of the reply, or None when it holds no usable code.

    Fenced blocks tagged with the case's language win; then untagged ones; of those the
    longest (a reply often shows a short usage example next to the solution). A reply
    with no fence counts as code only when it looks like a program in that language.
    """
    blocks = [(tag.strip().lower().split(" ")[0], body) for _, tag, body in FENCE.findall(reply)]
    tags = LANGUAGE_TAGS[language]
    for wanted in (lambda t: t in tags, lambda t: t == ""):
        chosen = [body for tag, body in blocks if wanted(tag)]
        if chosen:
            code = max(chosen, key=len)
            return code if code.strip() else None
    if blocks:
        return None
    stripped = reply.strip()
    if stripped and CODE_MARKERS[language].search(stripped):
        return stripped + "\n"
    return None
