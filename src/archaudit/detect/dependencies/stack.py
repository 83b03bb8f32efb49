"""Technology stack: the declared components by category (framework, ORM, driver, queue, auth,
monitoring...), each with its declared spec, file:line, locked version and whether the code imports
it; front-end packages from package.json in a separate table. Facts only, no judgement: judgements
about dependencies are the reproducibility rules (DEP...)."""

from __future__ import annotations

import re
from collections import Counter

from archaudit.data.stack_catalog import NPM, PYTHON
from archaudit.detect.dependencies.manifests import (
    Dependency,
    find_dependencies,
    find_lockfiles,
    locked_version,
    pinned_version,
    unparsed_requirements,
)
from archaudit.detect.dependencies.usage import usage_index, usage_of
from archaudit.findings import Evidence, Message
from archaudit.model import Fact, Section, Table
from archaudit.redact import redact_text
from archaudit.repo import Repo

CATEGORY_ORDER = (
    "framework", "ORM", "migrations", "database driver", "cache/broker", "task queue", "auth",
    "API documentation", "validation", "configuration", "logging", "monitoring", "server", "HTTP client",
    "cloud SDK", "third-party service", "test", "code quality",
)
_HEADLINE_CATEGORIES = ("framework", "ORM", "database driver", "task queue")
_VERSION = re.compile(r"(\d+)(?:\.(\d+))?")


def version_of(repo: Repo, dep: Dependency) -> str:
    """The version to show: locked, else pinned, else the lower bound of the spec, else ""."""
    locked = locked_version(repo, dep)
    if locked:
        return locked[0]
    pinned = pinned_version(dep)
    if pinned and pinned != "url":
        return pinned
    m = re.search(r"(?:>=|~=|\^|~|==)\s*v?([0-9][0-9A-Za-z.]*)", dep.spec)
    return m.group(1) if m else ""


def short_version(version: str) -> str:
    m = _VERSION.match(version)
    if not m:
        return ""
    return m.group(1) + ("." + m.group(2) if m.group(2) is not None else "")


def categorised(repo: Repo) -> list[tuple[str, str, Dependency]]:
    """(category, label, dependency) of the catalogued Python dependencies, in report order."""
    out = []
    for dep in find_dependencies(repo):
        if dep.ecosystem == "python" and dep.name in PYTHON and dep.kind != "constraint":
            category, label, _tech = PYTHON[dep.name]
            out.append((category, label, dep))
    rank = {c: i for i, c in enumerate(CATEGORY_ORDER)}
    out.sort(key=lambda t: (rank.get(t[0], len(rank)), t[2].name, t[2].source, t[2].line))
    return out


def _python_rows(repo: Repo) -> tuple[dict[str, object], ...]:
    rows = []
    for category, label, dep in categorised(repo):
        locked = locked_version(repo, dep)
        rows.append({
            "category": category, "component": label, "package": dep.name, "spec": dep.spec or Message("(any)"),
            "kind": dep.kind if not dep.group else f"{dep.kind} ({dep.group})",
            "locked": f"{locked[0]} ({locked[1]})" if locked else "-",
            "imported": usage_of(repo, dep), "file": dep.source, "line": dep.line,
        })
    return tuple(rows)


def _npm_rows(repo: Repo) -> tuple[dict[str, object], ...]:
    rows = []
    for dep in find_dependencies(repo):
        if dep.ecosystem == "npm" and dep.name in NPM:
            category, label = NPM[dep.name]
            locked = locked_version(repo, dep)
            rows.append({
                "app": dep.app or ".", "category": category, "component": label, "package": dep.name,
                "spec": dep.spec or Message("(any)"), "kind": dep.kind,
                "locked": f"{locked[0]} ({locked[1]})" if locked else "-", "file": dep.source, "line": dep.line,
            })
    rows.sort(key=lambda r: (str(r["app"]), str(r["category"]), str(r["package"])))
    return tuple(rows)


