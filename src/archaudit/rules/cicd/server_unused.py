"""CI010 server-package-unused."""

from __future__ import annotations

import re
from collections.abc import Iterator

from archaudit.detect.dependencies.manifests import find_dependencies
from archaudit.detect.deploy.section import find_start_commands
from archaudit.findings import Axis, Evidence, Hit, Message, Severity
from archaudit.repo import Repo
from archaudit.rules.base import Rule

SERVERS = ("gunicorn", "uvicorn", "uvloop", "hypercorn", "waitress")
_SCRIPT_NAMES = frozenset({"Makefile", "Procfile", "package.json", "justfile", "Justfile", "supervisord.conf"})
_TEXT_LANGUAGES = frozenset({"shell", "dockerfile", "conf", "ini", "yaml", "toml"})  # charts, supervisord...
_GUNICORN_CONFIGS = ("gunicorn.conf.py", "gunicorn_config.py", "gunicorn_conf.py")


def _operational_text(repo: Repo) -> str:
    """Start commands plus every deployment, CI, shell, YAML/TOML and process-manager file, lower-cased."""
    parts = [s.command for s in find_start_commands(repo)]
    for f in repo.files:
        name = f.path.rsplit("/", 1)[-1]
        if f.role == "manifest":  # the declaration itself is not a use
            continue
        if f.role in ("deploy", "ci") or f.language in _TEXT_LANGUAGES or name in _SCRIPT_NAMES:
            parts.append(repo.text(f.path) or "")
    return "\n".join(parts).lower()


def _used(repo: Repo) -> set[str]:
    text = _operational_text(repo)
    used = {s for s in SERVERS if re.search(rf"\b{s}\b", text)}
    for _, facts in repo.python_items():
        for imp in facts["imports"]:
            top = imp["module"].split(".")[0]
            if top in SERVERS:
                used.add(top)
        for call in facts["calls"]:
            if any(v == "uvloop" for v in call["kwargs"].values()):
                used.add("uvloop")
    if any(repo.find(name=n) for n in _GUNICORN_CONFIGS):
        used.add("gunicorn")
    if "uvicorn" in used:
        used.add("uvloop")  # uvicorn's default loop="auto" picks uvloop when it is installed
    return used


def check(repo: Repo) -> Iterator[Hit]:
    """Looks at declared runtime Python dependencies among gunicorn, uvicorn, uvloop, hypercorn and
    waitress. One is unused when no start command (Procfile, render.yaml, Dockerfile CMD/ENTRYPOINT,
    compose command, app.yaml, fly.toml), no deployment/CI/shell/Makefile text and no Python import or
    `loop="uvloop"` argument mentions it; uvloop counts as used whenever uvicorn is (uvicorn picks it up
    automatically). Silent when the repository declares no start command at all (not determined)."""
    starts = [s for s in find_start_commands(repo) if "build" not in s.process and "pre-deploy" not in s.process]
    if not starts:
        return
    used = _used(repo)
    first = starts[0]
    for dep in find_dependencies(repo):
        if dep.ecosystem == "python" and dep.name in SERVERS and dep.kind == "runtime" and dep.name not in used:
            yield Hit(dep.source, dep.line, Message("{name} is declared, but the application is started with "
                                                    "`{value}` ({file}:{line}) and nothing else uses it.",
                                                    name=dep.name, value=first.command[:80], file=first.file,
                                                    line=first.line),
                      also=(Evidence(first.file, first.line),), key=dep.name)


RULE = Rule(
    id="CI010",
    name="server-package-unused",
    axis=Axis.REPRODUCIBILITY,
    severity=Severity.LOW,
    title="A server package is installed but not used to run the application",
    impact="The deployment does not run the way the dependencies suggest (e.g. gunicorn workers that are "
           "never started), which misleads capacity planning; unused packages add install time and "
           "attack surface.",
    action="Either start the application with it (e.g. `gunicorn -k uvicorn.workers.UvicornWorker app.main:app` "
           "in the start command) or remove it from the dependencies.",
    check=check,
    example_bad="requirements.txt: gunicorn==21.2.0\nrender.yaml startCommand: python server.py  # uvicorn.run()",
    example_good="render.yaml startCommand: gunicorn -k uvicorn.workers.UvicornWorker app.main:app",
)
