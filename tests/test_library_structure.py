"""The library's shape (issue 19 §3): no module imports another module's private
name, and no import circles between softmax_lib's modules."""

from __future__ import annotations

import ast
from pathlib import Path

import softmax_lib

PACKAGE = Path(softmax_lib.__file__).parent

# Imports of a private name that are known and being removed by their owners: each may only
# disappear from this list, never be added to.  (Empty: lesson 07's was the last.)
KNOWN: set[tuple[str, str, str]] = set()


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports():
    """(importer, imported module, names) for every relative import in softmax_lib, at any depth."""
    for path in sorted(PACKAGE.rglob("*.py")):
        me = _module_name(path)
        package = me if path.name == "__init__.py" else me.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
                yield me, target, [alias.name for alias in node.names]


def test_no_module_imports_another_modules_private_name():
    private = {
        (me, target, name)
        for me, target, names in _imports()
        for name in names
        if name.startswith("_") and not name.startswith("__")
    }
    new = private - KNOWN
    assert not new, f"imports of another module's private name: {sorted(new)}; make the name public"


def test_no_import_circles():
    graph: dict[str, set[str]] = {}
    for me, target, names in _imports():
        graph.setdefault(me, set()).add(target)
        for name in names:  # "from . import plots" imports the module softmax_lib.plots
            if f"{target}.{name}" in {_module_name(p) for p in PACKAGE.rglob("*.py")}:
                graph[me].add(f"{target}.{name}")
    circles = []
    for start in graph:
        stack = [(start, [start])]
        while stack:
            node, path = stack.pop()
            for nxt in graph.get(node, ()):
                if nxt == start:
                    circles.append(path)
                elif nxt not in path:
                    stack.append((nxt, path + [nxt]))
    # a package importing its own submodules (softmax_lib -> softmax_lib.core) is not a circle
    circles = [
        c for c in circles if not any(b.startswith(a + ".") or a.startswith(b + ".") for a, b in zip(c, c[1:] + c[:1]))
    ]
    assert not circles, f"import circles: {circles}"


def test_the_circle_this_test_exists_for_is_gone():
    graph = {(me, target) for me, target, _ in _imports()}
    assert ("softmax_lib.plots", "softmax_lib.style") in graph
    assert ("softmax_lib.style", "softmax_lib.plots") not in graph  # alt text lives in softmax_lib.alt
