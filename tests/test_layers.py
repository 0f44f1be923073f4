"""Layers point one way: `dashboard` imports `metrics`, never the reverse; `metrics` never imports
`streamlit`, and no two modules of `metrics` import each other, directly or round a longer circle.

Every import statement counts, those inside functions too: an import put off until a function
runs is still a dependency, it only hides the circle from Python's loader.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

from conftest import ROOT

METRICS = ROOT / "metrics"
FORBIDDEN = ("dashboard", "streamlit")


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(METRICS.rglob("*.py"))}


def _imported(name: str, path: Path) -> Iterator[tuple[int, str]]:
    """(line, module) for every module an import statement in the file names."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*parts, *([node.module] if node.module else [])])
            yield node.lineno, base
            for alias in node.names:
                yield node.lineno, f"{base}.{alias.name}"


def _graph() -> dict[str, set[str]]:
    """Module -> the metrics modules it imports (`from metrics import x` is an edge to the
    module `metrics.x`). A module importing its own package is not an edge: Python runs a
    package's `__init__` before any module in it anyway, so it makes no circle of its own."""
    modules = _modules()
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        edges = set()
        for _, imported in _imported(name, path):
            if imported not in modules or imported == name:
                continue
            if name.startswith(imported + "."):
                continue  # its own package
            edges.add(imported)
        graph[name] = edges
    return graph


def _circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_no_module_under_metrics_imports_dashboard_or_streamlit() -> None:
    modules = _modules()
    assert len(modules) > 30  # the walk found the package (a wrong root would pass vacuously)
    wrong = [
        f"{path.relative_to(ROOT)}:{line} imports {imported}"
        for name, path in modules.items()
        for line, imported in _imported(name, path)
        if imported.split(".")[0] in FORBIDDEN
    ]
    assert wrong == []


def test_importing_every_metrics_module_loads_neither_dashboard_nor_streamlit() -> None:
    """What the loader actually does, in a fresh interpreter, including third-party imports."""
    names = sorted(n for n in _modules() if "migrations" not in n and "__main__" not in n)
    code = (
        "import importlib, sys\n"
        f"for name in {names!r}:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('dashboard', 'streamlit'))\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


def test_the_chart_builders_live_in_metrics() -> None:
    """The dashboard, the exports and the board pack share one set of builders, below all three."""
    assert (METRICS / "charts.py").is_file()
    assert not (ROOT / "dashboard" / "charts.py").exists()


def test_the_circle_finder_finds_a_circle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _circles(graph) == [["a", "b", "c"]]
    assert _circles({"a": {"b"}, "b": set()}) == []


def test_no_import_circle_among_metrics_modules() -> None:
    graph = _graph()
    # the edges that used to make the circle are read correctly, so the check below has teeth
    assert "metrics.registry" in graph["metrics.targets"]
    assert "metrics.targets" in graph["metrics.api"]
    assert _circles(graph) == []
