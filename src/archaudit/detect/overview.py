"""What the system is, as components and the edges between them: the verdict's diagram.

Components are the serving processes (the web application, workers, schedulers), the data stores and
brokers the code connects to, and the external services it imports; each carries the evidence that
shows it. Edges are only those the code shows: the web application uses a store whose driver it
declares, enqueues work when tasks exist, and calls the services it imports; a worker consumes its
queue. Nothing is inferred from names alone.
"""

from __future__ import annotations

from archaudit.data.stack_catalog import PYTHON
from archaudit.detect.api.section import find_endpoints
from archaudit.detect.background.section import background_inventory, find_queue_systems
from archaudit.detect.dependencies.stack import URL_DATABASES, categorised, databases_from_urls
from archaudit.detect.dependencies.usage import driver_used_by_dsn, usage_index, usage_of
from archaudit.detect.integrations import find_integrations
from archaudit.findings import Evidence, Message
from archaudit.model import Component, Overview
from archaudit.repo import Repo

WEB = Message("web application")
_QUEUE_LABELS = {"celery": "Celery", "rq": "RQ", "arq": "arq", "dramatiq": "Dramatiq", "huey": "Huey",
                 "taskiq": "taskiq", "saq": "SAQ"}


def _web(repo: Repo) -> Component | None:
    endpoints = find_endpoints(repo)
    if not endpoints:
        return None
    frameworks = sorted({e.framework for e in endpoints if e.framework})
    name = (Message("web application ({frameworks})", frameworks=", ".join(frameworks)) if frameworks else WEB)
    first = min(endpoints, key=lambda e: (e.file, e.line))
    return Component(name, "process", (Evidence(first.file, first.line),), Message("{n} endpoints", n=len(endpoints)))


def _stores(repo: Repo) -> list[Component]:
    """Databases and caches/brokers whose driver the code imports (or a database URL loads), and
    databases named by a database URL; a driver only declared is not an edge the code shows."""
    found: dict[str, Component] = {}
    for category, _label, dep in categorised(repo):
        tech = PYTHON[dep.name][2]
        if dep.kind != "runtime" or not tech or category not in ("database driver", "cache/broker"):
            continue
        if usage_of(repo, dep) != "yes" and not driver_used_by_dsn(repo, dep.name):
            continue
        kind = "store" if category == "database driver" else "broker"
        found.setdefault(tech, Component(tech, kind, (Evidence(dep.source, dep.line),),
                                         Message("driver {package}", package=dep.name)))
    places = repo.derived(usage_index).dsn_tokens
    for token, name in sorted(URL_DATABASES.items()):
        if name in databases_from_urls(repo) and name not in found and places.get(token):
            path, line = places[token][0]
            found[name] = Component(name, "store", (Evidence(path, line),), Message("named by a database URL"))
    return sorted(found.values(), key=lambda c: (c.kind, c.name))


def _workers(repo: Repo) -> list[Component]:
    bg = repo.derived(background_inventory)
    out = []
    for lib, where in find_queue_systems(repo):
        tasks = [t for t in bg.tasks if t.kind == lib]
        if tasks:
            out.append(Component(Message("{queue} worker", queue=_QUEUE_LABELS.get(lib, lib)), "process", (where,),
                                 Message("{n} tasks", n=len(tasks))))
    if bg.schedules:
        s = bg.schedules[0]
        out.append(Component(Message("scheduler"), "process", (Evidence(s.path, s.line),),
                             Message("{n} schedules", n=len(bg.schedules))))
    return out


_INFRASTRUCTURE = {"cache/broker": "broker", "queue": "broker", "database": "store"}


def _imported_infrastructure(repo: Repo, known: set[str]) -> list[Component]:
    """Brokers and databases the code imports a client of (Redis, MongoDB...), not already known."""
    return [Component(i.service, _INFRASTRUCTURE[i.category], (Evidence(i.uses[0][0], i.uses[0][1]),),
                      Message("imported ({module})", module=i.uses[0][2]))
            for i in find_integrations(repo)
            if i.uses and i.category in ("cache/broker", "database") and i.service not in known]


def _externals(repo: Repo) -> list[Component]:
    """Services outside the system (payment, email, cloud...): task queues and stores are not."""
    return [Component(i.service, "external", (Evidence(i.uses[0][0], i.uses[0][1]),), i.category)
            for i in find_integrations(repo) if i.uses and i.category not in _INFRASTRUCTURE]


def system_overview(repo: Repo) -> Overview:
    """The components and the edges the code shows between them."""
    web = _web(repo)
    stores, workers, externals = _stores(repo), _workers(repo), _externals(repo)
    stores += _imported_infrastructure(repo, {c.name for c in stores})
    components = ([web] if web else []) + workers + stores + externals
    edges: list[tuple[str, str, str]] = []
    brokers = [s for s in stores if s.kind == "broker"]
    for worker in (w for w in workers if w.name.endswith("worker")):
        if web:
            edges.append((web.name, worker.name, Message("enqueues tasks")))
        edges += [(b.name, worker.name, Message("delivers")) for b in brokers[:1]]
    if web:
        edges += [(web.name, s.name, Message("reads and writes") if s.kind == "store" else Message("uses"))
                  for s in stores]
        edges += [(web.name, e.name, Message("calls")) for e in externals]
    return Overview(tuple(components), tuple(edges))
