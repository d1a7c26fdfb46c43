"""House rules the import contracts cannot state (ARCHITECTURE.md, "Layers"): a module whose name
starts with `_` is private to its package, and no import inside a function hides a cycle."""

from __future__ import annotations

import ast
import importlib.util
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

grimp = pytest.importorskip("grimp")

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def staged(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, object]]:
    """The package in the wheel's layout (`.ci/staged.py`) and its import graph."""
    spec = importlib.util.spec_from_file_location("phonehome_ci_staged", REPO / ".ci" / "staged.py")
    assert spec is not None and spec.loader is not None
    staged_py = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(staged_py)
    root = tmp_path_factory.mktemp("staged")
    staged_py.stage(root)
    saved = {k: v for k, v in sys.modules.items() if k == "phonehome" or k.startswith("phonehome.")}
    sys.path.insert(0, str(root))
    for name in saved:
        del sys.modules[name]
    try:
        yield root, grimp.build_graph("phonehome", cache_dir=None)
    finally:
        sys.path.remove(str(root))
        for name in [k for k in sys.modules if k == "phonehome" or k.startswith("phonehome.")]:
            del sys.modules[name]
        sys.modules.update(saved)


def _package(module: str) -> str:
    return module.rsplit(".", 1)[0]


def test_underscore_modules_are_private_to_their_package(staged) -> None:
    root, graph = staged

    def package_of(importer: str) -> str:
        # a package's __init__ (grimp names it by the package) is inside that package
        is_package = (root / importer.replace(".", "/") / "__init__.py").is_file()
        return importer if is_package else _package(importer)

    leaks = [
        f"{importer} imports {module}"
        for module in sorted(graph.modules)
        if module.rsplit(".", 1)[-1].startswith("_") and not module.endswith("__init__")
        for importer in graph.find_modules_that_directly_import(module)
        if package_of(importer) != _package(module)
    ]
    assert not leaks, (
        "a module named _x is private to its package; rename it or import it from there:\n" + "\n".join(leaks)
    )


def _function_imports(path: Path, module: str, is_package: bool) -> Iterator[tuple[str, int]]:
    """(imported phonehome module, line) of every import inside a function of `path`."""
    for fn in ast.walk(ast.parse(path.read_text("utf-8"))):
        if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        for node in ast.walk(fn):
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    base = module if is_package else _package(module)
                    for _ in range(node.level - 1):
                        base = _package(base)
                    names = [f"{base}.{node.module}" if node.module else base]
                else:
                    names = [node.module or ""]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            for name in names:
                if name.startswith("phonehome"):
                    yield name, node.lineno


def test_no_import_inside_a_function_hides_a_cycle(staged) -> None:
    root, graph = staged
    dodges = []
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root).with_suffix("").parts
        is_package = parts[-1] == "__init__"
        module = ".".join(parts[:-1] if is_package else parts)
        for name, line in _function_imports(path, module, is_package):
            while name not in graph.modules and "." in name:
                name = _package(name)
            if name == module or name not in graph.modules:
                continue
            chain = graph.find_shortest_chain(importer=name, imported=module)
            if chain:
                dodges.append(f"{module}:{line} imports {name} lazily, but {' -> '.join(chain)}")
    assert not dodges, "an import inside a function hides a cycle; break the cycle instead:\n" + "\n".join(
        dodges
    )
