"""The architecture styles the code shows, each with examples taken from the code.

Recognised only from structure and code, never from a README's claim:
- layers: at least two layer folders (`detect.architecture.layers` for Python, the hexagonal folders
  of `detect.architecture.typescript` for TypeScript), with the import directions between them;
- ports and adapters: an interface of the domain/application layer with an implementation (Python:
  `find_ports`; TypeScript: an infrastructure class implementing or extending a class imported from
  the domain or application folder);
- CQS: both command handlers and query handlers exist;
- bounded contexts: at least two domain packages (Python) or domain sub-folders (TypeScript).
What is missing for each style is said, so "not determined" carries its reason.
"""

from __future__ import annotations

from collections import defaultdict

from archaudit.architecture_doc.places import first_definition, quoted
from archaudit.detect.architecture.layers import LAYER_ORDER, is_test_path, layer_edges, layers
from archaudit.detect.architecture.patterns import find_domain_packages, find_ports
from archaudit.detect.architecture.typescript import layer_of_path, ts_architecture
from archaudit.findings import Evidence, Message
from archaudit.model import LayerEdge, Statement, Style
from archaudit.repo import Repo
from archaudit.resolve.typescript_index import is_ts_test, resolve_import, ts_facts

_EXAMPLES = 4


def _order(layer: str) -> int:
    return LAYER_ORDER.index(layer) if layer in LAYER_ORDER else len(LAYER_ORDER)


def _ts_layer_edges(repo: Repo) -> list[LayerEdge]:
    """Imports between the hexagonal folders of the TypeScript code (type-only imports included:
    they are a dependency of the source, if not of the build)."""
    found: dict[tuple[str, str], list[Evidence]] = defaultdict(list)
    for path, facts in sorted(repo.derived(ts_facts).items()):
        src = layer_of_path(path)[0]
        if not src or is_ts_test(path):
            continue
        for imp in facts["imports"]:
            target = resolve_import(repo, path, imp["module"]) if imp["module"].startswith(".") else None
            dst = layer_of_path(target)[0] if target else ""
            if dst and dst != src:
                found[(src, dst)].append(Evidence(path, imp["line"]))
    return [LayerEdge(s, d, len(ev), ev[0]) for (s, d), ev in sorted(found.items())]


def layer_edges_of(repo: Repo) -> list[LayerEdge]:
    python = [LayerEdge(s, d, len(imps), Evidence(imps[0].path, imps[0].line))
              for (s, d), imps in repo.derived(layer_edges).items()]
    python.sort(key=lambda e: (_order(e.source), _order(e.target)))
    return python + _ts_layer_edges(repo)


def _package_folder(path: str, package: str) -> str:
    """The folder of dotted `package` inside `path` (`src/app/api/v1/x.py`, `app.api` -> `src/app/api`)."""
    parts, pkg = path.split("/"), package.split(".")
    for i in range(len(parts) - len(pkg), -1, -1):
        if parts[i : i + len(pkg)] == pkg:
            return "/".join(parts[: i + len(pkg)])
    return path.rsplit("/", 1)[0]


def layer_folders(repo: Repo) -> dict[str, tuple[str, list[str]]]:
    """Folder -> (layer, its non-test source files), Python and TypeScript (memoise with `repo.derived`)."""
    folders: dict[str, tuple[str, list[str]]] = {}
    for path, info in sorted(repo.derived(layers).items()):
        folder = _package_folder(path, info.package)
        folders.setdefault(folder, (info.layer, []))[1].append(path)
    for folder, (layer, _) in repo.derived(ts_architecture).layers.items():
        files = [p for p in repo.derived(ts_facts) if p.startswith(folder + "/") and not is_ts_test(p)]
        folders[folder] = (layer, files)
    return folders


def _layers(repo: Repo, edges: list[LayerEdge]) -> Style | str:
    folders = repo.derived(layer_folders)
    names = {layer for layer, _ in folders.values()}
    if len(names) < 2:
        return Message("layers: fewer than two layer folders (api/, services/, domain/, infrastructure/...) were found")
    summary = Statement(Message("The code is split into {n} layers by folder: {layers}", n=len(names),
                                layers=", ".join(sorted(names, key=_order))),
                        tuple(first_definition(repo, files) for _, files in folders.values()))
    examples = [Statement(Message.plural("{folder}/ holds the {layer} layer ({n} file)",
                                         "{folder}/ holds the {layer} layer ({n} files)",
                                         folder=folder, layer=layer, n=len(files)),
                          (first_definition(repo, files),))
                for folder, (layer, files) in sorted(folders.items(), key=lambda kv: (_order(kv[1][0]), kv[0]))]
    examples += [Statement(Message.plural("{source} imports {target} ({n} import)",
                                          "{source} imports {target} ({n} imports)",
                                          source=e.source, target=e.target, n=e.imports),
                           (quoted(repo, *_place(e)),)) for e in edges]
    return Style(Message("Layers"), summary, tuple(examples))


def _place(edge: LayerEdge) -> tuple[str, int]:
    return edge.evidence.path, edge.evidence.line


