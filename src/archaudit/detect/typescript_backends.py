"""Section "TypeScript backends": NestJS modules and controllers, Express/Fastify/Koa routes, the
architecture style the code shows (hexagonal, CQS, DDD contexts, DI), queues/schedules/workers,
data models and technical components.

`find_ts_endpoints(repo)` returns the same `Endpoint` records as `detect.api.find_endpoints`, so
the API surface, the contract check and the rules can merge both.
"""

from __future__ import annotations

from collections import Counter

from archaudit.detect.api.endpoint import Endpoint
from archaudit.detect.api.express import find_express_endpoints
from archaudit.detect.api.nest import find_nest_endpoints, find_nest_modules
from archaudit.detect.api.nest_pipes import find_input_classes
from archaudit.detect.api.rate_limits import route_limit_facts, route_limits
from archaudit.detect.architecture.typescript import is_hexagonal, ts_architecture
from archaudit.detect.background.typescript import find_ts_jobs
from archaudit.detect.data.typescript import find_ts_data
from archaudit.findings import Evidence, Message
from archaudit.model import Fact, Section, Table
from archaudit.repo import Repo
from archaudit.resolve.typescript_index import js_packages

BACKEND_DEPS = (("@nestjs/core", "NestJS"), ("express", "Express"), ("fastify", "Fastify"), ("koa", "Koa"))


def find_ts_endpoints(repo: Repo) -> list[Endpoint]:
    """NestJS, Express, Fastify and Koa endpoints, sorted like `find_endpoints` (memoised)."""
    return repo.derived(_all_endpoints)


def _all_endpoints(repo: Repo) -> list[Endpoint]:
    eps = repo.derived(find_nest_endpoints) + repo.derived(find_express_endpoints)
    return sorted(set(eps), key=lambda e: e.sort_key)


def _backend_packages(repo: Repo) -> list[tuple[str, str, str]]:
    """(folder, framework label, manifest) of each package declaring a Node.js server framework."""
    out = []
    for pkg in repo.derived(js_packages):
        for dep, label in BACKEND_DEPS:
            if dep in pkg.deps:
                out.append((pkg.folder or "(root)", label, pkg.manifest))
                break
    return out


def _auth_label(ep: Endpoint) -> str:
    if ep.auth is None:
        return Message.known("not determined")
    if ep.auth:
        return Message("yes: {how}", how=ep.auth_evidence)
    return Message("{auth} ({how})", auth=Message.known("no"), how=ep.auth_evidence) if ep.auth_evidence \
        else Message.known("no")


def _arch_facts(repo: Repo) -> list[Fact]:
    arch = repo.derived(ts_architecture)
    facts = []
    if is_hexagonal(arch):
        facts.append(
            Fact(
                Message("Hexagonal layout: {layers}", layers=Message.joined(", ", [
                    Message("{folder}/ ({layer}, {n} files)", folder=folder, layer=layer, n=n)
                    for folder, (layer, n) in arch.layers.items()]))
            )
        )
    if arch.commands or arch.queries:
        ex = [*arch.commands[:2], *arch.queries[:2]]
        facts.append(
            Fact(
                Message("Command/query separation: {n} command handlers, {n2} query handlers (e.g. {names})",
                        n=len(arch.commands), n2=len(arch.queries), names=', '.join(c[0] for c in ex)),
                tuple(Evidence(c[1], c[2]) for c in ex),
            )
        )
    if arch.contexts:
        facts.append(
            Fact(
                Message("{n} domain sub-folders (candidate bounded contexts): {folders}", n=len(arch.contexts),
                        folders=", ".join(f"{c}/ ({n})" for c, n in arch.contexts.items()))
            )
        )
    if arch.injectables:
        facts.append(
            Fact(
                Message("Dependency injection: {injectables} @Injectable providers, {injected} typed constructor "
                        "parameters",
                        injectables=arch.injectables, injected=arch.injected),
                (Evidence(*arch.first_injectable),),
            )
        )
    return facts


