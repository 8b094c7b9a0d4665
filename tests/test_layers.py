"""The house's rules of import, read from the source (the AST of every product module).

- only pages (`*/pages/*`) and `streamlit_app.py` import streamlit;
- arrows run one way: question_banks <- surveys <- {reminders, analysis} <- api <- streamlit_app;
- no circle of imports between product modules (late imports inside functions included).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("question_banks", "surveys", "reminders", "analysis", "api")
ENTRY = "streamlit_app"

# package -> the packages of ours it must never import
FORBIDDEN: dict[str, tuple[str, ...]] = {
    "question_banks": ("surveys", "reminders", "analysis", "api", ENTRY),
    "surveys": ("reminders", "analysis", "api", ENTRY),
    "reminders": ("analysis", "api", ENTRY),
    "analysis": ("reminders", "api", ENTRY),
    "api": (ENTRY,),
}


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _product_files() -> list[Path]:
    files = [ROOT / f"{ENTRY}.py"]
    for package in PACKAGES:
        files += [p for p in (ROOT / package).rglob("*.py") if "migrations" not in p.parts]
    return sorted(files)


def _imports(path: Path) -> Iterator[str]:
    """Every module `path` imports (absolute names; relative imports resolved)."""
    package = _module_name(path).rsplit(".", 1)[0] if path.name != "__init__.py" else None
    package = package or _module_name(path)
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            yield base
            yield from (f"{base}.{alias.name}" for alias in node.names)


FILES = _product_files()
MODULES = {_module_name(path): path for path in FILES}


def _is_page(path: Path) -> bool:
    return "pages" in path.relative_to(ROOT).parts or path.name == f"{ENTRY}.py"


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_only_pages_import_streamlit(path: Path) -> None:
    if _is_page(path):
        return
    streamlit = sorted({name for name in _imports(path) if name.split(".")[0] == "streamlit"})
    assert not streamlit, f"{path.relative_to(ROOT)} (domain code) imports {streamlit}"


@pytest.mark.parametrize(("package", "forbidden"), FORBIDDEN.items())
def test_arrows_run_one_way(package: str, forbidden: tuple[str, ...]) -> None:
    wrong = sorted(
        f"{_module_name(path)} -> {name}"
        for path in FILES
        if _module_name(path).split(".")[0] == package
        for name in _imports(path)
        if name.split(".")[0] in forbidden
    )
    assert not wrong, f"{package} must not import {forbidden}: {wrong}"


def _graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for module, path in MODULES.items():
        targets = set()
        for name in _imports(path):
            # `from a.b import c` names module a.b.c when it exists, else a.b.
            while name and name not in MODULES:
                name = name.rpartition(".")[0]
            if name and name != module:
                targets.add(name)
        graph[module] = targets
    return graph


def _circle(graph: dict[str, set[str]]) -> list[str] | None:
    """One circle of the graph (a list of modules, first repeated last), or None."""
    state: dict[str, int] = {}  # 1 on the path, 2 done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for target in sorted(graph[node]):
            if state.get(target) == 1:
                return [*path[path.index(target) :], target]
            if target not in state and (found := visit(target)):
                return found
        state[node] = 2
        path.pop()
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_no_import_circle() -> None:
    graph = _graph()
    assert _circle(graph) is None, f"import circle: {' -> '.join(_circle(graph) or [])}"


@pytest.mark.parametrize(
    ("graph", "has_circle"),
    [
        ({"a": {"b"}, "b": {"c"}, "c": set()}, False),
        ({"a": {"b"}, "b": {"c"}, "c": {"a"}}, True),
        ({"a": {"a.b"}, "a.b": {"a"}}, True),
    ],
)
def test_the_circle_finder_finds_circles(graph: dict[str, set[str]], has_circle: bool) -> None:
    assert (_circle(graph) is not None) is has_circle
