"""Deployment manifests read with line numbers: Procfile, render.yaml, docker-compose, app.yaml,
fly.toml. Each reader returns plain records; deploy.py builds the section, rules read the records.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field

from archaudit.detect.formats import yaml_nodes as y
from archaudit.repo import Repo

_COMPOSE = re.compile(r"(^|/)(docker-)?compose[^/]*\.ya?ml$")


@dataclass(frozen=True)
class ProcfileEntry:
    file: str
    line: int
    process: str
    command: str


@dataclass(frozen=True)
class RenderService:
    file: str
    line: int
    name: str
    type: str
    fields: dict[str, tuple[str, int]] = field(default_factory=dict)  # key -> (text, line)

    def get(self, key: str) -> str:
        return self.fields.get(key, ("", 0))[0]

    def line_of(self, key: str) -> int:
        return self.fields.get(key, ("", self.line))[1]


@dataclass(frozen=True)
class ComposeService:
    file: str
    line: int
    name: str
    image: str
    build: str  # build context ("" when the service uses a prebuilt image)
    dockerfile: str  # build.dockerfile when given
    command: str
    command_line: int
    ports: tuple[str, ...]
    healthcheck: bool
    depends_on: tuple[str, ...]
    labels: tuple[tuple[str, str], ...] = ()

    @property
    def dockerfile_path(self) -> str:
        """The Dockerfile this service builds, as compose resolves it: the build context is relative
        to the compose file's folder, the dockerfile relative to the context ("" for an image)."""
        if not self.build and not self.dockerfile:
            return ""
        folder = self.file.rsplit("/", 1)[0] if "/" in self.file else ""
        context = posixpath.normpath(posixpath.join(folder, self.build or "."))
        path = posixpath.normpath(posixpath.join(context, self.dockerfile or "Dockerfile"))
        return path.removeprefix("./")


def find_procfile(repo: Repo) -> list[ProcfileEntry]:
    """Process lines (`web: gunicorn app:app`) of every Procfile."""
    out = []
    for f in repo.find(name="Procfile"):
        for n, raw in enumerate(repo.lines(f.path)[:500], 1):
            name, sep, command = raw.partition(":")
            if sep and re.fullmatch(r"[A-Za-z0-9_-]+", name.strip()) and not raw.lstrip().startswith("#"):
                out.append(ProcfileEntry(f.path, n, name.strip(), command.strip()))
    return out


_RENDER_KEYS = ("buildCommand", "startCommand", "preDeployCommand", "healthCheckPath", "runtime", "env",
                "dockerfilePath", "dockerCommand", "rootDir")


def find_render_services(repo: Repo) -> list[RenderService]:
    """Services of every render.yaml, with the lines of their commands and health check path."""
    out = []
    for f in repo.find(name="render.yaml") + repo.find(name="render.yml"):
        for svc in y.seq(y.get(y.compose(repo, f.path), "services")):
            fields = {k: (y.text(v), y.line(v)) for k, _, v in y.items(svc) if k in _RENDER_KEYS and y.text(v)}
            for var in y.seq(y.get(svc, "envVars")):
                if y.text(y.get(var, "key")) == "PYTHON_VERSION" and y.text(y.get(var, "value")):
                    fields["PYTHON_VERSION"] = (y.text(y.get(var, "value")), y.line(y.get(var, "value")))
            out.append(RenderService(f.path, y.line(svc), y.text(y.get(svc, "name")), y.text(y.get(svc, "type")),
                                     fields))
    return out


def _command(node: y.Node | None) -> str:
    return " ".join(y.scalars(node)) if node is not None else ""


def _labels(node: y.Node | None) -> tuple[tuple[str, str], ...]:
    pairs = [(k, y.text(v)) for k, _, v in y.items(node)]
    pairs += [(a, b) for a, _, b in (t.partition("=") for t in y.scalars(node) if "=" in t)] if not pairs else []
    return tuple(pairs)


def exposed_directly(service: ComposeService) -> bool:
    """Published through a load balancer or node port by kompose (not only reached through discovery)."""
    labels = dict(service.labels)
    return labels.get("kompose.service.type", "").lower() in ("loadbalancer", "nodeport") or \
        labels.get("kompose.service.expose", "").lower() not in ("", "false")


_DISCOVERY_CHECK = re.compile(r"^\s*(healthCheck|health_check|check)\s*:", re.MULTILINE)


def discovery_health_check(repo: Repo, folder: str) -> tuple[str, int] | None:
    """(file, line) of a health check the service in `folder` registers with a service registry
    (Consul: a production bootstrap/config YAML naming consul and declaring `healthCheck:`)."""
    if not folder:
        return None
    for f in repo.files:
        if f.path.startswith(folder + "/") and f.path.endswith((".yml", ".yaml")) and \
                not re.search(r"(dev|development|local|test)[^/]*$", f.path.rsplit("/", 1)[-1]):
            text = repo.text(f.path) or ""
            m = _DISCOVERY_CHECK.search(text)
            if m and "consul" in text.lower():
                return f.path, text.count("\n", 0, m.start()) + 1
    return None


def find_compose_services(repo: Repo) -> list[ComposeService]:
    """Services of every docker-compose / compose file."""
    out = []
    for f in repo.files:
        if not _COMPOSE.search(f.path):
            continue
        for name, key, svc in y.items(y.get(y.compose(repo, f.path), "services")):
            build = y.get(svc, "build")
            context = y.text(build) or y.text(y.get(build, "context"))
            if build is not None and not context:
                context = "."
            cmd = y.get(svc, "command") or y.get(svc, "entrypoint")
            depends = y.get(svc, "depends_on")
            out.append(ComposeService(
                f.path, y.line(key), name, y.text(y.get(svc, "image")), context, y.text(y.get(build, "dockerfile")),
                _command(cmd), y.line(cmd), tuple(y.scalars(y.get(svc, "ports"))),
                y.get(svc, "healthcheck") is not None,
                tuple(y.scalars(depends)) or tuple(k for k, _, _ in y.items(depends)),
                _labels(y.get(svc, "labels")),
            ))
    return out


def find_app_yaml(repo: Repo) -> list[tuple[str, str, str, int]]:
    """(file, key, value, line) for `runtime` and `entrypoint` of Google App Engine app.yaml files."""
    out = []
    for f in repo.find(name="app.yaml"):
        root = y.compose(repo, f.path)
        for key in ("runtime", "entrypoint"):
            node = y.get(root, key)
            if y.text(node):
                out.append((f.path, key, y.text(node), y.line(node)))
    return out


def find_fly(repo: Repo) -> list[tuple[str, str, str, int]]:
    """(file, key, value, line) of fly.toml: process commands, and `checks` when health checks exist."""
    out = []
    for f in repo.find(name="fly.toml"):
        lines = repo.lines(f.path)
        section = ""
        for n, raw in enumerate(lines[:2000], 1):
            text = raw.strip()
            if text.startswith("["):
                section = text.strip("[]").strip()
                if "checks" in section:
                    out.append((f.path, "checks", section, n))
                continue
            key, sep, value = text.partition("=")
            if not sep:
                continue
            key, value = key.strip(), value.strip().strip("'\"")
            if section == "processes" or (section in ("experimental", "") and key in ("cmd", "entrypoint")):
                out.append((f.path, f"process {key}", value, n))
            elif "checks" in key:
                out.append((f.path, "checks", key, n))
    return out