def _input_facts(repo: Repo) -> list[Fact]:
    """How many request input classes (@Body / @Args types) carry class-validator constraints."""
    inputs = repo.derived(find_input_classes)
    if not inputs:
        return []
    bare = [c for c in inputs if not c.validated]
    if not bare:
        return [Fact(Message("Request input classes: all {n} carry class-validator constraints", n=len(inputs)),
                     (Evidence(inputs[0].file, inputs[0].line),))]
    return [Fact(Message("Request input classes: {bare} of {n} carry no class-validator constraint (e.g. {name})",
                         bare=len(bare), n=len(inputs), name=bare[0].name),
                 tuple(Evidence(c.file, c.line) for c in bare[:5]))]


def _rows(records: list, keys: tuple[str, ...]) -> tuple[dict[str, object], ...]:  # type: ignore[type-arg]
    return tuple({**{k: getattr(r, k) for k in keys}, "file": r.file, "line": r.line} for r in records)


def section(repo: Repo) -> Section:
    backends = _backend_packages(repo)
    endpoints = find_ts_endpoints(repo)
    modules = repo.derived(find_nest_modules)
    jobs = repo.derived(find_ts_jobs)
    data = repo.derived(find_ts_data)
    if not backends and not endpoints:
        return Section(key="ts_backend", title="TypeScript backends")
    facts = [Fact(Message("{folder}: {label} backend", folder=folder, label=label), (Evidence(manifest, 0),))
             for folder, label, manifest in backends]
    by_fw = Counter(e.framework for e in endpoints)
    if endpoints:
        facts.append(
            Fact(
                Message("{n} endpoints ({frameworks}); {guarded} behind a guard", n=len(endpoints),
                        frameworks=", ".join(f"{fw} {n}" for fw, n in sorted(by_fw.items())),
                        guarded=sum(1 for e in endpoints if e.auth))
            )
        )
    facts += route_limit_facts(route_limits(repo))
    facts += _input_facts(repo)
    facts += _arch_facts(repo)
    workers = [j for j in jobs if j.kind == "worker"]
    facts += [Fact(Message("Separate worker entry point {name} ({detail})",
                           name=w.name, detail=w.detail), (Evidence(w.file, w.line),)) for w in workers]
    tables = (
        Table(
            "ts_modules",
            "NestJS modules",
            ("name", "imports", "controllers", "providers"),
            tuple(
                {
                    "name": m.name,
                    "imports": ", ".join(m.imports) or "-",
                    "controllers": ", ".join(m.controllers) or "-",
                    "providers": len(m.providers),
                    "file": m.file,
                    "line": m.line,
                }
                for m in modules
            ),
        ),
        Table(
            "ts_endpoints",
            "TypeScript endpoints",
            ("method", "path", "handler", "framework", "auth"),
            tuple(
                {
                    "method": e.method,
                    "path": e.path,
                    "handler": e.handler,
                    "framework": e.framework,
                    "auth": _auth_label(e),
                    "file": e.file,
                    "line": e.line,
                }
                for e in endpoints
            ),
        ),
        Table(
            "ts_jobs",
            "Queues, jobs and schedules",
            ("kind", "name", "detail"),
            _rows([j for j in jobs if j.kind != "worker"], ("kind", "name", "detail")),
        ),
        Table(
            "ts_data",
            "Data models and migrations",
            ("kind", "name", "detail"),
            _rows([d for d in data if d.kind != "component"], ("kind", "name", "detail")),
        ),
        Table(
            "ts_components",
            "Technical components",
            ("name", "detail"),
            _rows([d for d in data if d.kind == "component"], ("name", "detail")),
        ),
    )
    undetermined = []
    if backends and not endpoints:
        undetermined.append(Message("no endpoint could be read statically from the TypeScript backend code"))
    if endpoints and all(e.auth is None for e in endpoints):
        undetermined.append(Message("endpoint protection: no guard or auth middleware is visible"))
    headline: str = ", ".join(f"{label} ({folder})" for folder, label, _ in backends)
    if endpoints:
        headline = Message("{backends}; {n} endpoints", backends=headline, n=len(endpoints))
    return Section(
        key="ts_backend",
        title="TypeScript backends",
        facts=tuple(facts),
        tables=tables,
        undetermined=tuple(undetermined),
        headline=headline,
    )
