"""kg's modules import each other in one direction: no import cycle, and no stage imports a later one.

The layers, in the order data flows through them (a module may import from its own layer and those before it):
core → ingest → text → nlp → graph → publish (writers and view) → store → run (runner, cache, api, cli).
A module not listed by the test's rules fails the test, so a new module is placed in a layer on purpose.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "kg"

LAYERS = ("core", "ingest", "text", "nlp", "graph", "publish", "store", "run")
# Module name (or package prefix ending in ".") -> layer; the longest match wins.
RULES = {
    "kg.errors": "core", "kg.model": "core", "kg.registry": "core", "kg.settings": "core", "kg.runtime": "core",
    "kg.spool": "core", "kg.graph.vocab": "core",  # the ontology's classes: the contract every stage shares
    "kg.ingest.": "ingest",
    "kg.text.": "text",
    "kg.nlp.": "nlp",
    "kg.graph.": "graph",
    "kg.publish.": "publish", "kg.view.": "publish",
    "kg.store.": "store",
    "kg.nlp.relation_eval": "run",  # scores relation extraction by running the pipeline
    "kg.ingest": "core", "kg.text": "core", "kg.nlp": "core", "kg.graph": "core", "kg.publish": "core",
    "kg.store": "core", "kg.view": "core",  # package modules (docstrings only)
    "kg": "run", "kg.__main__": "run", "kg.run": "run", "kg.cache": "run", "kg.spooled": "run",
    "kg.shard": "run", "kg.cluster": "run", "kg.api": "run", "kg.cli": "run",
}  # fmt: skip


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def layer(module: str) -> str | None:
    matches = [key for key in RULES if module == key or (key.endswith(".") and module.startswith(key))]
    if not matches:  # a package's __init__ takes the layer of its modules
        matches = [key for key in RULES if key == module + "."]
    return RULES[max(matches, key=len)] if matches else None


def imports(module: str, *, top_level_only: bool) -> set[str]:
    """The kg modules ``module`` imports (``TYPE_CHECKING`` blocks left out; with ``top_level_only``, also the
    imports inside functions)."""
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    package = module if MODULES[module].name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()

    def visit(node: ast.AST, nested: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                continue
            inner = nested or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef))
            if isinstance(child, ast.Import) and not (inner and top_level_only):
                found.update(alias.name for alias in child.names)
            elif isinstance(child, ast.ImportFrom) and not (inner and top_level_only):
                base = child.module or ""
                if child.level:
                    base = ".".join(package.split(".")[: len(package.split(".")) - child.level + 1] + [base]).strip(".")
                submodules = {f"{base}.{alias.name}" for alias in child.names} & set(MODULES)
                # "from package import module" imports the module; the package's __init__ runs first, but that is
                # Python's import order, not a dependency of this module on the package's other contents
                found.update(submodules or {base})
            visit(child, inner)

    visit(tree, False)
    return {name for name in found if name in MODULES and name != module}


def test_every_module_has_a_layer() -> None:
    assert [module for module in MODULES if layer(module) is None] == []


def test_no_stage_imports_a_later_one() -> None:
    wrong = []
    for module in MODULES:
        for target in imports(module, top_level_only=False):
            if LAYERS.index(layer(target)) > LAYERS.index(layer(module)):
                wrong.append(f"{module} ({layer(module)}) imports {target} ({layer(target)})")
    assert wrong == []


def test_no_import_cycle() -> None:
    graph = {module: imports(module, top_level_only=True) for module in MODULES}
    cycles = []
    state: dict[str, int] = {}  # 1: on the current path, 2: done

    def walk(module: str, path: list[str]) -> None:
        state[module] = 1
        for target in sorted(graph[module]):
            if state.get(target) == 1:
                cycles.append(" → ".join([*path[path.index(target):], target]))
            elif target not in state:
                walk(target, [*path, target])
        state[module] = 2

    for module in sorted(graph):
        if module not in state:
            walk(module, [module])
    assert cycles == []


@pytest.mark.parametrize("module", ["kg.ingest.read", "kg.graph.resolve", "kg.view.html"])
def test_the_checks_see_imports(module: str) -> None:
    # the parser finds each module's kg imports (a check over no imports could not fail)
    assert imports(module, top_level_only=False)
