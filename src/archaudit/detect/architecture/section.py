"""The "architecture" section: layers and the imports between them, domain packages, how external
clients are instantiated, ports and their implementations, and the dependency-injection style.

Facts only: layers come from folder names (see `detect.layers`), clients from known constructors
(see `detect.components`), ports from Protocol/ABC classes (see `detect.patterns`).
"""

from __future__ import annotations

from collections import defaultdict

from archaudit.detect.architecture.components import find_clients
from archaudit.detect.architecture.layers import LAYER_ORDER, layer_edges, layers
from archaudit.detect.architecture.patterns import STANDARD_FILES, find_di, find_domain_packages, find_ports
from archaudit.findings import Evidence, Message
from archaudit.model import Fact, Section, Table
from archaudit.repo import Repo

_MAX_ROWS = 200


def _order(layer: str) -> int:
    return LAYER_ORDER.index(layer) if layer in LAYER_ORDER else len(LAYER_ORDER)


def _layer_table(repo: Repo) -> Table:
    packages: dict[str, set[str]] = defaultdict(set)
    modules: dict[str, int] = defaultdict(int)
    lines: dict[str, int] = defaultdict(int)
    first: dict[str, str] = {}
    for path, info in sorted(repo.derived(layers).items()):
        packages[info.layer].add(info.package)
        modules[info.layer] += 1
        lines[info.layer] += repo.python[path]["lines"]
        first.setdefault(info.layer, path)
    rows = []
    for layer in sorted(packages, key=_order):
        pk = sorted(packages[layer])
        shown = ", ".join(pk[:6]) + (f" (+{len(pk) - 6})" if len(pk) > 6 else "")
        rows.append({"layer": layer, "packages": shown, "modules": modules[layer], "lines": lines[layer],
                     "file": first[layer], "line": 0})
    return Table("layers", "Layers (from package names)", ("layer", "packages", "modules", "lines"), tuple(rows))


def _edges_table(repo: Repo) -> Table:
    rows = []
    for (src, dst), imps in sorted(repo.derived(layer_edges).items(), key=lambda kv: (_order(kv[0][0]),
                                                                                      _order(kv[0][1]))):
        rows.append({"from": src, "to": dst, "imports": len(imps), "file": imps[0].path, "line": imps[0].line})
    return Table("layer_imports", "Imports between layers (module-level)", ("from", "to", "imports"), tuple(rows))


def _domains_table(repo: Repo) -> Table:
    rows = []
    for pkg in repo.derived(find_domain_packages)[:_MAX_ROWS]:
        row: dict[str, object] = {"package": pkg.folder + "/"}
        row.update({name: "yes" if name in pkg.files else "-" for name in STANDARD_FILES})
        row.update({"file": pkg.path, "line": 0})
        rows.append(row)
    return Table("domain_packages", "Domain packages and their standard files", ("package", *STANDARD_FILES),
                 tuple(rows))


def _clients_table(repo: Repo) -> Table:
    rows = [{"client": c.client, "how": c.how, "function": c.func or "-", "file": c.path, "line": c.line}
            for c in repo.derived(find_clients)[:_MAX_ROWS]]
    return Table("clients", "How external clients are instantiated", ("client", "how", "function"), tuple(rows))


def _ports_table(repo: Repo) -> Table:
    rows = []
    for port in repo.derived(find_ports)[:_MAX_ROWS]:
        impls = ", ".join(f"{name} ({path}:{line})" for path, line, name in port.implementations[:4])
        rows.append({"port": port.name, "kind": port.kind, "implementations": impls or "none found",
                     "file": port.path, "line": port.line})
    return Table("ports", "Ports (Protocol/ABC interfaces) and implementations", ("port", "kind", "implementations"),
                 tuple(rows))


def _di_table(repo: Repo) -> Table:
    rows = [{"style": d.style, "detail": d.detail, "file": d.path, "line": d.line}
            for d in repo.derived(find_di)[:_MAX_ROWS]]
    return Table("dependency_injection", "Dependency injection", ("style", "detail"), tuple(rows))


def _facts(repo: Repo, tables: dict[str, Table]) -> list[Fact]:
    facts = []
    layer_rows = tables["layers"].rows
    if layer_rows:
        names = ", ".join(str(r["layer"]) for r in layer_rows)
        facts.append(Fact(Message("Layers recognised from package names: {names}",
                                  names=names),
                          tuple(Evidence(str(r["file"]), 0) for r in layer_rows)))
    clients = repo.derived(find_clients)
    by_how: dict[str, int] = defaultdict(int)
    for c in clients:
        by_how[c.how] += 1
    if clients:
        counted = Message.joined("; ", [Message("{how}: {n}", how=how, n=n) for how, n in sorted(by_how.items())])
        facts.append(Fact(Message("Client instantiation: {counts}", counts=counted),
                          tuple(Evidence(c.path, c.line) for c in clients[:5])))
    styles = sorted({d.style for d in repo.derived(find_di)})
    if styles:
        facts.append(Fact(Message("Dependency injection: {styles}", styles=", ".join(styles))))
    ports = repo.derived(find_ports)
    if ports:
        wired = sum(1 for p in ports if p.implementations)
        facts.append(Fact(Message("{n} ports declared, {wired} with an implementation found",
                                  n=len(ports), wired=wired),
                          tuple(Evidence(p.path, p.line) for p in ports[:5])))
    return facts


def section(repo: Repo) -> Section:
    """Layers, layer imports, domain packages, client instantiation, ports and DI of the Python code."""
    tables = {t.key: t for t in (_layer_table(repo), _edges_table(repo), _domains_table(repo),
                                 _clients_table(repo), _ports_table(repo), _di_table(repo))}
    undetermined = []
    if not repo.python:
        undetermined.append(Message("no parsed Python code: layers, clients and ports not determined"))
    elif not tables["layers"].rows:
        undetermined.append(Message("no layer folders (api/, services/, domain/, infrastructure/...) were "
                                    "recognised; layering not determined"))
    if repo.python and not tables["dependency_injection"].rows:
        undetermined.append(Message("no dependency-injection mechanism recognised (Depends, containers, registries)"))
    layer_names = [str(r["layer"]) for r in tables["layers"].rows]
    domains = len(tables["domain_packages"].rows)
    headline = ""
    if len(layer_names) >= 2 and domains:
        headline = Message("layered code: {layers}; {n} domain packages", layers=", ".join(layer_names), n=domains)
    elif len(layer_names) >= 2:
        headline = Message("layered code: {layers}", layers=", ".join(layer_names))
    elif domains:
        headline = Message("{n} domain packages", n=domains)
    return Section(key="architecture", title="Architecture", facts=tuple(_facts(repo, tables)),
                   tables=tuple(t for t in tables.values() if t.rows), undetermined=tuple(undetermined),
                   headline=headline)
