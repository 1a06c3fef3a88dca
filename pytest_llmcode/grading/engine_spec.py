"""Which Docker engines grade, and with how many workers each: `--llm-docker-hosts` read
into specs, each engine's workers shared out among pytest-xdist workers, and an engine's
URL as reports show it (never a user name or password). Imports nothing heavy."""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from urllib.parse import urlsplit

SCHEMES = ("unix", "tcp", "ssh", "http", "https")
LOCAL_ENGINE = "unix:///var/run/docker.sock"


class EngineSpecError(ValueError):
    """A bad --llm-docker-hosts value; the message names the entry and what to write."""


@dataclass(frozen=True)
class EngineSpec:
    url: str | None  # None: the engine DOCKER_HOST names, else the local one
    workers: int  # gradings at once on this engine, by this process

    @property
    def label(self) -> str:
        return shown_engine(self.url or os.environ.get("DOCKER_HOST") or LOCAL_ENGINE)


def shown_engine(url: str) -> str:
    """scheme://host[:port]/path: the URL without user name, password or query."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host += f":{parts.port}"
    return f"{parts.scheme}://{host}{parts.path}"


def parse_hosts(text: str, default_workers: int) -> tuple[EngineSpec, ...]:
    """`URL[=WORKERS],...`; an entry without WORKERS gets `default_workers`."""
    specs: list[EngineSpec] = []
    for entry in (e.strip() for e in text.split(",")):
        if not entry:
            continue
        url, sep, count = entry.rpartition("=")
        if not sep:
            url, count = entry, ""
        elif not count.strip().isdigit():
            raise EngineSpecError(
                f"--llm-docker-hosts: {entry!r}: the engine's WORKERS, after '=', must be a "
                "whole number, e.g. tcp://10.0.0.5:2376=4"
            )
        url = url.strip()
        parts = urlsplit(url)
        if parts.scheme not in SCHEMES or not (parts.netloc or parts.path) or not _port_ok(url):
            raise EngineSpecError(
                f"--llm-docker-hosts: {entry!r} is not an engine URL; write URL[=WORKERS], "
                "e.g. unix:///var/run/docker.sock=2,tcp://10.0.0.5:2376=8,ssh://me@builder"
            )
        workers = int(count) if count else default_workers
        if workers < 1:
            raise EngineSpecError(
                f"--llm-docker-hosts: {entry!r} gives the engine {workers} workers; give at "
                "least 1, or leave the engine out"
            )
        if any(shown_engine(s.url or "") == shown_engine(url) for s in specs):
            raise EngineSpecError(f"--llm-docker-hosts: {shown_engine(url)} is listed twice")
        specs.append(EngineSpec(url, workers))
    if not specs:
        raise EngineSpecError("--llm-docker-hosts: no engine given; write URL[=WORKERS],...")
    return tuple(specs)


def _port_ok(url: str) -> bool:
    try:
        port = urlsplit(url).port  # ValueError when it is not a number
    except ValueError:
        return False
    return port is None or port > 0


def share(specs: tuple[EngineSpec, ...], index: int, count: int) -> tuple[EngineSpec, ...]:
    """This process's part of every engine's workers when `count` processes (pytest-xdist
    workers; this one is `index`) share them: the engines' worker slots dealt out in turn,
    so together the processes never run more gradings on an engine than it was given.
    A process dealt no slot at all gets one, on an engine chosen by its index."""
    if count <= 1:
        return specs
    slots = [i for i, spec in enumerate(specs) for _ in range(spec.workers)]
    mine = [engine for n, engine in enumerate(slots) if n % count == index]
    if not mine:
        mine = [slots[index % len(slots)]]
    return tuple(replace(spec, workers=mine.count(i)) for i, spec in enumerate(specs)
                 if mine.count(i))
