"""Get the run's engines ready to grade: each one reached, swept of leftovers, given the
sandbox image (engine_image) and proven confined by the self-test before it grades. An
engine that fails any of this grades nothing: the run's grading is refused with an error
naming that engine and why."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from functools import partial
from pathlib import Path
from typing import Callable, TypeVar

from .confinement import confirm_confined
from .containers import Sandbox, SandboxError, sweep
from .engine_image import ensure_image
from .engine_spec import EngineSpec
from .engines import Engine, Engines
from .grader import Grader

T = TypeVar("T")


def open_engines(specs: tuple[EngineSpec, ...], image: str, buildable: bool, scratch: Path,
                 log: Callable[[str], None] = lambda line: None) -> tuple[Engines, str | None]:
    """The engines, ready, and the image's id (None when the engines' ids differ, as two
    separate builds give). `buildable`: the image is the bundled one, so an engine that
    lacks it and cannot load it from another builds it. SandboxError naming the engine."""
    sandboxes = [Sandbox(image, engine=spec.url) for spec in specs]
    results: list[tuple[str, Engine]] = []
    try:
        for spec, sandbox in zip(specs, sandboxes):
            _named(spec, partial(_sweep, sandbox))
        have = [(spec.label, sandbox.client) for spec, sandbox in zip(specs, sandboxes)
                if _named(spec, partial(_has, sandbox))]
        if not have and buildable:  # built once, then loaded into the others
            _named(specs[0], partial(ensure_image, sandboxes[0].client, image, specs[0].label,
                                     (), True, log))
            have = [(specs[0].label, sandboxes[0].client)]

        def ready(index: int) -> tuple[str, Engine]:
            spec, sandbox = specs[index], sandboxes[index]

            def prepare() -> tuple[str, Engine]:
                sources = [(label, client) for label, client in have if label != spec.label]
                ensure_image(sandbox.client, image, spec.label, sources, buildable, log)
                image_id = sandbox.check_image()
                directory = scratch / f"engine-{index}"
                directory.mkdir()
                # The tester and the answer hosts start while the self-test runs: no answer
                # reaches them before it passed.
                grader = Grader(sandbox, directory, workers=spec.workers, spares=spec.workers)
                try:
                    confirm_confined(sandbox, directory)
                except BaseException:
                    with suppress(Exception):  # the self-test's verdict is what to report
                        grader.close()
                    raise
                return image_id, Engine(spec.label, sandbox, grader, spec.workers)

            return _named(spec, prepare)

        with ThreadPoolExecutor(len(specs), "llmcode-engine-start") as pool:
            futures = [pool.submit(ready, i) for i in range(len(specs))]
        results = [f.result() for f in futures if f.exception() is None]
        failed = [error for f in futures if (error := f.exception()) is not None]
        if failed:
            raise failed[0]
    except BaseException:
        for _, engine in results:
            engine.close()
        for sandbox in sandboxes:
            sandbox.close()
        raise
    ids = {image_id for image_id, _ in results}
    return Engines([engine for _, engine in results]), ids.pop() if len(ids) == 1 else None


def _sweep(sandbox: Sandbox) -> int:
    return sweep(sandbox.client)


def _has(sandbox: Sandbox) -> bool:
    try:
        sandbox.check_image()
    except SandboxError:
        return False
    return True


def _named(spec: EngineSpec, step: Callable[[], T]) -> T:
    """Run a step; its SandboxError (or the transport's error: the engine went away
    meanwhile) then names the engine."""
    try:
        return step()
    except (SandboxError, OSError) as exc:
        if isinstance(exc, SandboxError) and str(exc).startswith(f"engine {spec.label}"):
            raise
        raise SandboxError(f"engine {spec.label}: {exc}") from None
