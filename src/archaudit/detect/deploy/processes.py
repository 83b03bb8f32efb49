"""The runtime process model: every process the manifests start (web server, workers, schedulers,
consumers, one-shot commands), how many server processes a command forks, and the replicas a
manifest asks for. Built on the start commands of `section.find_start_commands`, plus Kubernetes
workloads and package.json `start` scripts; each command is read with what it calls in the
repository (an entrypoint script, a Makefile target: `cicd.commands.expand`).

The multi-process premise of the scaling rules comes from here: established only when a manifest
says so (`gunicorn -w 4`, `uvicorn --workers 4`, `replicas: 3`, a gunicorn config `workers = ...`
computed from the CPU count, pm2 cluster mode); a worker count read from the environment is not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from archaudit.detect.cicd.commands import classify, expand
from archaudit.detect.formats import yaml_nodes as y
from archaudit.findings import Evidence, Message
from archaudit.model import Table
from archaudit.repo import Repo

_WEB = re.compile(r"\b(gunicorn|uvicorn|hypercorn|daphne|waitress-serve|uwsgi|granian|runserver|flask\s+run|"
                  r"fastapi\s+(run|dev)|node\s+\S*(server|main|app|index)\S*|nest\s+start|pm2(-runtime)?\s+start|"
                  r"next\s+start|ts-node\s+\S*(server|main|app)\S*)\b")
_SCHEDULER = re.compile(r"\bcelery\b.*\bbeat\b|\brqscheduler\b|\bscheduler\b|\bcron\b|\bclock\b")
_WORKER = re.compile(r"\bcelery\b.*\bworker\b|\b(rq|rqworker|arq|dramatiq|huey_consumer|taskiq)\b|\bworker\b")
_CONSUMER = re.compile(r"\bconsumer\b|\bconsume\b|\bkafka\b|\bsubscriber\b")
_ONE_SHOT = re.compile(r"\bmanage\.py\s+(?!runserver)\w+|\balembic\b|\bseed\b|\bcollectstatic\b|\bflask\s+db\b")
_WORKERS = re.compile(r"(?:\s|^)(?:-w|--workers|--processes|-p)(?:\s+|=)(\d+)\b")
_CONF = re.compile(r"(?:\s|^)(?:-c|--config)(?:\s+|=)(\S+\.py)\b")


@dataclass(frozen=True)
class Process:
    source: str  # Procfile, Dockerfile, docker-compose, kubernetes, package.json...
    name: str
    command: str
    kind: str  # web | worker | scheduler | consumer | one-shot | build
    file: str
    line: int
    workers: int | None  # server processes the command forks (None: not stated)
    workers_at: Evidence | None
    replicas: int | None  # copies the manifest runs (None: not stated)
    replicas_at: Evidence | None
    migrates: bool  # the command (or what it calls) runs database migrations before serving

    @property
    def several(self) -> list[tuple[str, Evidence]]:
        """Why this process runs as several copies, with where the manifest says so ([] when it does not)."""
        out: list[tuple[str, Evidence]] = []
        if self.workers and self.workers > 1 and self.workers_at:
            out.append((Message("{n} server worker processes", n=self.workers), self.workers_at))
        if self.replicas and self.replicas > 1 and self.replicas_at:
            out.append((Message("{n} replicas", n=self.replicas), self.replicas_at))
        return out


def kind_of(name: str, command: str) -> str:
    """What a process is for, from its name and command."""
    text = f"{name} {command}".lower()
    if name.endswith(" build"):
        return "build"
    if name in ("release",) or name.endswith("pre-deploy"):
        return "one-shot"
    if _SCHEDULER.search(text):
        return "scheduler"
    if _WORKER.search(text):
        return "worker"
    if _CONSUMER.search(text):
        return "consumer"
    if _WEB.search(command) or name in ("web", "app", "api", "server", "backend"):
        return "web"
    return "one-shot" if _ONE_SHOT.search(command) else "other"


def _kind(name: str, command: str, expanded: str) -> str:
    """The kind from the command, or, for an entrypoint script (`./boot.sh`), web when it starts a server."""
    kind = kind_of(name, command)
    return "web" if kind == "other" and _WEB.search(expanded) else kind


def _conf_workers(repo: Repo, command: str, folder: str) -> tuple[int | None, Evidence | None]:
    """`workers = N` (or a CPU-count expression, counted as several) in the gunicorn config a command
    names with -c, or in a gunicorn.conf.py gunicorn reads by default from its working directory."""
    m = _CONF.search(command)
    candidates = [m.group(1).removeprefix("./")] if m else []
    if "gunicorn" in command:
        candidates.append(f"{folder}gunicorn.conf.py" if folder else "gunicorn.conf.py")
    for path in candidates:
        facts = repo.python.get(path) or repo.python.get(f"{folder}{path}")
        if not facts:
            continue
        for a in facts["assigns"]:
            if a["target"] == "workers" and not a["func"]:
                value = a["value"]
                if isinstance(value, int):
                    return value, Evidence(path, a["line"])
                text = repo.lines(path)[a["line"] - 1] if a["line"] <= len(repo.lines(path)) else ""
                if re.search(r"cpu_count\(\)\s*\*\s*[2-9]\s*\+\s*1\b", text):
                    return 3, Evidence(path, a["line"])  # gunicorn's 2 * cores + 1: three or more
    return None, None


def _ini_workers(repo: Repo, command: str, folder: str) -> tuple[int | None, Evidence | None]:
    """`workers = N` / `processes = N` in the uWSGI .ini file a command names."""
    for m in re.finditer(r"(\S+\.ini)\b", command):
        name = m.group(1).removeprefix("./")
        for path in (name, folder + name):
            if repo.has(path):
                for n, raw in enumerate(repo.lines(path)[:500], 1):
                    found = re.match(r"\s*(workers|processes)\s*=\s*(\d+)\s*$", raw)
                    if found:
                        return int(found.group(2)), Evidence(path, n)
    return None, None


def _script_workers(repo: Repo, command: str, folder: str) -> tuple[int | None, Evidence | None]:
    """A worker count on the server line of a repository shell script the command runs
    (`./docker/entrypoint.sh` -> `exec gunicorn ... --workers 3`, continuation lines joined)."""
    for m in re.finditer(r"(\S+\.sh)\b", command):
        name = m.group(1).removeprefix("./")
        for path in (name, folder + name):
            if not repo.has(path):
                continue
            lines = repo.lines(path)[:2000]
            start = 0
            for n, raw in enumerate(lines, 1):
                if start == 0:
                    start = n
                logical = " ".join(t.rstrip("\\") for t in lines[start - 1:n])
                if raw.rstrip().endswith("\\"):
                    continue
                if _WEB.search(logical) and not logical.lstrip().startswith("#"):
                    w = _WORKERS.search(logical)
                    if w:
                        at = next(i for i in range(start, n + 1) if _WORKERS.search(" " + lines[i - 1]))
                        return int(w.group(1)), Evidence(path, at)
                start = 0
    return None, None


def _workers(repo: Repo, command: str, file: str, line: int) -> tuple[int | None, Evidence | None]:
    """Worker processes a server command asks for: on its own command line, in the gunicorn or
    uWSGI config it reads, or on the server line of a repository script it runs."""
    folder = file.rsplit("/", 1)[0] + "/" if "/" in file else ""
    for segment in re.split(r"&&|\|\||;|\n", command):
        if _WEB.search(segment):
            m = _WORKERS.search(segment)
            if m:
                return int(m.group(1)), Evidence(file, line)
            for finder in (_conf_workers, _ini_workers):
                found = finder(repo, segment, folder)
                if found[0] is not None:
                    return found
    return _script_workers(repo, command, folder)


def _compose_replicas(repo: Repo) -> dict[tuple[str, str], tuple[int, int]]:
    """(compose file, service) -> (deploy.replicas, line)."""
    out = {}
    for f in repo.files:
        if re.search(r"(^|/)(docker-)?compose[^/]*\.ya?ml$", f.path):
            for name, _, svc in y.items(y.get(y.compose(repo, f.path), "services")):
                node = y.get(y.get(svc, "deploy"), "replicas")
                if y.text(node).isdigit():
                    out[(f.path, name)] = (int(y.text(node)), y.line(node))
    return out


def _kubernetes(repo: Repo) -> list[Process]:
    """Containers of Deployment / StatefulSet manifests (first YAML document of each file)."""
    out = []
    for f in repo.files:
        if not f.path.endswith((".yml", ".yaml")) or "kind:" not in (repo.text(f.path) or "")[:5000]:
            continue
        root = y.compose(repo, f.path)
        if y.text(y.get(root, "kind")) not in ("Deployment", "StatefulSet"):
            continue
        spec = y.get(root, "spec")
        replicas = y.get(spec, "replicas")
        count = int(y.text(replicas)) if y.text(replicas).isdigit() else None
        name = y.text(y.get(y.get(root, "metadata"), "name"))
        for c in y.seq(y.get(y.get(y.get(spec, "template"), "spec"), "containers")):
            cmd = " ".join(y.scalars(y.get(c, "command")) + y.scalars(y.get(c, "args")))
            label = f"{name}/{y.text(y.get(c, 'name'))}"
            text = expand(repo, cmd) if cmd else ""
            workers, at = _workers(repo, cmd, f.path, y.line(c)) if cmd else (None, None)
            out.append(Process("kubernetes", label, cmd or f"(image {y.text(y.get(c, 'image'))})",
                               _kind(label, cmd, text), f.path, y.line(c), workers, at, count,
                               Evidence(f.path, y.line(replicas)) if count is not None else None,
                               "migrations" in classify(text)))
    return out


def _package_scripts(repo: Repo) -> list[Process]:
    """`start` / `start:prod` scripts of package.json files outside node_modules."""
    out = []
    for f in repo.find(name="package.json"):
        data = repo.json(f.path)
        scripts = data.get("scripts") if isinstance(data, dict) else None
        if not isinstance(scripts, dict):
            continue
        lines = repo.lines(f.path)
        for key in ("start", "start:prod"):
            cmd = scripts.get(key)
            if isinstance(cmd, str) and cmd:
                at = next((i for i, t in enumerate(lines, 1) if t.strip().startswith(f'"{key}"')), 1)
                out.append(Process("package.json", key, cmd, kind_of(key, cmd), f.path, at, None, None, None, None,
                                   "migrations" in classify(cmd)))
    return out


def _pm2(repo: Repo) -> list[Process]:
    """Apps of pm2 ecosystem files with an explicit `instances: N` (cluster mode forks N copies of the
    server; "max" depends on the host's cores and is not counted)."""
    out = []
    for f in repo.files:
        if not re.search(r"(^|/)ecosystem\.config\.(js|cjs|json)$", f.path):
            continue
        for n, raw in enumerate(repo.lines(f.path)[:1000], 1):
            m = re.search(r"""["']?instances["']?\s*:\s*(\d+)""", raw)
            if m:
                count = int(m.group(1))
                out.append(Process("pm2", "instances", raw.strip()[:80], "web", f.path, n, count,
                                   Evidence(f.path, n), None, None, False))
    return out


def _compute(repo: Repo) -> list[Process]:
    from archaudit.detect.deploy.section import find_start_commands  # the section lists these processes

    replicas = _compose_replicas(repo)
    out = []
    for s in find_start_commands(repo):
        folder = s.file.rsplit("/", 1)[0] if "/" in s.file else ""
        text = expand(repo, s.command, folder)
        workers, at = _workers(repo, s.command, s.file, s.line)
        count, count_line = replicas.get((s.file, s.process), (None, 0))
        out.append(Process(s.source, s.process, s.command, _kind(s.process, s.command, text), s.file, s.line,
                           workers, at, count, Evidence(s.file, count_line) if count is not None else None,
                           "migrations" in classify(text)))
    out += _kubernetes(repo) + _package_scripts(repo) + _pm2(repo)
    return sorted(out, key=lambda p: (p.file, p.line, p.name))


def find_processes(repo: Repo) -> list[Process]:
    """Every process the deployment manifests start, with worker and replica counts where stated."""
    return repo.derived(_compute)


def multi_process_web(repo: Repo) -> list[tuple[str, Evidence]]:
    """Why the web application runs as several processes, with where a manifest says so ([]: not established)."""
    return [reason for p in find_processes(repo) if p.kind == "web" for reason in p.several]


def table(repo: Repo) -> Table:
    """The process model as a table of the deployment section."""
    rows = []
    for p in find_processes(repo):
        copies = (Message.joined(", ", [why for why, _ in p.several]) if p.several
                  else Message("1 worker process") if p.workers == 1 else Message("not stated"))
        rows.append({"process": p.name, "kind": p.kind, "source": p.source, "command": p.command[:120],
                     "copies": copies, "migrates at start": "yes" if p.migrates and p.kind == "web" else "-",
                     "file": p.file, "line": p.line})
    return Table("processes", "Processes", ("process", "kind", "source", "command", "copies", "migrates at start"),
                 tuple(rows))
