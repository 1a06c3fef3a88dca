"""Record and replay: one reviewable YAML file per case x model x sample, keyed on the
full request (endpoint, model, messages, parameters).

Modes, in the spirit of pytest-recording:
- none: never call the API; replay what matches, fail an item whose cassette is missing or
  differs (the default when the environment variable CI is set);
- once: replay what matches, record what is missing, fail on a cassette that differs (the
  default otherwise);
- new: replay what matches, record what is missing or differs;
- all: call the API for every item and re-record.

A cassette holds the request and the answer, never a header: no key or token reaches it.
Its text was redacted where it entered the run (the chat client) and is redacted again on
writing; every cassette written is read back and compared before the answer is used.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ..cases import EvalCase
from ..files import write_atomic
from .completion import Completion
from .endpoints import endpoint_key
from .redact import Redactor
from .tally import Spend

__all__ = ["Cassettes", "Lookup", "Recording", "endpoint_key", "load", "dump", "now"]

MODES = ("none", "once", "new", "all")
FORMAT = 1
UNSAFE = re.compile(r"[^A-Za-z0-9_.-]+")


@dataclass(frozen=True)
class Recording:
    request: dict[str, Any]  # endpoint, model, messages, params
    answered_by: str  # the model that answered: the item's own or a fallback
    served_model: str  # what the endpoint said it served
    text: str
    latency_s: float
    spend: Spend  # what the answer cost when it was recorded (fallback attempts included)
    recorded_at: str
    fallback_errors: tuple[str, ...] = ()
    endpoint: str = ""  # the endpoint that answered (a fallback's may differ from the request's)
    finish_reason: str | None = None
    reasoning_tokens: int = 0

    def completion(self) -> Completion:
        return Completion(
            self.text, self.served_model, self.spend.prompt_tokens,
            self.spend.completion_tokens, self.latency_s, attempts=0,
            finish_reason=self.finish_reason, reasoning_tokens=self.reasoning_tokens,
            endpoint=self.endpoint or str(self.request.get("endpoint") or ""),
        )


@dataclass(frozen=True)
class Lookup:
    """Replay `recording`; or fail with `miss`; or, with neither, call the API and record."""

    recording: Recording | None = None
    miss: str | None = None


class Cassettes:
    def __init__(self, mode: str, directory: Path | None, redact: Redactor | None = None
                 ) -> None:
        if mode not in MODES:
            raise ValueError(f"record mode {mode!r} is not one of {', '.join(MODES)}")
        self.mode = mode
        self.directory = directory
        self._redact = redact or Redactor()

    def where(self) -> str:
        return str(self.directory) if self.directory else ".cassettes/ next to each case"

    def path(self, case: EvalCase, model: str, sample: int) -> Path:
        name = f"{UNSAFE.sub('_', model)}-s{sample}.yaml"
        if self.directory is None:
            return case.cassette_dir / name
        return self.directory / UNSAFE.sub("_", case.name) / name

    def lookup(self, path: Path, request: dict[str, Any], fallbacks: tuple[str, ...]) -> Lookup:
        if self.mode == "all":
            return Lookup()
        if not path.is_file():
            if self.mode == "none":
                return Lookup(miss=(
                    f"no recorded answer: cassette {path} is missing (record mode none never "
                    "calls the API; record it with --llm-record-mode=once and commit it)"
                ))
            return Lookup()
        try:
            recording = load(path)
        except (OSError, ValueError) as exc:
            if self.mode == "new":
                return Lookup()
            return Lookup(miss=(f"cassette {path} is unreadable: {exc}; re-record it with "
                                "--llm-record-mode=new (or delete it)"))
        difference = first_difference(recording.request, request)
        if difference is None and recording.answered_by != request["model"] \
                and recording.answered_by not in fallbacks:
            difference = (
                f"the recorded answer came from fallback {recording.answered_by}, which is "
                f"not a fallback of {request['model']} in this run"
            )
        if difference is None:
            return Lookup(recording=recording)
        if self.mode == "new":
            return Lookup()
        return Lookup(miss=(
            f"cassette {path} does not match this request: {difference}; re-record it with "
            "--llm-record-mode=new"
        ))

    def save(self, path: Path, recording: Recording, title: str) -> None:
        """Write the cassette and read it back: raises ValueError when what was written
        would not replay as written (the file is then removed)."""
        header = (f"# pytest-llmcode cassette: {title}\n"
                  "# Review it like code; re-record with --llm-record-mode=new.\n")
        text = self._redact(header + dump(recording))
        write_atomic(path, text)
        try:
            same = header + dump(load(path)) == text
            problem = "" if same else "its content changed on the way"
        except ValueError as exc:
            problem = str(exc)
        if problem:
            path.unlink(missing_ok=True)
            raise ValueError(f"cassette {path} did not read back as written: {problem}")


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def dump(recording: Recording) -> str:
    import yaml

    class Dumper(yaml.SafeDumper):
        pass

    def string(dumper: yaml.SafeDumper, data: str) -> yaml.ScalarNode:
        # Multi-line text (prompts, answers) as literal blocks, so a diff reads like code.
        # PyYAML quotes instead wherever a block could not represent the text exactly.
        return dumper.represent_scalar("tag:yaml.org,2002:str", data,
                                       style="|" if "\n" in data else None)

    Dumper.add_representer(str, string)
    data = {
        "format": FORMAT,
        "recorded_at": recording.recorded_at,
        "request": recording.request,
        "answer": {
            "answered_by": recording.answered_by,
            "served_model": recording.served_model,
            "latency_s": round(recording.latency_s, 4),
            "endpoint": recording.endpoint,
            "finish_reason": recording.finish_reason,
            "reasoning_tokens": recording.reasoning_tokens,
            "text": recording.text,
        },
        "usage": asdict(recording.spend),
        "fallback_errors": list(recording.fallback_errors),
    }
    return str(yaml.dump(data, Dumper=Dumper, sort_keys=False, allow_unicode=True, width=100))


def load(path: Path) -> Recording:
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ValueError(f"not valid YAML: {exc}") from None
    try:
        if data["format"] != FORMAT:
            raise ValueError(f"format {data['format']!r}, expected {FORMAT}")
        answer, usage = data["answer"], data["usage"]
        return Recording(
            request=dict(data["request"]),
            answered_by=str(answer["answered_by"]),
            served_model=str(answer["served_model"]),
            text=str(answer["text"]),
            latency_s=float(answer["latency_s"]),
            spend=Spend(**usage),
            recorded_at=str(data["recorded_at"]),
            fallback_errors=tuple(str(e) for e in data.get("fallback_errors") or ()),
            endpoint=str(answer.get("endpoint") or ""),
            finish_reason=(str(answer["finish_reason"]) if answer.get("finish_reason")
                           else None),
            reasoning_tokens=int(answer.get("reasoning_tokens") or 0),
        )
    except (KeyError, TypeError) as exc:
        raise ValueError(f"not a pytest-llmcode cassette (missing or bad {exc})") from None


def first_difference(recorded: object, current: object, where: str = "") -> str | None:
    """The first field where the recorded request and this one differ, described."""
    label = where or "the request"
    if isinstance(recorded, dict) and isinstance(current, dict):
        for key in sorted(set(recorded) | set(current), key=str):
            field = f"{where}.{key}" if where else str(key)
            if key not in recorded:
                return f"{field} is new (the cassette has no {field})"
            if key not in current:
                return f"{field} was recorded but is not in this request"
            found = first_difference(recorded[key], current[key], field)
            if found:
                return found
        return None
    if isinstance(recorded, list) and isinstance(current, list):
        for index, (old, new) in enumerate(zip(recorded, current)):
            found = first_difference(old, new, f"{where}[{index}]")
            if found:
                return found
        if len(recorded) != len(current):
            return f"{label} has {len(current)} entries, the cassette {len(recorded)}"
        return None
    if type(recorded) is not type(current) and not (
        isinstance(recorded, (int, float)) and isinstance(current, (int, float))
        and not isinstance(recorded, bool) and not isinstance(current, bool)
    ):
        return f"{label} differs: recorded {_short(recorded)}, now {_short(current)}"
    if recorded != current:
        if isinstance(recorded, str) and isinstance(current, str) and (
            len(repr(recorded)) > 60 or len(repr(current)) > 60
        ):
            at = next((i for i, (a, b) in enumerate(zip(recorded, current)) if a != b),
                      min(len(recorded), len(current)))
            return (f"{label} differs from character {at}: recorded "
                    f"{_short(recorded[max(at - 20, 0):])}, "
                    f"now {_short(current[max(at - 20, 0):])}")
        return f"{label} differs: recorded {_short(recorded)}, now {_short(current)}"
    return None


def _short(value: object, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "..."
