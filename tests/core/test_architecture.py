"""The architecture, checked: no import circle anywhere in tratteggio (type-only imports count: the
coupling is real), and no file past 400 lines. The layer contracts are import-linter's (pyproject.toml,
run by .ci/run as `lint-imports`)."""

from __future__ import annotations

from pathlib import Path

import grimp

import tratteggio

PACKAGE = Path(tratteggio.__file__).parent


def strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's components with more than one module (or a module importing itself)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = [0]

    def visit(node: str) -> None:
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1 or node in graph.get(node, ()):
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_import_circle_between_modules() -> None:
    graph = grimp.build_graph("tratteggio", exclude_type_checking_imports=False, cache_dir=None)
    modules = {m for m in graph.modules if m.startswith("tratteggio")}
    edges = {
        m: {n for n in graph.find_modules_directly_imported_by(m) if n in modules and n != m} for m in modules
    }
    # a package's __init__ re-exporting its own modules is not a circle between modules
    edges = {m: {n for n in targets if not m.startswith(n + ".")} for m, targets in edges.items()}
    assert strongly_connected(edges) == []


def test_no_file_over_400_lines() -> None:
    long = {
        str(path.relative_to(PACKAGE)): count
        for path in PACKAGE.rglob("*.py")
        if (count := len(path.read_text(encoding="utf-8").splitlines())) > 400
    }
    assert long == {}