def headline(repo: Repo) -> str:
    """e.g. "FastAPI 0.110 + SQLAlchemy 2.0 + PostgreSQL (psycopg) + Celery/Redis"."""
    seen: dict[str, list[str]] = {c: [] for c in _HEADLINE_CATEGORIES}
    brokers: list[str] = []
    optional_drivers: set[str] = set()
    for category, label, dep in categorised(repo):
        if dep.kind not in ("runtime", "optional"):
            continue
        tech = PYTHON[dep.name][2]
        if category == "database driver" and dep.kind == "optional":
            optional_drivers.add(dep.name)  # an extra the user may install: not the app's database
            continue
        if category == "database driver" and tech:
            text = f"{tech} ({label})"
        elif category in _HEADLINE_CATEGORIES:
            version = short_version(version_of(repo, dep))
            text = f"{label} {version}".strip()
        else:
            if category == "cache/broker" and tech and tech not in brokers:
                brokers.append(tech)
            continue
        if category == "framework" and dep.name not in ("fastapi", "flask", "django", "starlette", "litestar",
                                                         "sanic", "aiohttp", "tornado", "quart", "falcon",
                                                         "pyramid", "djangorestframework"):
            continue
        if text not in seen[category]:
            seen[category].append(text)
    if any(t.startswith("FastAPI") for t in seen["framework"]):
        seen["framework"] = [t for t in seen["framework"] if not t.startswith("Starlette")]
    if not seen["database driver"]:
        seen["database driver"] = databases_from_urls(repo)
    if not seen["database driver"] and optional_drivers:
        n = len(optional_drivers)
        seen["database driver"] = [f"{n} optional database driver{'s' if n > 1 else ''}"]
    parts = [t for c in ("framework", "ORM", "database driver") for t in seen[c][:2]]
    for queue in seen["task queue"][:1]:
        parts.append(queue.split(" ")[0] + ("/" + brokers[0] if brokers else ""))
    if not seen["task queue"] and brokers:
        parts.append(brokers[0])
    return " + ".join(parts)


URL_DATABASES = {"postgresql": "PostgreSQL", "postgres": "PostgreSQL", "asyncpg": "PostgreSQL",
                  "psycopg": "PostgreSQL", "psycopg2": "PostgreSQL", "mysql": "MySQL", "pymysql": "MySQL",
                  "mysqldb": "MySQL", "aiomysql": "MySQL", "sqlite": "SQLite", "sqlite3": "SQLite",
                  "aiosqlite": "SQLite"}


def databases_from_urls(repo: Repo) -> list[str]:
    """Databases named by visible database URLs / Django engines when no driver is declared."""
    tokens = repo.derived(usage_index).dsn_tokens
    def outside_tests(places: list[tuple[str, int]]) -> bool:
        return any(repo.by_path[p].role != "test" for p, _ in places if p in repo.by_path)

    return sorted({URL_DATABASES[t] for t, places in tokens.items() if t in URL_DATABASES and outside_tests(places)})


def section(repo: Repo) -> Section:
    deps = find_dependencies(repo)
    python = [d for d in deps if d.ecosystem == "python"]
    npm = [d for d in deps if d.ecosystem == "npm"]
    facts: list[Fact] = []
    manifests = Counter(d.source for d in deps)
    for source in sorted(manifests):
        facts.append(Fact(Message("{source} declares {manifests} dependencies",
                                  source=source, manifests=manifests[source]), (Evidence(source, 0),)))
    for lock in find_lockfiles(repo):
        facts.append(Fact(Message("Lockfile committed: {path} ({kind})",
                                  path=lock.path, kind=lock.kind), (Evidence(lock.path, 0),)))
    catalogued = {d.name for _, _, d in categorised(repo)}
    others = sorted({d.name for d in python if d.name not in catalogued and d.kind != "constraint"})
    if others:
        shown = ", ".join(others[:30]) + (f" and {len(others) - 30} more" if len(others) > 30 else "")
        facts.append(Fact(Message("{n} other declared Python packages: {shown}",
                                  n=len(others), shown=shown)))
    tables = []
    py_rows = _python_rows(repo)
    if py_rows:
        tables.append(Table("stack", "Python components", ("category", "component", "package", "spec", "kind",
                                                           "locked", "imported"), py_rows))
    npm_rows = _npm_rows(repo)
    if npm_rows:
        tables.append(Table("frontend", "JavaScript/TypeScript packages (package.json)",
                            ("app", "category", "component", "package", "spec", "kind", "locked"), npm_rows))
    undetermined: list[str] = []
    undetermined += [Message("{place}: requirement not understood: {text}", place=f"{path}:{line}",
                                       text=redact_text(text)) for path, line, text in unparsed_requirements(repo)][:20]
    if not python and not npm:
        undetermined.append(Message("no declared dependency found (requirements*.txt, pyproject.toml, setup.cfg, "
                                    "Pipfile, package.json)"))
    return Section(key="stack", title="Technology stack", facts=tuple(facts), tables=tuple(tables),
                   undetermined=tuple(undetermined), headline=headline(repo))
