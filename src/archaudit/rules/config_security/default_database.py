"""CFG004 default-database-credentials."""

from __future__ import annotations

import re
from collections.abc import Iterator

from archaudit.detect.config.settings import Setting, entrypoint_export, find_settings, startup_guard
from archaudit.findings import Axis, Hit, Message, Severity
from archaudit.redact import is_placeholder_value
from archaudit.repo import Repo
from archaudit.rules.base import Rule
from archaudit.rules.config_security._helpers import not_in_production, pieces

_DSN = re.compile(r"^(?P<scheme>[a-z][a-z0-9+.-]*)://(?:(?P<user>[^:/@\s]*)(?::(?P<pw>[^@/\s]*))?@)?", re.IGNORECASE)
_WELL_KNOWN = frozenset({"postgres", "root", "password", "admin", "secret", "example", "changeme", "pass", "test",
                         "mysql", "user", "123456", "postgrespassword", "toor"})
_PASSWORD_PIECES = frozenset({"password", "pass", "passwd", "pwd"})
_DB_OWNERS = frozenset({"db", "database", "postgres", "postgresql", "pg", "mysql", "mariadb", "mongo", "mongodb",
                        "sql"})
_DB_SCHEMES = ("postgres", "mysql", "mariadb", "sqlite", "mongodb", "mssql", "oracle", "cockroach", "redis", "amqp")


def _is_dsn_setting(name: str) -> bool:
    parts = pieces(name)
    if "sentry" in parts:
        return False
    joined = "_".join(parts)
    return bool(re.search(r"(database|db|sqlalchemy|postgres|mysql|mongo)_(url|uri|dsn)|(^|_)dsn$|"
                          r"sqlalchemy_database_uri", joined))


def _is_db_password(name: str) -> bool:
    """`DB_PASSWORD`, `POSTGRES_PASSWORD`, `DATABASE_PASS`, `MYSQL_PWD`: the password the app presents to its
    database."""
    parts = pieces(name)
    return len(parts) >= 2 and parts[-1] in _PASSWORD_PIECES and any(p in _DB_OWNERS for p in parts[:-1])


def _literal_password(repo: Repo, s: Setting) -> tuple[int, str] | None:
    """(line, value) of a non-empty literal `PASSWORD` in Django `DATABASES["default"]`; the line is the
    key's own (found from the assignment down), else the assignment's. Placeholders are not passwords."""
    default = s.value.get("default") if isinstance(s.value, dict) else None
    value = default.get("PASSWORD") if isinstance(default, dict) else None
    if not isinstance(value, str) or not value.strip() or is_placeholder_value(value):
        return None
    lines = repo.lines(s.file)
    line = next((n for n in range(s.line, min(len(lines), s.line + 40) + 1)
                 if re.search(r"""['"]PASSWORD['"]\s*:""", lines[n - 1])), s.line)
    return line, value


def _problem(value: str) -> str:
    m = _DSN.match(value.strip())
    if not m or not m.group("scheme").lower().startswith(_DB_SCHEMES):
        return ""
    if m.group("scheme").lower().startswith("sqlite"):
        # `sqlite:////data/app.db`: an absolute path on a data volume is a chosen deployment, not a dev default
        path = value.strip()[m.end():].removeprefix("/")  # sqlite:///rel.db, sqlite:////abs.db
        return "" if path.startswith("/") and not path.startswith("/tmp/") else Message("a SQLite file database")
    user, pw = m.group("user") or "", m.group("pw") or ""
    if pw and (pw.lower() in _WELL_KNOWN or pw == user):
        return Message("a connection string with a well-known user/password pair")
    return ""


def check(repo: Repo) -> Iterator[Hit]:
    """Looks at database URL settings (DATABASE_URL, SQLALCHEMY_DATABASE_URI, *_DSN; not Sentry) whose
    default or environment fallback is a SQLite file at a relative path or a DSN with a well-known password
    (postgres, root, password, admin... or the user name repeated), outside development-only files and classes;
    database password settings (DB_PASSWORD, POSTGRES_PASSWORD...) whose default or fallback is such a
    well-known password (`os.getenv("DB_PASSWORD", "postgres")`); and Django `DATABASES` using the sqlite3
    engine, or giving a literal non-placeholder PASSWORD, in a non-development settings module. A setting that
    startup code refuses (a raise mentioning it), or that the entrypoint beside it always exports, is not
    reported. Passwords are never shown."""
    for s in find_settings(repo):
        if not_in_production(s) or not s.has_default:
            continue
        if _is_dsn_setting(s.name) and isinstance(s.value, str):
            problem = _problem(s.value)
            if problem and startup_guard(repo, s) is None and entrypoint_export(repo, s) is None:
                message = (Message("{name} ({source}) falls back to {problem} when {env} is unset.", name=s.name,
                                   source=s.source, problem=problem, env=s.env) if s.env else
                           Message("{name} ({source}) defaults to {problem}.", name=s.name, source=s.source,
                                   problem=problem))
                yield Hit(s.file, s.line, message, key=f"{s.source}.{s.name}")
        elif s.name == "DATABASES" and s.kind in ("django", "module") and isinstance(s.value, dict):
            default = s.value.get("default")
            if isinstance(default, dict) and str(default.get("ENGINE", "")).endswith("sqlite3"):
                yield Hit(s.file, s.line, Message("DATABASES in {source} uses the SQLite engine.",
                                                  source=s.source),
                          key=f"{s.source}.DATABASES")
            literal = _literal_password(repo, s)
            if literal:
                yield Hit(s.file, literal[0], Message("DATABASES in {source} gives the database password as a "
                                                      "literal in the code.", source=s.source),
                          key=f"{s.source}.DATABASES.PASSWORD", secrets=(literal[1],))
        elif _is_db_password(s.name) and isinstance(s.value, str) and s.value.lower() in _WELL_KNOWN \
                and startup_guard(repo, s) is None and entrypoint_export(repo, s) is None:
            how = Message("falls back to a well-known password when {env} is unset", env=s.env) if s.env \
                else Message("defaults to a well-known password")
            yield Hit(s.file, s.line, Message("{name} ({source}) {how}.", name=s.name, source=s.source, how=how),
                      key=f"{s.source}.{s.name}", secrets=(s.value,))


RULE = Rule(
    id="CFG004",
    name="default-database-credentials",
    axis=Axis.CONFIG_SECURITY,
    severity=Severity.MEDIUM,
    title="The database defaults to SQLite or to well-known credentials",
    impact="A deployment missing its DATABASE_URL silently starts on a local SQLite file (data lost on "
           "restart, no concurrency) or connects with a password everyone knows.",
    action="Make the database URL required (no default) or refuse to start outside development when the "
           "default is in use; keep development DSNs in .env.example.",
    check=check,
    example_bad='class Settings(BaseSettings):\n    DATABASE_URL: str = "sqlite+aiosqlite:///./dev.db"',
    example_good="class Settings(BaseSettings):\n    DATABASE_URL: PostgresDsn  # required",
)
