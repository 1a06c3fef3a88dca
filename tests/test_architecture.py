"""The package's layout holds: one room per stage, lower rooms never import higher ones,
no import cycles, and an installed plugin costs nothing in a run without --llm-models."""

from __future__ import annotations

import ast
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "pytest_llmcode"
RUNNERS = PACKAGE / "grading" / "container"

# Each layer may import only the layers listed for it (and itself).
BASE = {"status", "files", "sanitize", "catalog", "cases", "extract", "signals", "__init__"}
# The pipeline and its verdicts/ room: the suites it validates first, the verdicts it keeps.
PIPELINE = {"pipeline", "verdicts"}
LAYERS: dict[str, set[str]] = {
    "base": BASE,
    "api": {"base"},
    "grading": {"base"},
    "scoring": {"base", "api", "grading"},
    "outcome": {"base", "api", "grading", "scoring"},
    "pipeline": {"base", "api", "grading", "scoring", "outcome"},
    "reporting": {"base", "api", "scoring", "outcome"},
    # `python -m pytest_llmcode import`: benchmark files in, case files out (read back by
    # the base layer's case loaders).
    "importers": {"base"},
    "pytest": {"base", "api", "grading", "scoring", "outcome", "pipeline", "reporting",
               "importers"},
}


def layer(module: str) -> str:
    """The layer of a module name relative to the package (`api.client`, `session`)."""
    top = module.split(".")[0]
    if top in PIPELINE:
        return "pipeline"
    if top in ("api", "grading", "scoring", "reporting", "outcome", "importers"):
        return top
    return "base" if top in BASE else "pytest"


@cache
def imports() -> dict[str, set[str]]:
    """Every module of the package (the in-container runners aside) and the package
    modules it imports, at any depth of its code."""
    graph: dict[str, set[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        if RUNNERS in path.parents:
            continue
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts) or "__init__"
        package = parts[:-1] if parts[-1] != "__init__" else parts[:-1]
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level:
                base = list(package[: len(package) - node.level + 1])
                target = [*base, *(node.module.split(".") if node.module else [])]
                for alias in node.names:
                    full = ".".join([*target, alias.name])
                    module = full if _exists(full) else ".".join(target)
                    if module:
                        found.add(module)
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                         else [node.module or ""])
                for imported in names:
                    if imported.startswith("pytest_llmcode."):
                        found.add(imported.removeprefix("pytest_llmcode."))
        graph[name] = {m for m in found if m != name}
    return graph


def _exists(module: str) -> bool:
    path = PACKAGE.joinpath(*module.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def longest_chain(graph: dict[str, set[str]]) -> list[str]:
    @cache
    def chain(module: str) -> tuple[str, ...]:
        below = [chain(m) for m in graph.get(module, ()) if m in graph]
        return (module, *max(below, key=len, default=()))

    return list(max((chain(m) for m in graph), key=len))


def test_lower_layers_never_import_higher_ones() -> None:
    upward = []
    for module, targets in imports().items():
        allowed = LAYERS[layer(module)] | {layer(module)}
        upward += [f"{module} -> {t}" for t in sorted(targets) if layer(t) not in allowed]
    assert upward == []


def test_no_import_cycles() -> None:
    graph = imports()
    state: dict[str, int] = {}
    cycles = []

    def visit(module: str, path: list[str]) -> None:
        state[module] = 1
        for target in sorted(graph.get(module, ())):
            if state.get(target) == 1:
                cycles.append(path[path.index(target):] + [target])
            elif target not in state:
                visit(target, [*path, target])
        state[module] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    assert cycles == []
    assert len(longest_chain(graph)) <= 9, longest_chain(graph)


@pytest.mark.parametrize("heavy", ["httpx", "docker", "jsonschema", "yaml",
                                   "pytest_llmcode.api", "pytest_llmcode.grading",
                                   "pytest_llmcode.reporting", "pytest_llmcode.scoring",
                                   "pytest_llmcode.importers"])
def test_the_plugin_module_loads_nothing_heavy(heavy: str) -> None:
    code = ("import sys, pytest; before = set(sys.modules); import pytest_llmcode.plugin; "
            f"print(any(m == {heavy!r} or m.startswith({heavy + '.'!r}) "
            "for m in set(sys.modules) - before))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False", f"importing the plugin loads {heavy}"


if __name__ == "__main__":  # the figures for the README: python tests/test_architecture.py
    chain = longest_chain(imports())
    print(f"modules {len(imports())}, deepest import chain {len(chain)}: {' -> '.join(chain)}")
