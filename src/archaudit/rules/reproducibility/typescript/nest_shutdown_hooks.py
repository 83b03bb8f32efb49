"""TS120 ts-nest-no-shutdown-hooks.

NestJS runs `onModuleDestroy` / `beforeApplicationShutdown` / `onApplicationShutdown` only when the
application is closed: `app.close()`, or on a signal once `app.enableShutdownHooks()` is called. Without
either, SIGTERM (every deploy, every scale-down) kills the process where it stands: the TypeORM
DataSource, the Prisma client, Mongoose and queue connections are never closed and jobs in progress
are cut, although the modules holding them implement those hooks for exactly that.
"""

from __future__ import annotations

from collections.abc import Iterator

from archaudit.detect.api.ts_apps import TsApp, find_ts_apps, serving
from archaudit.findings import Axis, Evidence, Hit, Message, Premise, Severity
from archaudit.languages.typescript.facts import TsFacts, expr_text
from archaudit.repo import Repo
from archaudit.resolve.typescript_index import package_name, package_of, ts_facts
from archaudit.rules.base import Rule

# packages whose Nest integration keeps connections or workers that a shutdown hook closes
CONNECTION_PACKAGES = (
    "@nestjs/typeorm", "typeorm", "@prisma/client", "@nestjs/mongoose", "mongoose", "@nestjs/sequelize",
    "sequelize", "sequelize-typescript", "@mikro-orm/nestjs", "@mikro-orm/core", "@nestjs/bull", "@nestjs/bullmq",
    "bull", "bullmq", "ioredis", "redis", "amqplib", "amqp-connection-manager", "kafkajs", "pg", "mysql2",
)
_SIGNALS = frozenset({"SIGTERM", "SIGINT"})


def _handles_shutdown(facts: TsFacts) -> bool:
    """The file enables Nest's shutdown hooks, or installs its own SIGTERM/SIGINT handler, or wires a
    graceful-shutdown helper (`@godaddy/terminus`, `http-terminator`, `nestjs-graceful-shutdown`)."""
    for call in facts["calls"]:
        callee = call["callee"]
        if callee.endswith("enableShutdownHooks"):
            return True
        if (callee.rsplit(".", 1)[-1] in ("on", "once", "addListener", "prependListener") and call["args"]
                and (str(call["args"][0]) in _SIGNALS or expr_text(call["args"][0]).strip("'\"") in _SIGNALS)):
            return True
    return any(package_name(i["module"]) in ("@godaddy/terminus", "http-terminator", "nestjs-graceful-shutdown",
                                              "stoppable", "lightship") for i in facts["imports"])


def _connections(repo: Repo, folder: str) -> list[tuple[str, int, str]]:
    """(path, line, package) of the imports of connection-holding packages in the package's serving code."""
    out = []
    prefix = folder + "/" if folder else ""
    for path, facts in repo.derived(ts_facts).items():
        if not path.startswith(prefix) or not serving(repo, path):
            continue
        pkg = package_of(repo, path)
        if (pkg.folder if pkg else "") != folder:
            continue
        for imp in facts["imports"]:
            name = package_name(imp["module"])
            if name in CONNECTION_PACKAGES and not imp["type_only"]:
                out.append((path, imp["line"], name))
    return sorted(out)


def _package_handles(repo: Repo, folder: str) -> bool:
    prefix = folder + "/" if folder else ""
    return any(path.startswith(prefix) and serving(repo, path) and _handles_shutdown(facts)
               for path, facts in repo.derived(ts_facts).items())


def _premises(app: TsApp, held: list[tuple[str, int, str]]) -> tuple[Premise, ...]:
    path, line, name = held[0]
    holds = Premise(Message("the application holds connections ({name} imported here)", name=name),
                    evidence=(Evidence(path, line),))
    if app.unfollowed:
        return holds, Premise.unknown(Message("the application's set-up is visible"),
                                      Message("the app is handed to {calls}, whose code is not in the repository and "
                                              "may enable the shutdown hooks", calls=", ".join(app.unfollowed)))
    return (holds,)


def check(repo: Repo) -> Iterator[Hit]:
    """Reads each NestJS application created in serving code (NestFactory.create) and the serving code of
    its package (the folder of its package.json): when none of it calls `enableShutdownHooks()`, installs a
    SIGTERM/SIGINT handler (`process.on('SIGTERM', ...)`) or imports a graceful-shutdown helper, and the
    package imports a connection-holding library (TypeORM, Prisma, Mongoose, Sequelize, MikroORM, Bull,
    Redis, AMQP, Kafka, a SQL driver), the bootstrap is reported. An app handed to set-up code outside the
    repository is not determined."""
    for app in repo.derived(find_ts_apps):
        if app.framework != "nestjs" or _package_handles(repo, app.package):
            continue
        held = _connections(repo, app.package)
        if not held:
            continue
        yield Hit(app.file, app.line,
                  Message("The NestJS application never enables shutdown hooks and handles no SIGTERM: on a deploy "
                          "or scale-down the process is killed without closing {names}.",
                          names=", ".join(sorted({n for _, _, n in held}))),
                  key="no-shutdown-hooks", premises=_premises(app, held))


RULE = Rule(
    id="TS120",
    name="ts-nest-no-shutdown-hooks",
    axis=Axis.REPRODUCIBILITY,
    severity=Severity.LOW,
    title="NestJS application without graceful shutdown",
    impact="Without enableShutdownHooks() Nest never runs onModuleDestroy / onApplicationShutdown on SIGTERM: "
           "database and queue connections are dropped instead of closed, and requests or jobs in progress are "
           "cut at every deploy or scale-down.",
    action="Call app.enableShutdownHooks() in the bootstrap (or handle SIGTERM and await app.close()).",
    check=check,
    example_bad="const app = await NestFactory.create(AppModule)\nawait app.listen(3000)",
    example_good="const app = await NestFactory.create(AppModule)\napp.enableShutdownHooks()\nawait app.listen(3000)",
)
