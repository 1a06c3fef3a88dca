"""The run's grading volume, made on the engine when first needed and removed at the end:
the tester and the answer hosts share it; the host never mounts or reads it."""

from __future__ import annotations

import threading

from .containers import Sandbox


class Volume:
    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox
        self._name: str | None = None
        self._lock = threading.Lock()

    def name(self) -> str:
        with self._lock:
            if self._name is None:
                self._name = self.sandbox.create_volume()
            return self._name

    def remove(self) -> None:
        """Once no container uses it any more."""
        with self._lock:
            if self._name is not None:
                self.sandbox.remove_volume(self._name)
                self._name = None
