"""Several Docker engines at once: each grading goes to an engine with a free worker; an
engine that is gone mid-run is taken out and the gradings it had in flight are graded again
on another. Each engine is one Grader with its own answer hosts and tester.

An engine is gone when a grading on it ends without a verdict (an error, or a crash of the
grading) and the engine then cannot start a container (it does not answer, or it answers
but is shutting down); or when a grading ends failed and the engine then does not answer a
ping (an engine that stops kills the answer's container, and a test may see that first).
That grading is then done again on another engine. A grading's outcome on an engine that
works stands, as on one engine. Only when no engine is left is the outcome an
infrastructure error; an engine's failure is never an answer's."""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace

from ..cases import EvalCase
from ..status import ERROR, FAILED
from .containers import Sandbox
from .grade import Grade
from .grader import Grader

PROBE_S = 10.0


@dataclass
class Engine:
    label: str  # its URL without credentials: what reports show
    sandbox: Sandbox
    grader: Grader
    workers: int
    busy: int = 0
    gone: str | None = None  # why it was taken out

    def answers(self) -> bool:
        try:
            self.sandbox.client.ping()
        except Exception:  # noqa: BLE001 - whatever the transport says, it is not there
            return False
        return True

    def works(self) -> bool:
        """It answers and starts a container: a stopping engine answers pings for a while
        but starts nothing."""
        if not self.answers():
            return False
        try:
            self.sandbox.remove(self.sandbox.start(["true"], [], {}, PROBE_S))
        except Exception:  # noqa: BLE001 - SandboxError, or the transport's own
            return False
        return True

    def close(self) -> None:
        """Remove what this process started there; an engine that is gone keeps nothing
        of ours past its restart (the engine removes auto-remove containers then)."""
        try:
            self.grader.close()
        except Exception:  # noqa: BLE001 - its engine may be gone
            pass
        try:
            self.sandbox.close()
        except Exception:  # noqa: BLE001
            pass


class Engines:
    def __init__(self, engines: list[Engine]) -> None:
        self.engines = engines
        self._free = threading.Condition()

    @property
    def workers(self) -> int:
        return sum(e.workers for e in self.engines)

    def grade(self, case: EvalCase, code: str, expected_ids: frozenset[str] | None) -> Grade:
        while True:
            engine = self._take()
            if engine is None:
                gone = "; ".join(f"{e.label}: {e.gone}" for e in self.engines)
                return Grade(ERROR, f"no Docker engine is left to grade on ({gone})")
            crash: Exception | None = None
            try:
                grade = engine.grader.grade(case, code, expected_ids)
            except Exception as exc:  # noqa: BLE001 - a dead engine's transport error, say
                grade, crash = Grade(ERROR, f"grading crashed: {exc!r}"), exc
            finally:
                self._give_back(engine)
            if grade.verdict == ERROR and not engine.works() or (
                    grade.verdict == FAILED and not engine.answers()):
                self._take_out(engine, grade.message if crash is None else repr(crash))
                continue
            return replace(grade, engine=engine.label)

    def close(self) -> None:
        for engine in self.engines:
            engine.close()

    def _take(self) -> Engine | None:
        """The engine with the most of its workers free, once one has a free worker; None
        when every engine is gone."""
        with self._free:
            while True:
                live = [e for e in self.engines if e.gone is None]
                if not live:
                    return None
                free = [e for e in live if e.busy < e.workers]
                if free:
                    engine = min(free, key=lambda e: e.busy / e.workers)
                    engine.busy += 1
                    return engine
                self._free.wait()

    def _give_back(self, engine: Engine) -> None:
        with self._free:
            engine.busy -= 1
            self._free.notify_all()

    def _take_out(self, engine: Engine, why: str) -> None:
        with self._free:
            if engine.gone is None:
                engine.gone = f"taken out mid-run: it stopped answering ({why[:300]})"
            self._free.notify_all()
