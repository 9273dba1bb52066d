"""No import cycle between the modules of bot/ and index/, imports inside functions included.

The checker reads the source with ``ast`` (nothing is imported) and builds a graph of project modules:

* Nodes: every ``.py`` file under the checked packages, named as Python names it (``bot/answer.py`` is
  ``bot.answer``; a package's ``__init__.py`` is the package itself, ``bot/safety/__init__.py`` is
  ``bot.safety``).
* Edges: every ``import x`` / ``from x import y`` / ``from . import y`` anywhere in a file: at module
  level, inside functions and methods, under ``try`` or ``if``. A function-level import is still a
  dependency; it only moves the moment the cycle bites. The one exclusion: imports in the body of
  ``if TYPE_CHECKING:`` (or ``if typing.TYPE_CHECKING:``), which never run (its ``else:`` does run
  and is counted). Imports of anything outside the checked packages are ignored.
* Targets: ``import a.b.c`` targets ``a.b.c``; ``from a.b import c`` targets ``a.b.c`` when that is a
  module, else ``a.b`` (``c`` is a name defined in ``a/b/__init__.py``). Relative imports resolve
  against the importing module's package (a package's ``__init__`` is its own package).
* Parent packages: importing ``a.b.c`` first runs ``a/__init__`` and ``a/b/__init__``, so an edge to
  ``a.b.c`` also adds implied edges to ``a`` and ``a.b``. The rule for those implied edges: one that
  points at a package *containing the importing module* is dropped. Python only runs a module after
  starting every package above it, so that package is already in ``sys.modules`` and importing one of
  its siblings does not run it again: ``bot/answer.py`` importing ``bot.cite.verify`` does not re-enter
  ``bot/__init__`` even though ``bot/__init__`` imports ``bot.answer``. Implied edges into *other*
  packages stay (``bot.answer`` importing ``index.errors`` runs ``index/__init__``, and everything it
  imports). An *explicit* import of one's own package (``from bot import Citation`` in
  ``bot/answer.py``, ``from . import x`` where ``x`` is a name in ``__init__``) is a real edge and
  counts: it reads a name from a half-initialised module.

Cycles are the strongly connected components of that graph (Tarjan, iterative). Each is reported as
one or more chains ``a -> b -> a``, with the file:line of every import behind each arrow, so that every
edge inside the component appears in at least one chain.

    python -m tests.test_imports        # prints the cycles, or "no import cycle"
"""

from __future__ import annotations

import ast
import sys
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("bot", "index")


@dataclass(frozen=True)
class Site:
    """One import statement: where it is, and whether the edge is only implied (a parent package)."""

    path: str
    line: int
    implied_by: str = ""  # for an implied parent edge: the module whose import runs the package

    def __str__(self) -> str:
        via = f" (runs it by importing {self.implied_by})" if self.implied_by else ""
        return f"{self.path}:{self.line}{via}"


@dataclass
class Graph:
    modules: dict[str, Path]  # module name -> file
    edges: dict[str, dict[str, list[Site]]] = field(default_factory=dict)  # src -> dst -> sites

    def add(self, src: str, dst: str, site: Site) -> None:
        if src == dst:
            return
        sites = self.edges.setdefault(src, {}).setdefault(dst, [])
        if site not in sites:
            sites.append(site)


