"""The data layer section: ORM models, Alembic revisions and database engines.

Facts come from `find_models` (detect/orm.py), `find_migrations` (detect/migrations.py) and
`find_engines` (detect/engines.py); this module only lays them out. The public finders are
re-exported here so other areas can `from archaudit.detect.data.section import find_models`.
"""

from __future__ import annotations

from collections import Counter

from archaudit.detect.data.engines import Engine, find_engines
from archaudit.detect.data.migrations import Migration, branch_points, find_migrations, heads, migration_chains
from archaudit.detect.data.orm import Model, find_models
from archaudit.detect.data.typescript import find_typeorm_sources
from archaudit.findings import Evidence, Message
from archaudit.model import Fact, Section, Table
from archaudit.repo import Repo

__all__ = ["Engine", "Migration", "Model", "find_engines", "find_migrations", "find_models", "section"]


def _model_rows(models: list[Model]) -> tuple[dict[str, object], ...]:
    return tuple({
        "model": m.name, "orm": m.label, "table": m.table or Message.known("not determined"),
        "mixins": ", ".join(m.mixins) or "-", "fields": "-" if m.columns is None else m.columns,
        "file": m.path, "line": m.line,
    } for m in models)


# How a revision's downgrade() is written (the facts' body kinds), said in the report's language;
# the English is the kind itself, so JSON keeps the codes
_DOWNGRADE_KINDS = {"code": Message("code"), "pass": Message("pass"), "ellipsis": Message("ellipsis"),
                    "not-implemented": Message("not-implemented"), "empty-return": Message("empty-return"),
                    "docstring-only": Message("docstring-only"), "missing": Message("missing")}


def downgrade_kind(kind: str) -> str:
    """A downgrade body kind as report text (an unknown kind as it is)."""
    return _DOWNGRADE_KINDS.get(kind, kind)


def _migration_rows(migrations: list[Migration]) -> tuple[dict[str, object], ...]:
    return tuple({
        "revision": m.revision, "down_revision": ", ".join(m.down_revisions) or "(base)",
        "date": m.date or Message.known("not determined"), "downgrade": downgrade_kind(m.downgrade),
        "file": m.path, "line": m.line,
    } for m in migrations)


def _model_facts(models: list[Model]) -> list[Fact]:
    if not models:
        return []
    kinds = Counter(m.label for m in models)
    text = ", ".join(f"{n} {k}" for k, n in sorted(kinds.items()))
    return [Fact(Message("{n} ORM models ({text})",
                         n=len(models), text=text), tuple(Evidence(m.path, m.line) for m in models[:5]))]


def _migration_facts(repo: Repo) -> list[Fact]:
    facts = []
    for chain, items in repo.derived(migration_chains).items():
        tops = heads(items)
        facts.append(Fact(
            Message("Alembic chain {chain}: {n} revisions, {heads} head(s): {names}", chain=chain, n=len(items),
                    heads=len(tops), names=", ".join(h.revision for h in tops)),
            tuple(Evidence(h.path, h.line) for h in tops),
        ))
        for rev, kids in branch_points(items).items():
            facts.append(Fact(Message("Revision {revision} branches into {n} revisions: {names}", revision=rev,
                                      n=len(kids), names=", ".join(k.revision for k in kids)),
                              tuple(Evidence(k.path, k.down_line) for k in kids)))
        weak = [m for m in items if m.downgrade != "code"]
        if weak:
            kinds = Counter(m.downgrade for m in weak)
            facts.append(Fact(
                Message("{n} of {total} revisions in {chain} have no working downgrade ({kinds})", n=len(weak),
                        total=len(items), chain=chain,
                        kinds=Message.joined(", ", [Message("{n} {kind}", n=n, kind=downgrade_kind(k))
                                                    for k, n in sorted(kinds.items())])),
                tuple(Evidence(m.path, m.downgrade_line or m.line) for m in weak[:5]),
            ))
    return facts


def _engine_facts(engines: list[Engine]) -> list[Fact]:
    facts = []
    for e in engines:
        pool = ", ".join(f"{k}={v}" for k, v in e.settings) or Message("no pool settings")
        kind = Message("async engine") if e.is_async else Message("sync engine")
        text = (Message("SQLAlchemy {kind} on {url} ({pool})", kind=kind, url=e.url, pool=pool) if e.url
                else Message("SQLAlchemy {kind} ({pool})", kind=kind, pool=pool))
        facts.append(Fact(text, (Evidence(e.path, e.line),)))
    modes = {e.is_async for e in engines}
    if modes:
        mode = (Message("both sync and async") if len(modes) == 2 else
                Message("async") if True in modes else Message("sync"))
        facts.append(Fact(Message("SQLAlchemy is used in {mode} mode",
                                  mode=mode), tuple(Evidence(e.path, e.line) for e in engines[:5])))
    return facts


def _typeorm_facts(repo: Repo) -> list[Fact]:
    """TypeORM data sources of a TypeScript backend and whether their pool is configured."""
    return [Fact("TypeORM data source (" + ("pool options set" if s.pooled else "default driver pool: no poolSize "
                                            "or extra") + ")", (Evidence(s.path, s.line),))
            for s in find_typeorm_sources(repo)]


def section(repo: Repo) -> Section:
    models = repo.derived(find_models)
    migrations = repo.derived(find_migrations)
    engines = repo.derived(find_engines)
    tables = []
    if models:
        tables.append(Table("models", "ORM models", ("model", "orm", "table", "mixins", "fields"),
                            _model_rows(models)))
    if migrations:
        tables.append(Table("migrations", "Alembic revisions", ("revision", "down_revision", "date", "downgrade"),
                            _migration_rows(migrations)))
    facts = _model_facts(models) + _migration_facts(repo) + _engine_facts(engines) + _typeorm_facts(repo)
    undetermined: list[str] = []
    if not models:
        undetermined.append(Message("no ORM model (SQLAlchemy, SQLModel, Django) was found"))
    if not migrations and any(m.kind != "django" for m in models):
        undetermined.append(Message("how the SQLAlchemy schema is migrated: no Alembic revision script was found"))
    unknown = [m.name for m in models if not m.table]
    if unknown:
        listed = ", ".join(unknown[:10]) + (" …" if len(unknown) > 10 else "")
        undetermined.append(Message("table name of {models}", models=listed))
    parts: list[str] = []
    if models:
        parts.append(Message("{n} ORM models", n=len(models)))
    if migrations:
        parts.append(Message("{n} Alembic revisions", n=len(migrations)))
    return Section(key="data", title="Data layer", facts=tuple(facts), tables=tuple(tables),
                   undetermined=tuple(undetermined), headline=Message.joined("; ", parts) if parts else "")
