"""PERF103 migrations-at-start-with-replicas."""

from __future__ import annotations

from collections.abc import Iterator

from archaudit.detect.deploy.processes import find_processes
from archaudit.findings import Axis, Hit, Message, Premise, Severity
from archaudit.repo import Repo
from archaudit.rules.base import Rule


def check(repo: Repo) -> Iterator[Hit]:
    """Looks for a web process whose start command (or the script it runs: an entrypoint, a
    Makefile target) applies database migrations before starting the server (`alembic upgrade
    head && gunicorn ...`, `manage.py migrate` in entrypoint.sh, `prisma migrate deploy && node
    ...`). The finding needs the manifest to run the service as several replicas (compose
    deploy.replicas, Kubernetes replicas); with no replica count stated it is not determined, and
    with one replica it is silent. Server worker processes do not count: the command runs once per
    container. Heroku/Render release and pre-deploy commands are the healthy variant."""
    for p in find_processes(repo):
        if p.kind != "web" or not p.migrates or (p.replicas is not None and p.replicas <= 1):
            continue
        if p.replicas and p.replicas_at:
            premise = Premise(Message("the service runs as {n} replicas", n=p.replicas), evidence=(p.replicas_at,))
        else:
            premise = Premise.unknown(Message("the service runs as several replicas"),
                                      Message("no replica count is stated for {source} {name}", source=p.source,
                                              name=p.name))
        yield Hit(p.file, p.line, Message("The {source} process {name} runs database migrations at start, before the "
                                          "server: every replica starting at once runs them concurrently.",
                                          source=p.source, name=p.name),
                  key=f"{p.source}:{p.name}", premises=(premise,), also=(p.replicas_at,) if p.replicas_at else ())


RULE = Rule(
    id="PERF103",
    name="migrations-at-start-with-replicas",
    axis=Axis.PERFORMANCE,
    severity=Severity.MEDIUM,
    title="Migrations run at container start of a replicated web service",
    impact="Each replica applies the migrations when it starts: during a deployment or a scale-out several "
           "copies race on the same schema changes (duplicate DDL, lock waits, a half-applied migration, "
           "replicas failing their start and restarting in a loop).",
    action="Run migrations once per release: a release/pre-deploy command, a Kubernetes Job or init "
           "container of a single pod, or a CI deploy step; let the web command only start the server.",
    check=check,
    example_bad="# docker-compose.yml\nweb:\n  command: sh -c 'alembic upgrade head && gunicorn app:app'\n"
                "  deploy:\n    replicas: 3",
    example_good="# Procfile\nrelease: alembic upgrade head\nweb: gunicorn app:app",
    languages=frozenset(),
)
