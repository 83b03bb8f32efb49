"""PERF005 engine-without-pool-settings."""

from __future__ import annotations

from collections.abc import Iterator

from archaudit.detect.data.engines import find_engines
from archaudit.detect.data.typescript import find_typeorm_sources
from archaudit.findings import Axis, Evidence, Hit, Message, Severity
from archaudit.model import Fact
from archaudit.repo import Repo
from archaudit.rules.base import PYTHON, TYPESCRIPT, Rule


def _production(repo: Repo, path: str) -> bool:
    parts = path.lower().split("/")
    return repo.by_path[path].role not in ("test", "migration") and not any("test" in p for p in parts)


def check(repo: Repo) -> Iterator[Hit]:
    """Reports SQLAlchemy `create_engine` / `create_async_engine` calls in application code whose URL is
    not SQLite (neither the literal, the expression text, nor connect_args point at SQLite) and that
    set none of pool_size, max_overflow, pool_pre_ping and no poolclass. Calls passing **kwargs are
    skipped: their settings cannot be read. TypeScript: `typeorm_without_pool`."""
    yield from typeorm_without_pool(repo)
    for e in repo.derived(find_engines):
        if e.mentions_sqlite or e.pooled or e.star_kwargs or not _production(repo, e.path):
            continue
        if any(k == "poolclass" for k, _ in e.settings):
            continue
        kind = "create_async_engine" if e.is_async else "create_engine"
        yield Hit(e.path, e.line, Message("{kind}({value}) relies on the default pool: no pool_size, max_overflow "
                                          "or pool_pre_ping.",
                                          kind=kind, value=e.url or Message("URL")), key=f"{kind}:{e.url}")


def typeorm_without_pool(repo: Repo) -> Iterator[Hit]:
    """TypeORM data-source options (`find_typeorm_sources`: `type`, a `host` or `url`, entities or
    synchronize, in production code importing TypeORM, not the migration CLI's data source) that set
    neither `poolSize` nor `extra` (the driver pool's `max`), nor spread other options in."""
    for src in find_typeorm_sources(repo):
        if not src.pooled:
            yield Hit(src.path, src.line, Message("The TypeORM data source relies on the driver's default pool: "
                                                  "no poolSize or extra (max, idle/connection timeouts)."),
                      key=f"typeorm:{','.join(src.keys)}")


def pool_strengths(repo: Repo) -> list[Fact]:
    """Strength: engines whose pool is explicitly sized or health-checked."""
    return [Fact(Message("Database connection pool configured ({settings})",
                         settings=", ".join(f"{k}={v}" for k, v in e.settings if k != "echo")),
                 (Evidence(e.path, e.line),))
            for e in repo.derived(find_engines) if e.pooled and _production(repo, e.path)]


RULE = Rule(
    id="PERF005",
    name="engine-without-pool-settings",
    axis=Axis.PERFORMANCE,
    severity=Severity.LOW,
    title="Database engine left with default pool settings",
    impact="The default pool (5 connections + 10 overflow, no liveness check) is sized for nobody in "
           "particular: under load requests queue for a connection, and after a database restart or idle "
           "timeout the first requests fail on stale connections.",
    action="Set pool_size/max_overflow from configuration to match workers x concurrency and the database "
           "limit, and enable pool_pre_ping (plus pool_recycle below the server's idle timeout).",
    check=check,
    languages=PYTHON | TYPESCRIPT,
    example_bad='engine = create_engine(settings.DATABASE_URL)',
    example_good='engine = create_engine(settings.DATABASE_URL, pool_size=settings.DB_POOL_SIZE,\n'
                 '                       max_overflow=10, pool_pre_ping=True, pool_recycle=1800)',
)