def _module_name(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def discover(root: Path, packages=PACKAGES) -> dict[str, Path]:
    modules: dict[str, Path] = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            modules[_module_name(root, path)] = path
    return modules


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports(tree: ast.AST):
    """Every Import / ImportFrom node that can run: all of them but those under ``if TYPE_CHECKING:``."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
            continue
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            stack.extend(node.orelse)  # the body never runs; the else branch does
            continue
        stack.extend(ast.iter_child_nodes(node))


def _targets(node: ast.Import | ast.ImportFrom, module: str, is_package: bool, modules) -> list[str]:
    """The project modules one import statement names directly (parents are added by the caller)."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if node.level:
        package = module.split(".") if is_package else module.split(".")[:-1]
        if node.level > 1:
            package = package[: len(package) - (node.level - 1)]
        base = ".".join(package + ([node.module] if node.module else []))
    else:
        base = node.module or ""
    out = []
    for alias in node.names:
        sub = f"{base}.{alias.name}"
        out.append(sub if sub in modules else base)
    return out


def build_graph(root: Path = ROOT, packages=PACKAGES) -> Graph:
    modules = discover(root, packages)
    graph = Graph(modules)
    for module, path in modules.items():
        is_package = path.name == "__init__.py"
        rel = path.relative_to(root).as_posix()
        own_packages = {".".join(module.split(".")[:i]) for i in range(1, module.count(".") + 1 + is_package)}
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in _imports(tree):
            for target in _targets(node, module, is_package, modules):
                if target.split(".")[0] not in packages:
                    continue
                if target in modules:
                    graph.add(module, target, Site(rel, node.lineno))
                parts = target.split(".")
                for i in range(1, len(parts)):
                    parent = ".".join(parts[:i])
                    if parent in modules and parent not in own_packages:
                        graph.add(module, parent, Site(rel, node.lineno, implied_by=target))
    return graph


def strongly_connected(graph: Graph) -> list[list[str]]:
    """Tarjan's algorithm without recursion; components of one module are left out."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    components: list[list[str]] = []
    counter = 0
    for start in sorted(graph.modules):
        if start in index:
            continue
        work = [(start, iter(sorted(graph.edges.get(start, {}))))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.edges.get(child, {})))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        components.append(sorted(component))
    return sorted(components)


def _shortest_path(graph: Graph, start: str, goal: str, allowed: set[str]) -> list[str]:
    previous = {start: start}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        if node == goal:
            path = [goal]
            while path[-1] != start:
                path.append(previous[path[-1]])
            return path[::-1]
        for child in sorted(graph.edges.get(node, {})):
            if child in allowed and child not in previous:
                previous[child] = node
                queue.append(child)
    raise AssertionError(f"{goal} is not reachable from {start} inside its component")


def cycles(graph: Graph) -> list[list[str]]:
    """Chains ``[a, b, ..., a]``: for each component, shortest cycles until every inner edge is shown."""
    found = []
    for component in strongly_connected(graph):
        members = set(component)
        covered: set[tuple[str, str]] = set()
        for src in component:
            for dst in sorted(graph.edges.get(src, {})):
                if dst not in members or (src, dst) in covered:
                    continue
                chain = [src] + _shortest_path(graph, dst, src, members)
                covered.update(zip(chain, chain[1:]))
                found.append(chain)
    return found


def describe(graph: Graph, chain: list[str]) -> str:
    lines = [" -> ".join(chain)]
    for src, dst in zip(chain, chain[1:]):
        sites = ", ".join(str(site) for site in graph.edges[src][dst])
        lines.append(f"    {src} -> {dst}: {sites}")
    return "\n".join(lines)


def report(root: Path = ROOT, packages=PACKAGES) -> list[str]:
    graph = build_graph(root, packages)
    return [describe(graph, chain) for chain in cycles(graph)]


# ---------------------------------------------------------------------------------------------- tests


def test_no_import_cycle():
    found = report()
    assert not found, f"{len(found)} import cycle(s):\n" + "\n".join(found)


# The layers, lowest first: a module may import its own layer and those below, never one above.
# index (the write path and the shared core) knows nothing of bot; the answering pipeline knows nothing
# of the doors (serve, cli), the evaluation harness or the answer renderers other than plain text.
LAYERS = (
    ("index",),
    ("bot.answer", "bot.errors", "bot.interfaces", "bot.turn", "bot.question", "bot.retrieve", "bot.compose",
     "bot.generate", "bot.cite", "bot.safety", "bot.render.text"),
    ("bot.flow", "bot.posts"),
    ("bot.api", "bot"),
    ("bot.render", "bot.serve", "bot.eval", "bot.cli"),
)


def layer_of(module: str) -> int:
    best, at = -1, -1
    for i, prefixes in enumerate(LAYERS):
        for p in prefixes:
            if (module == p or module.startswith(p + ".")) and len(p) > best:
                best, at = len(p), i
    return at


def test_no_module_imports_a_layer_above_its_own():
    graph = build_graph()
    upward = [f"{src} -> {dst} ({', '.join(map(str, sites))})"
              for src, dsts in graph.edges.items() for dst, sites in dsts.items()
              if layer_of(dst) > layer_of(src) and not all(site.implied_by for site in sites)]
    assert not upward, "imports of a higher layer:\n" + "\n".join(upward)
    assert layer_of("index.store") == 0 and layer_of("bot.compose.plan") == 1 and layer_of("bot.serve.ui") == 4


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def test_checker_finds_a_cycle_through_a_function_level_import(tmp_path):
    _write(tmp_path, {
        "pkg/__init__.py": "",
        "pkg/a.py": "from pkg.b import helper\n",
        "pkg/b.py": "def helper():\n    from . import a\n    return a\n",
        "pkg/c.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg import a\n",
    })
    found = report(tmp_path, ("pkg",))
    assert found == [
        "pkg.a -> pkg.b -> pkg.a\n    pkg.a -> pkg.b: pkg/a.py:1\n    pkg.b -> pkg.a: pkg/b.py:2"]


def test_checker_passes_an_acyclic_package(tmp_path):
    _write(tmp_path, {
        # __init__ importing its submodules, which import their siblings: the usual layout, no cycle
        "pkg/__init__.py": "from .a import A\nfrom . import b\n",
        "pkg/a.py": "import pkg.b\nfrom pkg.sub.c import C\n",
        "pkg/b.py": "def f():\n    import json\n    from .sub import c\n",
        "pkg/sub/__init__.py": "from .c import C\n",
        "pkg/sub/c.py": "from ..d import D\nfrom typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg.a import A\n",
        "pkg/d.py": "D = 1\n",
    })
    assert report(tmp_path, ("pkg",)) == []


def test_checker_counts_implied_and_explicit_package_edges(tmp_path):
    _write(tmp_path, {
        # importing other.x runs other/__init__, which imports pkg.a back: a cycle through the parent
        "pkg/__init__.py": "",
        "pkg/a.py": "from other.x import X\n",
        "other/__init__.py": "from pkg.a import *\n",
        "other/x.py": "X = 1\n",
        # an explicit import of one's own package reads a half-initialised __init__: a cycle
        "own/__init__.py": "from .m import M\nN = 1\n",
        "own/m.py": "def f():\n    from own import N\nM = 1\n",
    })
    assert report(tmp_path, ("pkg", "other", "own")) == [
        "other -> pkg.a -> other\n    other -> pkg.a: other/__init__.py:1\n"
        "    pkg.a -> other: pkg/a.py:1 (runs it by importing other.x)",
        "own -> own.m -> own\n    own -> own.m: own/__init__.py:1\n    own.m -> own: own/m.py:2",
    ]


if __name__ == "__main__":
    found = report()
    print("\n".join(found) if found else "no import cycle")
    sys.exit(1 if found else 0)