def _ts_ports(repo: Repo) -> list[Statement]:
    """Infrastructure classes implementing or extending a class imported from the domain or the
    application folder: an adapter and its port."""
    out = []
    for path, facts in sorted(repo.derived(ts_facts).items()):
        if layer_of_path(path)[0] != "infrastructure" or is_ts_test(path):
            continue
        origin: dict[str, str] = {}
        for imp in facts["imports"]:
            target = resolve_import(repo, path, imp["module"]) if imp["module"].startswith(".") else None
            if target and layer_of_path(target)[0] in ("domain", "application"):
                origin.update({n.rsplit(" as ", 1)[-1]: target for n in imp["names"]})
        for cls in facts["classes"]:
            for port in [*cls["implements"], cls["extends"]]:
                if port and port.split("<")[0] in origin:
                    declared = origin[port.split("<")[0]]
                    out.append(Statement(Message("{name} (infrastructure) implements the port {port} declared in "
                                                 "{declared}",
                                                 name=cls["name"], port=port, declared=declared),
                                         (quoted(repo, path, cls["line"]),)))
    return out


def _ports(repo: Repo) -> Style | str:
    ports = [p for p in repo.derived(find_ports) if p.implementations]
    examples = [Statement(Message("Port {name} ({kind}) is implemented by {classes}", name=p.name, kind=p.kind,
                                  classes=", ".join(name for _, _, name in p.implementations[:3])),
                          (quoted(repo, p.path, p.line),
                           *(quoted(repo, path, line) for path, line, _ in p.implementations[:3])))
                for p in ports[:_EXAMPLES]]
    examples += _ts_ports(repo)[:_EXAMPLES]
    if not examples:
        return Message("ports and adapters: no interface of the domain or application layer (Protocol, ABC, or a "
                       "class an infrastructure class implements) with an implementation was found")
    summary = Statement(Message("Ports and adapters: {n} interface(s) of the inner layers have an implementation "
                                "elsewhere",
                                n=len(examples)), tuple(e.evidence[0] for e in examples))
    return Style(Message("Ports and adapters (hexagonal)"), summary, tuple(examples[:_EXAMPLES]))


def _python_handlers(repo: Repo) -> tuple[list[tuple[str, str, int]], list[tuple[str, str, int]]]:
    commands, queries = [], []
    for path, facts in sorted(repo.python_items()):
        if is_test_path(repo, path):
            continue
        for cls in facts["classes"]:
            if cls["name"].endswith("CommandHandler"):
                commands.append((cls["name"], path, cls["line"]))
            elif cls["name"].endswith("QueryHandler"):
                queries.append((cls["name"], path, cls["line"]))
    return commands, queries


def _cqs(repo: Repo) -> Style | str:
    arch = repo.derived(ts_architecture)
    py_commands, py_queries = _python_handlers(repo)
    commands, queries = arch.commands + py_commands, arch.queries + py_queries
    if not commands or not queries:
        return Message("CQS: {n} command handler(s) and {n2} query handler(s) were found; the separation needs "
                       "both", n=len(commands), n2=len(queries))
    examples = [Statement(Message("{name} handles a command",
                                  name=name), (quoted(repo, path, line),))
                for name, path, line in commands[:_EXAMPLES // 2]]
    examples += [Statement(Message("{name} handles a query",
                                   name=name), (quoted(repo, path, line),))
                 for name, path, line in queries[:_EXAMPLES // 2]]
    summary = Statement(Message("Command/query separation: {n} command handler(s), {n2} query handler(s)",
                                n=len(commands), n2=len(queries)), tuple(e.evidence[0] for e in examples))
    return Style(Message("Command/query separation (CQS)"), summary, tuple(examples))


def _contexts(repo: Repo) -> Style | str:
    examples = [Statement(Message("{folder}/ (standard files: {names})",
                                  folder=pkg.folder, names=', '.join(pkg.files)), (first_definition(repo, [
        p for p in repo.python if p.startswith(pkg.folder + "/")]),)) for pkg in repo.derived(find_domain_packages)]
    ts = repo.derived(ts_facts)
    for folder, n in repo.derived(ts_architecture).contexts.items():
        files = [p for p in ts if p.startswith(folder + "/")]
        examples.append(Statement(Message.plural("{folder}/ ({n} file)", "{folder}/ ({n} files)", folder=folder, n=n),
                                  (first_definition(repo, files),)))
    if len(examples) < 2:
        return Message("bounded contexts: fewer than two domain packages or domain sub-folders were found")
    summary = Statement(Message("{n} candidate bounded contexts (one folder per business domain)",
                                n=len(examples)),
                        tuple(e.evidence[0] for e in examples[:_EXAMPLES]))
    return Style(Message("Bounded contexts"), summary, tuple(examples[:12]))


def styles(repo: Repo, edges: list[LayerEdge]) -> tuple[list[Style], list[str]]:
    """(styles recognised, why each other style is not determined)."""
    found: list[Style] = []
    missing: list[str] = []
    for result in (_layers(repo, edges), _ports(repo), _cqs(repo), _contexts(repo)):
        (found.append(result) if isinstance(result, Style) else missing.append(result))  # type: ignore[func-returns-value]
    return found, missing
