"""The components table: applications (apps with a manifest, the web process, workers, schedulers)
and technical components (databases, caches and queues, storage, partner APIs), each with the
evidence the audit's detectors already hold, and the diagram they make.

The Python side comes from `detect.overview.system_overview` (whose edges are only those the code
shows); TypeScript backends add the components their dependencies and env templates name
(`detect.data.typescript`), the web process their endpoints show, and the Bull edges their
producers and processors show. A component named only by a dependency gets a box, not an edge.
"""

from __future__ import annotations

from archaudit.detect.background.section import background_inventory
from archaudit.detect.background.typescript import find_ts_jobs
from archaudit.detect.data.typescript import find_ts_data
from archaudit.detect.dependencies.manifests import find_dependencies
from archaudit.detect.overview import system_overview
from archaudit.detect.structure import find_apps
from archaudit.detect.typescript_backends import find_ts_endpoints
from archaudit.findings import Evidence, Message
from archaudit.model import Component, ComponentRow, Overview
from archaudit.repo import Repo

_FRAMEWORKS = ("fastapi", "django", "flask", "starlette", "@nestjs/core", "express", "fastify", "koa", "next",
               "react", "vue", "svelte", "@angular/core")
DATABASE, CACHE, STORAGE, EXTERNAL = (Message("database"), Message("cache/queue"), Message("storage"),
                                      Message("external service"))
_KINDS = {"store": DATABASE, "broker": CACHE, "external": EXTERNAL}
_TS_KINDS = (("PostgreSQL", DATABASE), ("MySQL", DATABASE), ("MongoDB", DATABASE), ("SQLite", DATABASE),
             ("Redis", CACHE), ("Kafka", CACHE), ("RabbitMQ", CACHE),
             ("S3", STORAGE), ("Storage", STORAGE), ("Elasticsearch", DATABASE))
_TS_BOXES = {"database": "store", "cache/queue": "broker", "storage": "store", "external service": "external"}


def _app_evidence(repo: Repo, folder: str, manifest: str) -> Evidence:
    """The line declaring the app's framework in its manifest; the manifest itself otherwise."""
    deps = [d for d in repo.derived(find_dependencies) if d.app == folder and d.name in _FRAMEWORKS]
    deps.sort(key=lambda d: (_FRAMEWORKS.index(d.name), d.source, d.line))
    return Evidence(deps[0].source, deps[0].line) if deps else Evidence(manifest, 0)


def _applications(repo: Repo, overview: Overview, ts_web: Component | None) -> list[ComponentRow]:
    rows = [ComponentRow(a.folder + "/" if a.folder else repo.name, Message("application"), a.kind,
                         (_app_evidence(repo, a.folder, a.manifest),)) for a in repo.derived(find_apps)]
    for c in [*overview.components, *([ts_web] if ts_web else [])]:
        if c.kind == "process":
            kind = (Message("scheduler") if c.name == "scheduler" else Message("worker") if "worker" in c.name
                    else Message("web process"))
            rows.append(ComponentRow(c.name, kind, c.detail, c.evidence))
    for name, command, where in repo.derived(background_inventory).workers:
        rows.append(ComponentRow(Message("process {name}", name=name), Message("worker"), command, (where,)))
    for job in repo.derived(find_ts_jobs):
        if job.kind == "worker":
            rows.append(ComponentRow(Message("worker ({name})", name=job.name), Message("worker"),
                                     Message("entry point started by {detail}", detail=job.detail),
                                     (Evidence(job.file, job.line),)))
    return rows


def _ts_kind(name: str) -> str:
    return next((kind for word, kind in _TS_KINDS if word in name), EXTERNAL)


def _ts_technical(repo: Repo) -> list[ComponentRow]:
    """TypeScript backends' components, one row per name with every place that names it."""
    places: dict[str, list[tuple[str, Evidence]]] = {}
    for record in repo.derived(find_ts_data):
        if record.kind == "component":
            places.setdefault(record.name, []).append((record.detail, Evidence(record.file, record.line)))
    return [ComponentRow(name, _ts_kind(name), "; ".join(d for d, _ in found), tuple(e for _, e in found))
            for name, found in sorted(places.items())]


def _ts_web(repo: Repo) -> Component | None:
    endpoints = repo.derived(find_ts_endpoints)
    if not endpoints:
        return None
    frameworks = ", ".join(sorted({e.framework for e in endpoints}))
    first = min(endpoints, key=lambda e: (e.file, e.line))
    return Component(Message("web application ({frameworks})", frameworks=frameworks), "process",
                     (Evidence(first.file, first.line),), Message("{n} endpoints", n=len(endpoints)))


def _ts_edges(repo: Repo, web: Component | None, boxes: list[Component]) -> list[tuple[str, str, str]]:
    """Bull/BullMQ: the web process enqueues when a producer exists, a worker consumes when a
    processor exists (the queue box is the Redis component the dependencies name)."""
    jobs = repo.derived(find_ts_jobs)
    queue = next((b.name for b in boxes if "queues" in b.name), "")
    edges: list[tuple[str, str, str]] = []
    if queue and web and any(j.kind == "producer" for j in jobs):
        edges.append((web.name, queue, Message("enqueues jobs")))
    worker = next((j for j in jobs if j.kind == "worker"), None)
    if queue and any(j.kind == "processor" for j in jobs):
        edges.append((queue, Message("worker ({name})", name=worker.name) if worker else Message("job processors"),
                      Message("delivers jobs")))
    return edges


def components(repo: Repo) -> tuple[list[ComponentRow], list[ComponentRow], Overview]:
    """(applications, technical components, the diagram's overview)."""
    overview = system_overview(repo)
    ts_web = _ts_web(repo)
    applications = _applications(repo, overview, ts_web)
    technical = [ComponentRow(c.name, _KINDS.get(c.kind, c.kind), c.detail, c.evidence)
                 for c in overview.components if c.kind != "process"]
    ts_rows = []
    for row in _ts_technical(repo):  # a component both sides show keeps every place that shows it
        same = next((i for i, c in enumerate(technical) if c.name == row.name), None)
        if same is None:
            ts_rows.append(row)
        else:
            known = technical[same]
            technical[same] = ComponentRow(known.name, known.kind, Message.joined("; ", [known.detail, row.detail]),
                                           tuple(dict.fromkeys(known.evidence + row.evidence)))
    technical += ts_rows
    ts_boxes = [Component(r.name, _TS_BOXES[r.kind], r.evidence[:1], r.detail) for r in ts_rows]
    processes = list(overview.components) + ([ts_web] if ts_web else [])
    workers = [Component(r.name, "process", r.evidence, r.detail) for r in applications
               if r.kind == "worker" and r.name.startswith("worker (")]
    diagram = Overview(tuple(processes + workers + ts_boxes),
                       tuple(overview.edges) + tuple(_ts_edges(repo, ts_web, ts_boxes)))
    return applications, technical, diagram
