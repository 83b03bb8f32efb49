"""MIG006 create-all-beside-alembic."""

from __future__ import annotations

from collections.abc import Iterator

from archaudit.detect.data.migrations import find_migrations
from archaudit.findings import Axis, Evidence, Hit, Message, Severity
from archaudit.languages.python.facts import CallFact, FunctionFact, expr_text
from archaudit.repo import Repo
from archaudit.resolve.context import WITH_MIGRATIONS, Context, context_of
from archaudit.resolve.python_index import calls_by_function, function_index
from archaudit.rules.base import Rule

_STARTUP_NAMES = frozenset({"lifespan", "startup", "on_startup", "startup_event", "create_app", "main",
                            "init_app", "app_lifespan"})
_SKIP_DIRS = frozenset({"scripts", "script", "bin", "tools"})


def _is_create_all(name: str) -> bool:
    head, _, last = name.rpartition(".")
    return last == "create_all" and (head.endswith("metadata") or head == "db" or head.endswith(".db"))


def _creates_all(call: CallFact) -> bool:
    """`Base.metadata.create_all(...)`, `db.create_all()`, or `conn.run_sync(Base.metadata.create_all)`."""
    return _is_create_all(call["name"]) or any(_is_create_all(expr_text(a)) for a in call["args"])


def _is_startup(fn: FunctionFact) -> bool:
    if fn["name"] in _STARTUP_NAMES or "lifespan" in fn["name"] or "startup" in fn["name"]:
        return True
    for d in fn["decorators"]:
        last = d["name"].rsplit(".", 1)[-1]
        if (last == "on_event" and "startup" in d["args"]) or last in ("before_first_request", "on_startup"):
            return True
    return False


def _excluded(repo: Repo, path: str) -> bool:
    """Code that is not the serving application: tests, scripts and commands (`python import.py`),
    migrations. Its create_all is a set-up or import step someone runs, not the start-up."""
    parts = path.lower().split("/")
    return context_of(repo, path) is not Context.PRODUCTION or repo.by_path[path].role in ("test", "migration") \
        or any("test" in p for p in parts) or bool(_SKIP_DIRS.intersection(parts[:-1]))


def _stamps(calls: list[CallFact]) -> bool:
    """The same function stamps Alembic's version table (`command.stamp`, Flask-Migrate `stamp()`, a
    `stamp_latest_revision()` helper): create_all then stamp is Alembic's documented way to create a
    fresh database, so Alembic's history stays right."""
    return any("stamp" in c["name"].rsplit(".", 1)[-1] for c in calls)


def startup_create_alls(repo: Repo) -> list[tuple[str, CallFact, str, list[tuple[str, CallFact]]]]:
    """(path, create_all call, enclosing function or "", start-up callers) for each create_all the
    serving application runs at start-up: at module level, in a start-up function (lifespan, startup
    handlers, create_app, main), or in a function such a start-up function calls by name. Test code,
    scripts and commands (also as callers) are ignored, and so is a create_all followed by an Alembic
    stamp in the same function (the documented fresh-database set-up). Memoised."""
    return repo.derived(_startup_create_alls)


def _startup_create_alls(repo: Repo) -> list[tuple[str, CallFact, str, list[tuple[str, CallFact]]]]:
    functions = repo.derived(function_index)
    by_function = repo.derived(calls_by_function)
    if not any(_creates_all(c) for calls in by_function.values() for c in calls):
        return []
    startup_calls: dict[str, list[tuple[str, CallFact]]] = {}
    for (path, qualname), calls in by_function.items():
        fn = functions.get((path, qualname))
        if (qualname and (fn is None or not _is_startup(fn))) or _excluded(repo, path):
            continue  # only the serving application's start-up code calls "at start-up"
        for call in calls:
            startup_calls.setdefault(call["name"].rsplit(".", 1)[-1], []).append((path, call))
    out: list[tuple[str, CallFact, str, list[tuple[str, CallFact]]]] = []
    for (path, qualname), calls in sorted(by_function.items()):
        if _excluded(repo, path):
            continue
        fn = functions.get((path, qualname))
        direct = not qualname or (fn is not None and _is_startup(fn))
        callers = [] if direct or fn is None else startup_calls.get(fn["name"], [])
        if (not direct and not callers) or _stamps(calls):
            continue
        out.extend((path, call, qualname, callers) for call in calls if _creates_all(call))
    return out


def check(repo: Repo) -> Iterator[Hit]:
    """When Alembic revision scripts exist, reports `Base.metadata.create_all` / `db.create_all` (also
    passed to `run_sync`) called at application start-up (see `startup_create_alls`)."""
    migrations = repo.derived(find_migrations)
    if not migrations:
        return
    hint = Evidence(migrations[0].path, migrations[0].line)
    for path, call, qualname, callers in startup_create_alls(repo):
        where = Message("at module level") if not qualname else Message("in {function}()", function=qualname)
        also = (*(Evidence(p, c["line"]) for p, c in callers[:3]), hint)
        yield Hit(path, call["line"], Message("Tables are created with create_all {where} at start-up while "
                                              "Alembic revisions manage the schema.",
                                              where=where), also=also, key=qualname or "module")


RULE = Rule(
    id="MIG006",
    name="create-all-beside-alembic",
    axis=Axis.REPRODUCIBILITY,
    severity=Severity.MEDIUM,
    title="Tables created with create_all at start-up although Alembic manages the schema",
    impact="Two sources of truth for the schema: a fresh database gets tables straight from the models, "
           "Alembic's version table stays empty or wrong, and the next `alembic upgrade` fails or is skipped; "
           "drift between models and migrations goes unnoticed.",
    action="Remove create_all from the application start-up and run `alembic upgrade head` in the "
           "deployment (release step or entrypoint); keep create_all only in test fixtures.",
    contexts=WITH_MIGRATIONS,
    check=check,
    example_bad="@asynccontextmanager\nasync def lifespan(app):\n    async with engine.begin() as conn:\n"
                "        await conn.run_sync(Base.metadata.create_all)\n    yield",
    example_good="# Dockerfile / release step\nCMD alembic upgrade head && uvicorn app.main:app",
)
