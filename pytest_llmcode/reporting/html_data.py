"""The HTML report's data: every item in full, as JSON the page's script reads.

Prompts repeat across models, so each distinct message list is stored once; extracted code
is usually a slice of the reply, and then stored as its place in the reply. The JSON is
embedded in a `<script type="application/json">` element, where the browser never runs
it; the characters that could end that element or start markup are written as JSON
escapes, so no reply can close it.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass
from typing import Any, Mapping
from urllib.parse import urlsplit

from .rows import Key, Row

# Row fields the page gets elsewhere (the case table, the prompt table) or does not show.
LEFT_OUT = {"case", "model", "messages", "language", "tags", "case_hash"}


@dataclass(frozen=True)
class RunInfo:
    """Where a report's rows came from: this run, or one of the JSON reports merged."""

    source: str
    endpoint: str | None = None
    started: str | None = None
    finished: str | None = None
    image: str | None = None
    record_mode: str | None = None
    interrupted: bool = False

    def as_json(self) -> dict[str, Any]:
        return {**asdict(self), "endpoint": shown_endpoint(self.endpoint)}


def shown_endpoint(url: str | None) -> str | None:
    """scheme://host[:port]/path: never a user name, password or query from the URL."""
    if not url:
        return None
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host += f":{parts.port}"
    return f"{parts.scheme}://{host}{parts.path}" if parts.scheme else host + parts.path


def item_anchor(row: Row) -> str:
    """The fragment that opens an item: #item/CASE/MODEL/SAMPLE, each part URL-encoded."""
    from urllib.parse import quote

    return "item/" + "/".join(quote(str(p), safe="") for p in (row.case, row.model, row.sample))


def payload(rows: list[Row], models: list[str], runs: list[RunInfo],
            run_of: Mapping[Key, int] | None = None, flips: Mapping[Key, str] | None = None,
            baseline: str | None = None) -> dict[str, Any]:
    """flips: `regression` or `fix` for the items whose outcome changed since `baseline`."""
    models = list(models) or list(dict.fromkeys(r.model for r in rows))
    flips = flips or {}
    by_case: dict[str, list[Row]] = {}
    for row in rows:
        by_case.setdefault(row.case, []).append(row)
    case_index = {name: i for i, name in enumerate(sorted(by_case))}
    cases = []
    for name in case_index:
        # Rows of items that never ran may lack the case's language and tags.
        language = next((r.language for r in by_case[name] if r.language), None)
        tags = next((list(r.tags) for r in by_case[name] if r.tags), [])
        cases.append({"name": name, "language": language, "tags": tags})
    model_index = {m: i for i, m in enumerate(models)}
    prompts: list[list[dict[str, str]]] = []
    prompt_index: dict[str, int] = {}
    items = []
    for row in rows:
        item = {k: _finite(v) for k, v in asdict(row).items()
                if k not in LEFT_OUT and v is not None and v != [] and v != ""}
        item["c"] = case_index[row.case]
        if row.model not in model_index:
            model_index[row.model] = len(models)
            models.append(row.model)
        item["m"] = model_index[row.model]
        item["run"] = (run_of or {}).get(row.key, 0)
        item["anchor"] = item_anchor(row)
        if row.messages:
            key = json.dumps(row.messages, sort_keys=True)
            if key not in prompt_index:
                prompt_index[key] = len(prompts)
                prompts.append(row.messages)
            item["prompt"] = prompt_index[key]
        if row.key in flips:
            item["flip"] = flips[row.key]
        at = row.reply.find(row.code) if row.reply and row.code else -1
        if at >= 0 and row.code:
            # The code is part of the reply (a fenced block): stored once, as its place there.
            del item["code"]
            item["code_at"] = [at, at + len(row.code)]
        items.append(item)
    return {"models": models, "cases": cases, "runs": [r.as_json() for r in runs],
            "prompts": prompts, "items": items, "baseline": baseline}


def _finite(value: Any) -> Any:
    """JSON has no NaN or infinity: such a figure is shown as missing."""
    return None if isinstance(value, float) and not math.isfinite(value) else value


def embed(data: object) -> str:
    """JSON safe inside a <script> element: no `<`, `>` or `&` as themselves (so no
    `</script>` or `<!--`), and no U+2028/U+2029."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))
