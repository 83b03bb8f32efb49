"""Data and technical components of TypeScript backends: TypeORM entities, Sequelize and Mongoose
models, Prisma schema models, migration folders, and the infrastructure the code relies on
(PostgreSQL, Redis, S3, Firebase, antivirus, partner HTTP APIs...), each with its evidence.

Components come from declared dependencies (package.json, evidence at the dependency's line) and
from variable names of committed env templates (.env.example & co): a component is listed only
when one of these shows it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from archaudit.repo import Repo
from archaudit.resolve.typescript_backend import production_ts
from archaudit.resolve.typescript_index import dep_line, is_ts_test, js_packages, package_of, ts_facts

_ENTITY_DECORATORS = {
    "Entity": "TypeORM entity",
    "ViewEntity": "TypeORM view",
    "Table": "Sequelize model",
    "Schema": "Mongoose schema",
}
_COMPONENT_DEPS: tuple[tuple[str, str], ...] = (
    ("pg", "PostgreSQL"),
    ("postgres", "PostgreSQL"),
    ("pg-promise", "PostgreSQL"),
    ("mysql2", "MySQL"),
    ("mysql", "MySQL"),
    ("mongodb", "MongoDB"),
    ("mongoose", "MongoDB"),
    ("@nestjs/mongoose", "MongoDB"),
    ("sqlite3", "SQLite"),
    ("better-sqlite3", "SQLite"),
    ("redis", "Redis"),
    ("ioredis", "Redis"),
    ("bull", "Redis (Bull queues)"),
    ("bullmq", "Redis (BullMQ queues)"),
    ("@nestjs/bull", "Redis (Bull queues)"),
    ("@nestjs/bullmq", "Redis (BullMQ queues)"),
    ("@aws-sdk/client-s3", "S3 object storage"),
    ("aws-sdk", "AWS SDK"),
    ("minio", "S3 object storage (MinIO)"),
    ("firebase-admin", "Firebase"),
    ("@google-cloud/storage", "Google Cloud Storage"),
    ("clamscan", "Antivirus (ClamAV)"),
    ("clamav.js", "Antivirus (ClamAV)"),
    ("kafkajs", "Kafka"),
    ("amqplib", "RabbitMQ"),
    ("amqp-connection-manager", "RabbitMQ"),
    ("@elastic/elasticsearch", "Elasticsearch"),
    ("@sentry/node", "Sentry"),
    ("@sentry/nestjs", "Sentry"),
    ("nodemailer", "E-mail (SMTP)"),
    ("@sendgrid/mail", "E-mail (SendGrid)"),
    ("stripe", "Stripe"),
    ("@nestjs/axios", "Partner HTTP APIs"),
    ("axios", "HTTP client (axios)"),
    ("got", "HTTP client (got)"),
    ("node-fetch", "HTTP client (node-fetch)"),
)
_ENV_COMPONENTS: tuple[tuple[str, str], ...] = (
    (r"DATABASE_URL|POSTGRES|^PG[A-Z_]*$", "PostgreSQL"),
    (r"REDIS", "Redis"),
    (r"(^|_)S3(_|$)|BUCKET", "S3 object storage"),
    (r"FIREBASE|FCM", "Firebase"),
    (r"ANTIVIRUS|CLAMAV|VIRUS", "Antivirus"),
    (r"SENTRY", "Sentry"),
    (r"SMTP|MAILJET|SENDGRID|BREVO", "E-mail"),
    (r"(^|_)API_URL$|(^|_)API_BASE", "Partner HTTP APIs"),
)
BACKEND_DEPS = ("@nestjs/core", "express", "fastify", "koa")
_ENV_FILES = re.compile(r"(^|/)\.env\.(example|sample|template|dist|defaults)$|(^|/)env\.example$")


@dataclass(frozen=True, order=True)
class DataRecord:
    """kind: entity | model | prisma-model | migrations | component."""

    kind: str
    name: str
    detail: str
    file: str
    line: int


def _entities(repo: Repo, out: list[DataRecord]) -> None:
    for path, facts in repo.derived(ts_facts).items():
        if is_ts_test(path):
            continue
        for cls in facts["classes"]:
            for d in cls["decorators"]:
                label = _ENTITY_DECORATORS.get(d["name"])
                if label is None:
                    continue
                table = d["args"][0] if d["args"] and isinstance(d["args"][0], str) else ""
                columns = sum(1 for f in cls["fields"] if f["decorators"])
                detail = f"{label}" + (f", table {table}" if table else "") + f", {columns} decorated fields"
                out.append(DataRecord("entity", cls["name"], detail, path, d["line"]))
        for call in facts["calls"]:
            args = call["args"]
            if call["callee"] in ("mongoose.model", "model", "sequelize.define") and args and isinstance(args[0], str):
                out.append(DataRecord("model", args[0], call["callee"], path, call["line"]))


def prisma_models(text: str) -> list[tuple[str, int]]:
    """(name, line) of each `model X {` block of a Prisma schema (a line parser, no regex)."""
    out = []
    for i, raw in enumerate(text.splitlines(), 1):
        words = raw.split("//", 1)[0].split()
        if (len(words) >= 3 and words[0] == "model" and words[2] == "{") or (
            len(words) == 2 and words[0] == "model" and words[1].endswith("{")
        ):
            out.append((words[1].rstrip("{"), i))
    return out


def _prisma(repo: Repo, out: list[DataRecord]) -> None:
    for f in repo.find(suffix=".prisma"):
        for name, line in prisma_models(repo.text(f.path) or ""):
            out.append(DataRecord("prisma-model", name, "Prisma model", f.path, line))


def _migrations(repo: Repo, out: list[DataRecord]) -> None:
    """Folders named migrations holding TS/JS migrations (or Prisma's migration.sql files)."""
    folders: dict[str, int] = {}
    first: dict[str, str] = {}
    for f in repo.files:
        parts = f.path.split("/")
        if "migrations" not in parts[:-1]:
            continue
        if f.language in ("typescript", "javascript") or f.path.endswith("/migration.sql"):
            folder = "/".join(parts[: parts.index("migrations") + 1])
            folders[folder] = folders.get(folder, 0) + 1
            first[folder] = min(first.get(folder, f.path), f.path)
    for folder, count in sorted(folders.items()):
        out.append(DataRecord("migrations", folder + "/", f"{count} migration files", first[folder], 0))


def _components(repo: Repo, out: list[DataRecord]) -> None:
    labels = dict(_COMPONENT_DEPS)
    for package in repo.derived(js_packages):
        if not any(dep in package.deps for dep in BACKEND_DEPS):
            continue
        for dep in sorted(package.deps):
            if dep in labels:
                line = dep_line(repo, package.manifest, dep)
                out.append(DataRecord("component", labels[dep], f"dependency {dep}", package.manifest, line))
    for f in repo.files:
        pkg = package_of(repo, f.path) if _ENV_FILES.search(f.path) else None
        if pkg is None or not any(dep in pkg.deps for dep in BACKEND_DEPS):
            continue
        seen = set()
        for i, raw in enumerate(repo.lines(f.path), 1):
            name = raw.split("=", 1)[0].strip().removeprefix("export ").strip()
            for pattern, label in _ENV_COMPONENTS:
                if "=" in raw and name and not name.startswith("#") and re.search(pattern, name) and label not in seen:
                    seen.add(label)
                    out.append(DataRecord("component", label, f"setting {name}", f.path, i))


def find_ts_data(repo: Repo) -> list[DataRecord]:
    """Entities, models, Prisma models, migration folders and technical components, sorted."""
    out: list[DataRecord] = []
    _entities(repo, out)
    _prisma(repo, out)
    _migrations(repo, out)
    _components(repo, out)
    return sorted(set(out))


_TYPEORM = ("typeorm", "@nestjs/typeorm")
_OPTION_KEYS = ("entities", "autoLoadEntities", "synchronize")  # keys the TS facts keep, one of which a data source has
_POOL_KEYS = frozenset({"poolSize", "extra", "pool", "replication"})


@dataclass(frozen=True)
class TypeOrmSource:
    """TypeORM data-source options written in production code: an object literal with `type`, a `host`
    or `url` (a networked database: SQLite has neither), and entities/synchronize."""

    path: str
    line: int
    keys: tuple[str, ...]  # every key of the object, "..." for a spread

    @property
    def pooled(self) -> bool:
        """Pool options set (`poolSize`, `extra: { max }`), or a spread that may hold them."""
        return bool(_POOL_KEYS.intersection(self.keys)) or "..." in self.keys


def find_typeorm_sources(repo: Repo) -> list[TypeOrmSource]:
    """TypeORM data sources of the application, by file and line (memoised). A data source only a
    package.json script loads (the migration CLI's `typeorm -d src/data-source.ts`) serves no request
    and is left out."""
    return repo.derived(_typeorm_sources)


def _typeorm_sources(repo: Repo) -> list[TypeOrmSource]:
    facts = repo.derived(ts_facts)
    scripts = " ".join(cmd for pkg in repo.derived(js_packages) for cmd in pkg.scripts.values())
    out = []
    for path in production_ts(repo):
        f = facts[path]
        if not any(i["module"] in _TYPEORM for i in f["imports"]):  # first: one pattern per file costs 0.6 s
            continue
        if re.search(r"(?:\s-d|--dataSource)[\s=]+\S*" + re.escape(path.rsplit("/", 1)[-1]), scripts):
            continue  # the data source of the migration CLI (`typeorm -d file`), not of the application
        seen: set[tuple[str, ...]] = set()
        for setting in f["settings"]:
            keys = tuple(setting["keys"])
            if setting["key"] in _OPTION_KEYS and keys not in seen and "type" in keys \
                    and ("host" in keys or "url" in keys):
                seen.add(keys)
                out.append(TypeOrmSource(path, setting["line"], keys))
    return out
