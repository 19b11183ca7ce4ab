"""Every test that reads ../shared/data is marked ``data``, every browser test ``browser``, every mark used is
registered, and no test asserts a constant. Read from the test files' source, without running them."""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent
# What names the shared data folder in a test module: conftest's constant and fixture, or the path spelled out.
DATA_NAMES = {"SHARED_DATA", "shared_data"}


def _marks(node: ast.FunctionDef | ast.ClassDef | ast.Module) -> set[str]:
    """The pytest marks a function or class is decorated with, or a module's ``pytestmark`` holds."""
    if isinstance(node, ast.Module):
        exprs = [
            stmt.value
            for stmt in node.body
            if isinstance(stmt, ast.Assign) and any(getattr(t, "id", "") == "pytestmark" for t in stmt.targets)
        ]
    else:
        exprs = node.decorator_list
    return {
        sub.attr
        for expr in exprs
        for sub in ast.walk(expr)
        if isinstance(sub, ast.Attribute) and isinstance(sub.value, ast.Attribute) and sub.value.attr == "mark"
    }


def _names(node: ast.AST) -> set[str]:
    """Every name, argument and string a piece of code uses."""
    found = set()
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name):
            found.add(sub.id)
        elif isinstance(sub, ast.arg):
            found.add(sub.arg)
        elif isinstance(sub, ast.alias):
            found.add(sub.asname or sub.name)
        elif isinstance(sub, ast.Constant) and isinstance(sub.value, str):
            found.add(sub.value)
    return found


def _reads_data(names: set[str], data: set[str]) -> bool:
    return bool(names & data) or ("shared" in names and "data" in names)


def _data_users(tree: ast.Module) -> set[str]:
    """Module-level names (constants, fixtures, helpers) that lead to the shared data, followed through each other;
    the names an import brings in under another name (``SHARED_DATA as DATA``) included."""
    data = set(DATA_NAMES)
    for stmt in tree.body:
        if isinstance(stmt, ast.ImportFrom):
            data |= {a.asname for a in stmt.names if a.name in DATA_NAMES and a.asname}
    changed = True
    while changed:
        changed = False
        for stmt in tree.body:
            if isinstance(stmt, ast.Assign):
                targets = {t.id for t in stmt.targets if isinstance(t, ast.Name)}
            elif isinstance(stmt, ast.FunctionDef) and not stmt.name.startswith("test_"):
                targets = {stmt.name}
            else:
                continue
            if not targets <= data and _reads_data(_names(stmt), data):
                data |= targets
                changed = True
    return data


def _tests(tree: ast.Module) -> list[tuple[ast.FunctionDef, set[str]]]:
    """The test functions of a module with the marks that apply to each (its own, its class's, the module's)."""
    module = _marks(tree)
    found = []
    for stmt in tree.body:
        if isinstance(stmt, ast.FunctionDef) and stmt.name.startswith("test_"):
            found.append((stmt, module | _marks(stmt)))
        elif isinstance(stmt, ast.ClassDef):
            cls = module | _marks(stmt)
            found += [
                (f, cls | _marks(f)) for f in stmt.body if isinstance(f, ast.FunctionDef) and f.name.startswith("test_")
            ]
    return found


def _modules() -> list[tuple[Path, ast.Module]]:
    """The test modules, this one left out (it names the data to look for it)."""
    paths = [
        p for p in sorted(TESTS.glob("test_*.py")) + sorted(TESTS.glob("*/test_*.py")) if p.name != Path(__file__).name
    ]
    return [(path, ast.parse(path.read_text(encoding="utf-8"))) for path in paths]


def test_tests_that_read_the_shared_data_are_marked_data() -> None:
    unmarked = []
    for path, tree in _modules():
        data = _data_users(tree)
        for test, marks in _tests(tree):
            if _reads_data(_names(test), data) and "data" not in marks:
                unmarked.append(f"{path.name}::{test.name}")
    assert unmarked == []


def test_browser_tests_are_marked_browser() -> None:
    unmarked = [
        f"{path.name}::{test.name}"
        for path, tree in _modules()
        if path.parent.name == "browser"
        for test, marks in _tests(tree)
        if "browser" not in marks
    ]
    assert unmarked == []


def test_the_markers_used_are_registered() -> None:
    import tomllib

    config = tomllib.loads((TESTS.parent / "pyproject.toml").read_text(encoding="utf-8"))
    registered = {line.split(":")[0] for line in config["tool"]["pytest"]["ini_options"]["markers"]}
    builtin = {"parametrize", "skip", "skipif", "xfail", "usefixtures", "filterwarnings"}
    used = {mark for _, tree in _modules() for _, marks in _tests(tree) for mark in marks}
    assert used - builtin <= registered


def test_no_test_asserts_a_constant() -> None:
    constant = [
        f"{path.name}:{node.lineno}"
        for path, tree in _modules()
        for node in ast.walk(tree)
        if isinstance(node, ast.Assert) and isinstance(node.test, ast.Constant)
    ]
    assert constant == []


def test_the_checks_find_what_they_look_for() -> None:
    """The checks above on invented modules: a fixture that reads the data taints the tests that use it."""
    tree = ast.parse(
        "from .conftest import SHARED_DATA as DATA\n"
        "import pytest\n"
        "CORPUS = DATA / 'x'\n"
        "@pytest.fixture\n"
        "def corpus():\n    return CORPUS.read_text()\n"
        "def test_a(corpus):\n    assert corpus\n"
        "@pytest.mark.data\n"
        "def test_b(corpus):\n    assert corpus\n"
        "def test_c():\n    assert 1 == 1\n"
    )
    data = _data_users(tree)
    reading = {test.name: "data" in marks for test, marks in _tests(tree) if _reads_data(_names(test), data)}
    assert reading == {"test_a": False, "test_b": True}
