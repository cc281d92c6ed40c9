"""The shape of the package: no import cycles (imports inside functions included), no import hidden in a
function (``importlib.import_module`` included) except of a heavy optional library, and every subpackage
says what it is for and what it may import. The layer contracts themselves are checked by ``lint-imports``
in the test command (``pyproject.toml``, ``[tool.importlinter]``)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "pipelines"
#: libraries (or modules) a function may import lazily (heavy, and needed only on one path), with why
LAZY_ALLOWED = {
    "distributed": "only with executor dask",
    "pipelines.landing.sftp": "paramiko, only for an sftp:// landing (pipelines/landing/__init__.py)",
    # the commands that run the Prefect flow: Prefect is more than half of a command's start, and every
    # other command (verify, generate, report, reprocess, ...) does without it (pipelines/cli/__init__.py)
    "pipelines.cli.ingest": "Prefect, only for bhyt-etl ingest",
    "pipelines.cli.demo": "Prefect, only for bhyt-etl demo",
    "pipelines.cli.bench": "Prefect, only for bhyt-etl bench",
    # pipelines/cli/__init__.py's dispatcher: the module of the command that runs (its COMMANDS), no other;
    # the modules it names count as imports of pipelines.cli in the cycle check (imports_of)
    "importlib.import_module": "a command's module, only when that command runs",
}


def lazy_allowed(target: str) -> bool:
    """Whether a function may import ``target`` (a module or a name in one) lazily."""
    return any(target == name or target.startswith(f"{name}.") for name in LAZY_ALLOWED)


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in PACKAGE.rglob("*.py")}


def imports_of(path: Path, known: set[str]) -> list[tuple[str, int, bool]]:
    """(imported pipelines module, line, inside a function or class body) for every import statement."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    me = module_name(path)
    package = me if path.name == "__init__.py" else me.rpartition(".")[0]
    out = []

    def visit(node: ast.AST, nested: bool) -> None:
        for child in ast.iter_child_nodes(node):
            inner = nested or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
            if isinstance(child, ast.Import):
                for alias in child.names:
                    out.append((alias.name, child.lineno, nested))
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    base = ".".join(package.split(".")[: len(package.split(".")) - child.level + 1] + [base])
                    base = base.rstrip(".")
                for alias in child.names:
                    candidate = f"{base}.{alias.name}"
                    out.append((candidate if candidate in known else base, child.lineno, nested))
            elif isinstance(child, ast.Call) and "import_module" in (
                getattr(child.func, "id", None),
                getattr(child.func, "attr", None),
            ):  # importlib.import_module(name): an import, by name
                out.append(("importlib.import_module", child.lineno, nested))
            visit(child, inner)

    visit(tree, False)
    if any(target == "importlib.import_module" for target, _, _ in out):
        # a module that imports by name: the module names it holds ("pipelines.x.y" or "pipelines.x.y:f")
        # are its imports too, at the top
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                name = node.value.partition(":")[0]
                if name in known:
                    out.append((name, node.lineno, False))
    return out


def graph() -> dict[str, set[str]]:
    mods = modules()
    known = set(mods)
    return {
        name: {target for target, _, _ in imports_of(path, known) if target in known and target != name}
        for name, path in mods.items()
    }


def strongly_connected(edges: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm: the groups of modules that import each other, directly or not."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(edges[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return groups


def test_the_import_graph_has_no_cycle() -> None:
    assert strongly_connected(graph()) == []


def test_the_cycle_check_finds_a_cycle() -> None:
    assert strongly_connected({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_import_is_hidden_in_a_function() -> None:
    known = set(modules())
    hidden = [
        f"{module_name(path)}:{line} imports {target}"
        for path in PACKAGE.rglob("*.py")
        for target, line, nested in imports_of(path, known)
        if nested and not lazy_allowed(target)
    ]
    assert hidden == []


@pytest.mark.parametrize("package", sorted(p.parent.name for p in PACKAGE.glob("*/__init__.py")))
def test_every_subpackage_says_its_role_and_what_it_may_import(package: str) -> None:
    doc = ast.get_docstring(ast.parse((PACKAGE / package / "__init__.py").read_text(encoding="utf-8")))
    assert doc, f"pipelines/{package}/__init__.py has no docstring"
    assert "May import" in doc, f"pipelines/{package}/__init__.py does not say what it may import"
