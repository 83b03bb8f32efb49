"""Deployment inventory: Dockerfiles (base image, start command, health check, user), compose
services, Procfile processes, render.yaml services, app.yaml, fly.toml, and the Python versions
declared anywhere.

`find_start_commands(repo)` lists how the application is started, from every manifest that says
so; rules use it to tell which server packages are really used.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from archaudit.detect.deploy import processes, pyversions
from archaudit.detect.deploy.manifests import (
    find_app_yaml,
    find_compose_services,
    find_fly,
    find_procfile,
    find_render_services,
)
from archaudit.detect.formats.dockerfile import command_text, find_dockerfiles
from archaudit.findings import Evidence, Message
from archaudit.model import Fact, Section, Table
from archaudit.repo import Repo


@dataclass(frozen=True)
class StartCommand:
    source: str  # Procfile | render.yaml | Dockerfile | docker-compose | app.yaml | fly.toml
    process: str  # web, worker, release, build, the compose service...
    command: str
    file: str
    line: int


def _compute(repo: Repo) -> list[StartCommand]:
    out = [StartCommand("Procfile", e.process, e.command, e.file, e.line) for e in find_procfile(repo)]
    for svc in find_render_services(repo):
        for key, label in (("startCommand", "start"), ("dockerCommand", "start"), ("preDeployCommand", "pre-deploy"),
                           ("buildCommand", "build")):
            if svc.get(key):
                out.append(StartCommand("render.yaml", f"{svc.name or svc.type} {label}", svc.get(key), svc.file,
                                        svc.line_of(key)))
    for df in find_dockerfiles(repo):
        for keyword in ("ENTRYPOINT", "CMD"):
            ins = df.last(keyword)
            if ins:
                out.append(StartCommand("Dockerfile", keyword, command_text(ins.args), df.path, ins.line))
    for c in find_compose_services(repo):
        if c.command:
            out.append(StartCommand("docker-compose", c.name, c.command, c.file, c.command_line))
    for path, key, value, line in find_app_yaml(repo):
        if key == "entrypoint":
            out.append(StartCommand("app.yaml", "entrypoint", value, path, line))
    for path, key, value, line in find_fly(repo):
        if key.startswith("process"):
            out.append(StartCommand("fly.toml", key.split(" ", 1)[1], value, path, line))
    return sorted(out, key=lambda s: (s.file, s.line, s.process))


def find_start_commands(repo: Repo) -> list[StartCommand]:
    """How the application is started (and built/released) according to each deployment manifest."""
    return repo.derived(_compute)


def _docker_rows(repo: Repo) -> list[dict[str, Any]]:
    rows = []
    for df in find_dockerfiles(repo):
        bases = [i.args.split()[0] for i in df.all("FROM") if i.args]
        user, health = df.last("USER"), df.last("HEALTHCHECK")
        start = df.last("CMD") or df.last("ENTRYPOINT")
        rows.append({"base images": ", ".join(bases) or "-", "user": user.args if user else Message("(root: no USER)"),
                     "healthcheck": health.args[:80] if health else Message("none"),
                     "starts": command_text(start.args)[:120] if start else "-",
                     "file": df.path, "line": df.all("FROM")[0].line if df.all("FROM") else 0})
    return rows


def _compose_rows(repo: Repo) -> list[dict[str, Any]]:
    return [{"service": c.name, "image/build": c.image or (f"build {c.build}" if c.build else "-"),
             "command": c.command[:100] or "-", "ports": ", ".join(c.ports) or "-",
             "healthcheck": "yes" if c.healthcheck else "no", "depends on": ", ".join(c.depends_on) or "-",
             "file": c.file, "line": c.line} for c in find_compose_services(repo)]


def _render_rows(repo: Repo) -> list[dict[str, Any]]:
    return [{"service": s.name, "type": s.type or "-", "build": s.get("buildCommand")[:100] or "-",
             "start": (s.get("startCommand") or s.get("dockerCommand"))[:100] or "-",
             "pre-deploy": s.get("preDeployCommand")[:100] or "-",
             "health check path": s.get("healthCheckPath") or Message("none"),
             "file": s.file, "line": s.line} for s in find_render_services(repo)]


def section(repo: Repo) -> Section:
    starts = find_start_commands(repo)
    tables = (
        Table("start_commands", "Start commands", ("source", "process", "command"),
              tuple({"source": s.source, "process": s.process, "command": s.command[:160], "file": s.file,
                     "line": s.line} for s in starts)),
        Table("dockerfiles", "Dockerfiles", ("base images", "user", "healthcheck", "starts"),
              tuple(_docker_rows(repo))),
        Table("compose_services", "Compose services",
              ("service", "image/build", "command", "ports", "healthcheck", "depends on"), tuple(_compose_rows(repo))),
        Table("render_services", "Render services",
              ("service", "type", "build", "start", "pre-deploy", "health check path"), tuple(_render_rows(repo))),
        pyversions.table(repo),
        processes.table(repo),
    )
    facts = []
    for path, key, value, line in find_fly(repo):
        if key == "checks":
            facts.append(Fact(Message("fly.toml declares health checks ({value})",
                                      value=value), (Evidence(path, line),)))
    for path, key, value, line in find_app_yaml(repo):
        if key == "runtime":
            facts.append(Fact(Message("App Engine runtime {value}",
                                      value=value), (Evidence(path, line),)))
    pins: dict[str, Evidence] = {}
    for v in pyversions.find_python_versions(repo):
        if v.kind == "pin" and v.version:
            pins.setdefault(v.version, Evidence(v.file, v.line))
    if pins:
        facts.append(Fact(Message("Python interpreter pinned to {names}",
                                  names=', '.join(sorted(pins))),
                          tuple(pins[k] for k in sorted(pins))))
    web = [s for s in starts if s.process in ("web", "CMD", "ENTRYPOINT") or s.process.endswith(" start")]
    headline = (Message("started with `{command}` ({source})", command=web[0].command[:80], source=web[0].source)
                if web else "")
    undetermined = () if starts else (Message("no start command was found in a Procfile, render.yaml, Dockerfile, "
                                              "compose file, app.yaml or fly.toml"),)
    return Section(key="deployment", title="Deployment", facts=tuple(facts), tables=tables,
                   undetermined=undetermined, headline=headline)
