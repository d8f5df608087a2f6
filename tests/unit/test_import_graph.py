"""No import circles in ``portal``: the graph of every module's top-level imports, read from
the source, has no cycle, and every package imports on its own in a fresh interpreter.

An edge A → B means that importing A runs B: A's top-level ``import``/``from … import``
names B, or B is a package B's module lies in (``import portal.staff.access`` runs
``portal/staff/__init__.py`` first). A package that is one of A's own parents is no edge:
it is already being imported when A runs. Imports inside functions run later and are no
edge; so are those under ``if TYPE_CHECKING:``.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = "portal"


def module_files(root: Path = ROOT, package: str = PACKAGE) -> dict[str, Path]:
    """Dotted module name → source file, for every module of ``package``."""
    modules = {}
    for path in sorted((root / package).rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = path
    return modules


def _is_type_checking(test: ast.expr) -> bool:
    """Whether an ``if`` tests ``TYPE_CHECKING`` (imports only the type checker reads)."""
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def top_level_imports(body: list[ast.stmt]) -> list[ast.Import | ast.ImportFrom]:
    """The import statements that run when the module runs: at the top, or inside a
    top-level ``if``/``try`` (a ``TYPE_CHECKING`` branch excepted), never in a function."""
    found: list[ast.Import | ast.ImportFrom] = []
    for node in body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            found.append(node)
        elif isinstance(node, ast.If):
            if not _is_type_checking(node.test):
                found += top_level_imports(node.body)
            found += top_level_imports(node.orelse)
        elif isinstance(node, ast.Try):
            for block in (node.body, node.orelse, node.finalbody):
                found += top_level_imports(block)
            for handler in node.handlers:
                found += top_level_imports(handler.body)
    return found


def parents(module: str) -> set[str]:
    """The packages ``module`` lies in: ``a.b.c`` → ``{"a", "a.b"}``."""
    parts = module.split(".")
    return {".".join(parts[:end]) for end in range(1, len(parts))}


def imported_names(module: str, is_package: bool, node: ast.Import | ast.ImportFrom) -> set[str]:
    """The dotted names one import statement of ``module`` loads (relative ones resolved);
    ``from a import b`` loads ``a`` and, when ``b`` is a module, ``a.b`` (both named)."""
    if isinstance(node, ast.Import):
        return {alias.name for alias in node.names}
    if node.level:
        base = (module if is_package else module.rpartition(".")[0]).split(".")
        base = base[: len(base) - (node.level - 1)]
        source = ".".join(base + ([node.module] if node.module else []))
    else:
        source = node.module or ""
    return {source} | {f"{source}.{alias.name}" for alias in node.names}


def import_graph(modules: dict[str, Path]) -> dict[str, set[str]]:
    """Module → the modules of ``modules`` that importing it runs (see the module doc)."""
    graph: dict[str, set[str]] = {}
    for module, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        own_parents = parents(module)
        targets: set[str] = set()
        for node in top_level_imports(tree.body):
            for name in imported_names(module, path.name == "__init__.py", node):
                if name in modules:
                    targets |= {name} | (parents(name) & modules.keys())
        graph[module] = targets - own_parents - {module}
    return graph


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, successors = work[-1]
            step = next(successors, None)
            if step is not None:
                if step not in index:
                    index[step] = low[step] = len(index)
                    stack.append(step)
                    on_stack.add(step)
                    work.append((step, iter(sorted(graph.get(step, ())))))
                elif step in on_stack:
                    low[node] = min(low[node], index[step])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def _describe(component: list[str], graph: dict[str, set[str]]) -> str:
    """One circle, each module with the members it imports, for the failure message."""
    members = set(component)
    return "\n".join(f"  {m} -> {sorted(graph[m] & members)}" for m in component)


def test_the_finder_sees_a_circle_and_its_members():
    """The check itself: a made-up graph with one circle of three and a tail."""
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": set(), "e": {"a"}}
    assert circles(graph) == [["a", "b", "c"]]
    assert circles({"a": {"b"}, "b": set()}) == []


def test_a_package_import_runs_the_package_but_not_the_importers_own(tmp_path):
    """``from ..staff.access import x`` in ``pkg.planning.home`` is an edge to
    ``pkg.staff.access`` and to ``pkg.staff``, not to ``pkg`` or ``pkg.planning``."""
    for name, text in {
        "pkg/__init__.py": "",
        "pkg/staff/__init__.py": "from ..planning import home\n",
        "pkg/staff/access.py": "",
        "pkg/planning/__init__.py": "",
        "pkg/planning/home.py": (
            "from typing import TYPE_CHECKING\n"
            "from ..staff.access import roles\n"
            "if TYPE_CHECKING:\n    from .. import typing_only\n"
            "def later():\n    from .. import late\n"
        ),
        "pkg/typing_only.py": "",
        "pkg/late.py": "",
    }.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    graph = import_graph(module_files(tmp_path, "pkg"))
    assert graph["pkg.planning.home"] == {"pkg.staff", "pkg.staff.access"}
    assert circles(graph) == [["pkg.planning.home", "pkg.staff"]]


def test_portal_has_no_import_circle():
    """Every module of ``portal`` can be the first one imported: no circle among their
    top-level imports (a circle works or breaks by the order modules happen to load in)."""
    graph = import_graph(module_files())
    assert "portal.staff.views" in graph["portal.routes"]  # the graph sees real imports
    found = circles(graph)
    assert not found, "import circles in portal:\n" + "\n\n".join(
        _describe(component, graph) for component in found
    )


# In a fresh interpreter, for each start: forget the portal modules, import the start, then
# (a package below ``portal``) each of its own modules. The model layer (``portal.models``
# and the modules it needs) is checked first, each start from nothing; after that it stays
# loaded, as the tables cannot be declared anew cheaply. Prints what failed, one line each.
_IMPORT_EACH_START = """
import importlib, sys, traceback
starts, modules = sys.argv[1].split(","), sys.argv[2].split(",")

def loaded():
    return {n for n in sys.modules if n == "portal" or n.startswith("portal.")}

def forget(keep):
    for name in loaded() - keep:
        del sys.modules[name]

def check(start):
    own = [m for m in modules if m.rpartition(".")[0] == start] if "." in start else []
    for module in [start, *own]:
        try:
            importlib.import_module(module)
        except Exception:
            last = traceback.format_exc().strip().splitlines()[-1]
            print(f"{start} first, then {module}: {last}")
            return

check("portal.models")
model_layer = loaded() - {"portal"}
for start in [s for s in starts if s in model_layer]:
    forget(set())
    check(start)
forget(set())
importlib.import_module("portal.models")
for start in [s for s in starts if s not in model_layer]:
    forget(model_layer)
    check(start)
"""


def test_every_package_and_module_imports_on_its_own():
    """``python -c "import portal.notifications"`` works in a fresh interpreter, and so does
    the import of every package of ``portal`` (its modules after it) and of every module
    at the top of ``portal``: none trips over a circle the source graph does not show."""
    modules = module_files()
    starts = sorted(
        m for m, path in modules.items() if path.name == "__init__.py" or m.count(".") == 1
    )
    result = subprocess.run(
        [sys.executable, "-c", _IMPORT_EACH_START, ",".join(starts), ",".join(modules)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "", "what does not import on its own:\n" + result.stdout
