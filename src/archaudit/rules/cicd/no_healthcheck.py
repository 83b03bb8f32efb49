"""CI008 deploy-without-healthcheck."""

from __future__ import annotations

import re
from collections.abc import Iterator

from archaudit.detect.deploy.manifests import (
    discovery_health_check,
    exposed_directly,
    find_compose_services,
    find_fly,
    find_render_services,
)
from archaudit.detect.formats.dockerfile import Dockerfile, command_text, find_dockerfiles
from archaudit.findings import Axis, Hit, Message, Severity
from archaudit.repo import Repo
from archaudit.rules.base import Rule

_WEB = re.compile(r"\b(uvicorn|gunicorn|hypercorn|daphne|waitress-serve|uwsgi|granian)\b|flask\s+run|"
                  r"manage\.py\s+runserver|\bnode\s|\bnpm\s+(run\s+)?start")


def _dockerfile(repo: Repo, path: str) -> Dockerfile | None:
    return next((d for d in find_dockerfiles(repo) if d.path == path), None)


def _probes(repo: Repo) -> bool:
    """Kubernetes/Helm manifests declaring probes: the orchestrator checks health itself."""
    return any(f.role == "deploy" and f.language == "yaml" and
               re.search(r"\b(liveness|readiness)Probe\b", repo.text(f.path) or "") for f in repo.files)


def check(repo: Repo) -> Iterator[Hit]:
    """Looks at deployment manifests for a web service with no health check: a render.yaml `type: web`
    service without `healthCheckPath`; a fly.toml with an HTTP service and no checks; a compose service
    built from the repository that publishes ports, has no `healthcheck:` and whose Dockerfile has no
    HEALTHCHECK (the Dockerfile resolved as compose does, relative to the compose file; a healthcheck in
    a sibling compose file for the same service counts, as compose merges them); a service registering
    a Consul health check is checked by its registry unless kompose exposes it directly; and, when no
    orchestrator manifest exists (render, fly, compose, Kubernetes probes), a Dockerfile whose start
    command runs a web server without HEALTHCHECK. Development compose files (by name or content:
    a reloading server, a dev environment, a mail catcher) are not deployments (execution context)."""
    render = find_render_services(repo)
    for svc in render:
        if svc.type == "web" and not svc.get("healthCheckPath"):
            yield Hit(svc.file, svc.line, Message("Web service {value} has no healthCheckPath.",
                                                  value=svc.name or Message("(unnamed)")),
                      key=f"render {svc.name}")
    fly = find_fly(repo)
    for path in sorted({p for p, _, _, _ in fly}):
        lines = repo.lines(path)
        http = next((n for n, t in enumerate(lines, 1) if t.strip() in ("[http_service]", "[[services]]")), 0)
        if http and not any(p == path and k == "checks" for p, k, _, _ in fly):
            yield Hit(path, http, Message("The fly.toml HTTP service declares no health check."), key=f"fly {path}")
    compose = find_compose_services(repo)
    # compose merges files: a healthcheck declared for the service in a sibling file counts
    checked = {(c.file.rpartition("/")[0], c.name) for c in compose if c.healthcheck}
    built = set()
    for c in compose:
        df = _dockerfile(repo, c.dockerfile_path) if c.build else None
        if df:
            built.add(df.path)
        if not c.build or not c.ports or c.healthcheck or (c.file.rpartition("/")[0], c.name) in checked:
            continue
        if df and df.last("HEALTHCHECK"):
            continue
        folder = c.dockerfile_path.rpartition("/")[0]
        if not exposed_directly(c) and discovery_health_check(repo, folder):
            continue
        yield Hit(c.file, c.line, Message("Service {name} publishes ports {names} but has no healthcheck.",
                                          name=c.name, names=', '.join(c.ports)),
                  key=f"compose {c.name}")
    if render or compose or any(k == "checks" for _, k, _, _ in fly) or _probes(repo):
        return
    for df in find_dockerfiles(repo):
        start = df.last("CMD") or df.last("ENTRYPOINT")
        if df.path in built or start is None or df.path.startswith(".devcontainer/"):
            continue
        if _WEB.search(command_text(start.args)) and not df.last("HEALTHCHECK"):
            yield Hit(df.path, start.line, Message("The image starts a web server but declares no HEALTHCHECK."),
                      key=f"dockerfile {df.path}")


RULE = Rule(
    id="CI008",
    name="deploy-without-healthcheck",
    axis=Axis.REPRODUCIBILITY,
    severity=Severity.LOW,
    title="A deployed web service has no health check",
    impact="The platform routes traffic to instances that started but cannot serve (database down, "
           "crash loop), and a broken release is not detected or rolled back automatically.",
    action="Declare a health check pointing at a cheap endpoint (render healthCheckPath, compose "
           "healthcheck, Dockerfile HEALTHCHECK, fly checks).",
    check=check,
    example_bad="services:\n  - type: web\n    startCommand: uvicorn app.main:app",
    example_good="services:\n  - type: web\n    startCommand: uvicorn app.main:app\n    healthCheckPath: /health",
)
