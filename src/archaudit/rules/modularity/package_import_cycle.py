"""MOD052 package-import-cycle."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from archaudit.detect.architecture.layers import InternalImport, internal_imports
from archaudit.findings import Axis, Evidence, Hit, Message, Severity
from archaudit.repo import Repo
from archaudit.resolve.graphs import strongly_connected
from archaudit.rules.base import Rule

Graph = dict[str, dict[str, InternalImport]]  # package -> imported package -> first import


def _package(repo: Repo, path: str) -> str:
    """The top-level package of a module under a project package: `app.api` for `app.api.routes.x`."""
    parts = repo.module_of.get(path, "").split(".")
    return ".".join(parts[:2]) if len(parts) >= 2 else ""


def package_graph(repo: Repo) -> Graph:
    """Module-level imports between top-level packages (local and TYPE_CHECKING imports ignored)."""
    graph: Graph = defaultdict(dict)
    for imp in repo.derived(internal_imports):
        src, dst = _package(repo, imp.path), _package(repo, imp.target)
        if imp.local or not src or not dst or src == dst or src.split(".")[0] != dst.split(".")[0]:
            continue
        graph[src].setdefault(dst, imp)
    return dict(graph)


def cycles(graph: Graph) -> list[list[str]]:
    """Components of two or more packages that import each other, each sorted."""
    return sorted(c for c in strongly_connected(graph) if len(c) > 1)


def _cycle(graph: Graph, comp: list[str]) -> list[str]:
    """A shortest cycle through the component's first package (breadth-first), as a node list."""
    members = set(comp)
    start = comp[0]
    parents: dict[str, str] = {}
    queue = [start]
    for node in queue:
        for nxt in sorted(graph.get(node, {})):
            if nxt == start:
                path = [node]
                while path[-1] != start:
                    path.append(parents[path[-1]])
                return list(reversed(path))
            if nxt in members and nxt not in parents:
                parents[nxt] = node
                queue.append(nxt)
    return comp


def check(repo: Repo) -> Iterator[Hit]:
    """Builds the graph of module-level imports between top-level packages of each project package
    (`app.api`, `app.services`...), ignoring imports inside functions or under `if TYPE_CHECKING:`,
    finds its strongly connected components (Tarjan) and reports each cycle once, with the import
    line of every edge of a shortest cycle as evidence."""
    graph = package_graph(repo)
    for comp in cycles(graph):
        cycle = _cycle(graph, comp)
        edges = [graph[a][b] for a, b in zip(cycle, [*cycle[1:], cycle[0]], strict=True)]
        first, rest = edges[0], edges[1:]
        loop = " -> ".join([*cycle, cycle[0]])
        message = (Message("Import cycle between packages: {loop} ({n} packages are mutually dependent).",
                           loop=loop, n=len(comp)) if len(comp) > len(cycle)
                   else Message("Import cycle between packages: {loop}.", loop=loop))
        yield Hit(first.path, first.line, message,
                  also=tuple(Evidence(e.path, e.line) for e in rest), key=",".join(comp))


RULE = Rule(
    id="MOD052",
    name="package-import-cycle",
    axis=Axis.MODULARITY,
    severity=Severity.MEDIUM,
    title="Top-level packages import each other in a cycle",
    impact="Packages in a cycle cannot be understood, tested or extracted separately; import order "
           "becomes fragile (circular-import errors appear at the first refactor).",
    action="Break the cycle: move the shared piece to a lower package, invert the dependency with a port "
           "or an event, or make the upward import local to the one function that needs it.",
    check=check,
    example_bad="# app/services/orders.py\nfrom app.api.schemas import OrderOut\n# app/api/orders.py\n"
                "from app.services.orders import place_order",
    example_good="# app/schemas/orders.py holds OrderOut; both app.api and app.services import it",
)
