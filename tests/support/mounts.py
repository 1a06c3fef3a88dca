"""What an engine mounts into the containers grading creates there: each `llmcode`
container inspected as the engine creates it, for tests that prove nothing of this
machine's file system is mounted into any (issue 17)."""

from __future__ import annotations

import threading
from types import TracebackType
from typing import Any

from pytest_llmcode.grading.containers import LABEL


class CreatedContainers:
    """Inspects every llmcode container created on the engine of `client` while the block
    runs; `of(pid)` gives those of one owner process (None: gone before inspection)."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self.seen: list[tuple[str, dict[str, Any] | None]] = []  # (owner pid, inspected)
        self._events = client.api.events(decode=True, filters={
            "type": "container", "event": "create", "label": LABEL})
        self._watcher = threading.Thread(target=self._inspect_each, daemon=True)

    def __enter__(self) -> CreatedContainers:
        self._watcher.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self._events.close()
        self._watcher.join(10)

    def _inspect_each(self) -> None:
        for event in self._events:
            owner = event.get("Actor", {}).get("Attributes", {}).get(f"{LABEL}.pid", "")
            try:
                self.seen.append((owner, self.client.api.inspect_container(event["id"])))
            except Exception:  # noqa: BLE001 - gone already: recorded as uninspectable
                self.seen.append((owner, None))

    def of(self, pid: int) -> list[dict[str, Any] | None]:
        return [c for owner, c in self.seen if owner == str(pid)]


def assert_no_host_mounts(inspected: list[dict[str, Any] | None]) -> set[str]:
    """Every container was inspected and mounts only volumes of the engine (and tmpfs);
    returns the names of those volumes."""
    mine = [c for c in inspected if c is not None]
    assert len(mine) == len(inspected), "a container was gone before it could be inspected"
    for container in mine:
        assert not container["HostConfig"].get("Binds"), container["HostConfig"]["Binds"]
        assert {m["Type"] for m in container["Mounts"]} <= {"volume"}, container["Mounts"]
        assert {m["Type"] for m in container["HostConfig"].get("Mounts") or []} <= {"volume"}
    return {m["Name"] for c in mine for m in c["Mounts"]}
