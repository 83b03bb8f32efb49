"""The history store: record an audit, read past audits back. Every query is SQLAlchemy Core over
`schema.py`; the schema is brought to the newest revision by Alembic when a database is opened.

SQLite (the default, one file in the user's data directory) and PostgreSQL (`postgresql://...`, through
psycopg 3, for a team) run the same code. Several machines may record into one PostgreSQL database at
once: a migration runs under a transaction-level advisory lock, and each audit is one transaction.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from archaudit.store import schema
from archaudit.store.records import AuditRow, NewAudit, StoreError

_MIGRATIONS = Path(__file__).parent / "migrations"
_LOCK_KEY = 0x61726368  # "arch": the advisory lock a PostgreSQL migration holds
_IN_CHUNK = 500  # fingerprints per IN (...) list


def engine_url(url: str) -> str:
    """`postgresql://` and `postgres://` mean psycopg 3 (SQLAlchemy's default would be psycopg2)."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _utc(value: dt.datetime) -> dt.datetime:
    """SQLite hands datetimes back without their zone; every time stored is UTC."""
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


class Store:
    """One history database (SQLite file or PostgreSQL server)."""

    def __init__(self, url: str) -> None:
        self.url = url
        try:
            sqlite = url.startswith("sqlite")
            # SQLite: wait for a concurrent writer (two audits finishing at once) instead of failing
            self.engine: Engine = sa.create_engine(engine_url(url), connect_args={"timeout": 10} if sqlite else {})
            self._migrate()
        except (sa.exc.SQLAlchemyError, ImportError, OSError, ValueError) as exc:
            raise StoreError(_why(exc)) from exc

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def _begin(self) -> Iterator[Connection]:
        try:
            with self.engine.begin() as conn:
                yield conn
        except sa.exc.SQLAlchemyError as exc:
            raise StoreError(_why(exc)) from exc

    def _migrate(self) -> None:
        """Bring the schema to the newest revision; a database already there costs one query (and no
        import of Alembic, a third of a cold audit's start-up: its version table is read directly)."""
        with self.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(sa.select(sa.func.pg_advisory_xact_lock(_LOCK_KEY)))
            revision = _current_revision(conn)
            if revision == schema.HEAD_REVISION:
                return
            if revision is None and conn.dialect.name == "sqlite" and not sa.inspect(conn).get_table_names():
                _create_at_head(conn)  # a brand-new file: what Alembic would build, without importing it
                return
            from alembic import command
            from alembic.config import Config

            config = Config()
            config.set_main_option("script_location", str(_MIGRATIONS))
            config.attributes["connection"] = conn
            command.upgrade(config, "head")

    def record(self, audit: NewAudit) -> int:
        """Store one audit in one transaction; returns its id."""
        with self._begin() as conn:
            repo_id = self._repository(conn, audit.identity, audit.name, audit.recorded_at)
            audit_id = conn.execute(schema.audits.insert().values(
                repository_id=repo_id, recorded_at=audit.recorded_at, tool_version=audit.tool_version,
                fingerprint_scheme=audit.fingerprint_scheme, commit=audit.commit, branch=audit.branch,
                git_note=audit.git_note[:200], root_name=audit.name[:255], config=audit.config,
                coverage=audit.coverage, findings_count=len(audit.findings),
            ).returning(schema.audits.c.id)).scalar_one()
            if audit.findings:
                conn.execute(schema.findings.insert(), [{**f, "audit_id": audit_id} for f in audit.findings])
            if audit.occurrences:
                conn.execute(schema.occurrences.insert(), [{**o, "audit_id": audit_id} for o in audit.occurrences])
            if audit.scores:
                conn.execute(schema.scores.insert(),
                             [{"audit_id": audit_id, "axis": a, "score": s} for a, s in audit.scores.items()])
            return int(audit_id)

    @staticmethod
    def _repository(conn: Connection, identity: str, name: str, now: dt.datetime) -> int:
        """The repository's id, created on its first audit (another machine may create it at the same
        moment: the unique identity decides, inside a savepoint)."""
        table = schema.repositories
        found = conn.execute(sa.select(table.c.id).where(table.c.identity == identity)).scalar_one_or_none()
        if found is not None:
            return int(found)
        try:
            with conn.begin_nested():
                return int(conn.execute(table.insert().values(identity=identity, name=name[:255], created_at=now)
                                        .returning(table.c.id)).scalar_one())
        except sa.exc.IntegrityError:
            return int(conn.execute(sa.select(table.c.id).where(table.c.identity == identity)).scalar_one())

    def repository_id(self, identity: str) -> int | None:
        with self._begin() as conn:
            table = schema.repositories
            found = conn.execute(sa.select(table.c.id).where(table.c.identity == identity)).scalar_one_or_none()
            return None if found is None else int(found)

    def audits(self, repository_id: int, limit: int | None = None) -> list[AuditRow]:
        """The repository's audits, oldest first (the newest `limit` when given)."""
        a = schema.audits
        query = sa.select(a).where(a.c.repository_id == repository_id).order_by(a.c.id.desc())
        if limit:
            query = query.limit(limit)
        with self._begin() as conn:
            rows = list(reversed(conn.execute(query).mappings().all()))
            return [self._row(conn, r) for r in rows]

    def audit(self, audit_id: int) -> AuditRow | None:
        a = schema.audits
        with self._begin() as conn:
            row = conn.execute(sa.select(a).where(a.c.id == audit_id)).mappings().one_or_none()
            return None if row is None else self._row(conn, row)

    def previous(self, repository_id: int, before: int | None) -> int | None:
        """The id of the repository's latest audit before audit `before` (None: the latest of all)."""
        a = schema.audits
        query = sa.select(sa.func.max(a.c.id)).where(a.c.repository_id == repository_id)
        if before is not None:
            query = query.where(a.c.id < before)
        with self._begin() as conn:
            found = conn.execute(query).scalar_one_or_none()
            return None if found is None else int(found)

    @staticmethod
    def _row(conn: Connection, row: Any) -> AuditRow:
        f, s = schema.findings, schema.scores
        severities = conn.execute(sa.select(f.c.severity, sa.func.count()).where(f.c.audit_id == row["id"])
                                  .group_by(f.c.severity)).all()
        axis_scores = conn.execute(sa.select(s.c.axis, s.c.score).where(s.c.audit_id == row["id"])
                                   .order_by(s.c.axis)).all()
        return AuditRow(
            id=row["id"], recorded_at=_utc(row["recorded_at"]), tool_version=row["tool_version"],
            fingerprint_scheme=row["fingerprint_scheme"], commit=row["commit"], branch=row["branch"],
            root_name=row["root_name"], findings_count=row["findings_count"],
            by_severity={sev: int(n) for sev, n in severities}, scores={ax: sc for ax, sc in axis_scores},
            config=row["config"] or {}, coverage=row["coverage"] or {},
        )

    def as_report(self, audit_id: int) -> dict[str, Any] | None:
        """A recorded audit in the shape of a JSON report's findings and scores (what `--compare`
        reads), so that a comparison with the store and with a file are one code path."""
        head = self.audit(audit_id)
        if head is None:
            return None
        f, o = schema.findings, schema.occurrences
        with self._begin() as conn:
            places: dict[str, list[dict[str, Any]]] = {}
            for row in conn.execute(sa.select(o).where(o.c.audit_id == audit_id)
                                    .order_by(o.c.finding, o.c.path, o.c.line, o.c.fingerprint)).mappings():
                places.setdefault(row["finding"], []).append(dict(row))
            found = []
            for row in conn.execute(sa.select(f).where(f.c.audit_id == audit_id).order_by(f.c.fingerprint)).mappings():
                mine = places.get(row["fingerprint"], [])
                found.append({
                    "fingerprint": row["fingerprint"], "rule": row["rule"], "severity": row["severity"],
                    "axis": row["axis"], "title": row["title"], "message": row["message"],
                    "occurrences": row["occurrences"], "places": [p["fingerprint"] for p in mine],
                    "evidence": [{"path": p["path"], "line": p["line"]} for p in mine]
                    or [{"path": row["path"], "line": row["line"]}],
                })
        return {
            "schema_version": "store", "tool": {"name": "archaudit", "version": head.tool_version},
            "fingerprint_scheme": head.fingerprint_scheme, "repository": head.root_name,
            "generated_at": head.recorded_at.isoformat(), "commit": head.commit, "audit_id": head.id,
            "findings": found, "scores": [{"axis": a, "score": sc} for a, sc in head.scores.items()],
        }

    def gone_since(self, repository_id: int, fingerprints: Iterable[str], current: int,
                   after: dt.datetime | None = None) -> dict[str, dt.datetime]:
        """For each finding fingerprint, when the first audit that no longer had it was recorded: the
        audit right after the last one (up to `current`) that had it; for a fingerprint the store never
        saw, the first audit recorded after `after` (the compared report's time, when known)."""
        wanted = sorted(set(fingerprints))
        a, f = schema.audits, schema.findings
        with self._begin() as conn:
            history = conn.execute(sa.select(a.c.id, a.c.recorded_at).where(
                a.c.repository_id == repository_id, a.c.id <= current).order_by(a.c.id)).all()
            last_seen: dict[str, int] = {}
            for start in range(0, len(wanted), _IN_CHUNK):
                chunk = wanted[start:start + _IN_CHUNK]
                rows = conn.execute(
                    sa.select(f.c.fingerprint, sa.func.max(f.c.audit_id)).join(a, a.c.id == f.c.audit_id)
                    .where(a.c.repository_id == repository_id, f.c.audit_id < current, f.c.fingerprint.in_(chunk))
                    .group_by(f.c.fingerprint)).all()
                last_seen.update({fp: int(seen) for fp, seen in rows})
        ids = [row[0] for row in history]
        times = {row[0]: _utc(row[1]) for row in history}
        first_after = next((i for i in ids if after is None or times[i] > _utc(after)), current)
        out = {}
        for fp in wanted:
            seen = last_seen.get(fp)
            index = bisect.bisect_right(ids, seen) if seen is not None else None
            gone = ids[index] if index is not None and index < len(ids) else (current if seen else first_after)
            out[fp] = times.get(gone, times.get(current, dt.datetime.now(dt.UTC)))
        return out


def _why(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}"[:300]


_ALEMBIC_VERSION = sa.table("alembic_version", sa.column("version_num"))


def _create_at_head(conn: Connection) -> None:
    """Create the tables of `schema` and stamp them at the head revision, as `alembic upgrade head`
    does on an empty database (the test suite checks that both give the same schema)."""
    schema.metadata.create_all(conn)
    version = sa.Table("alembic_version", sa.MetaData(),
                       sa.Column("version_num", sa.String(32), nullable=False),
                       sa.PrimaryKeyConstraint("version_num", name="alembic_version_pkc"))
    version.create(conn)
    conn.execute(version.insert().values(version_num=schema.HEAD_REVISION))


def _current_revision(conn: Connection) -> str | None:
    """The schema revision Alembic recorded (None for a new database), read as Alembic itself reads it."""
    if not sa.inspect(conn).has_table("alembic_version"):
        return None
    value = conn.execute(sa.select(_ALEMBIC_VERSION.c.version_num)).scalar()
    return None if value is None else str(value)
