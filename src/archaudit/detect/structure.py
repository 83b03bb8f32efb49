"""Repository structure: top-level folders with what each holds, and the apps of a monorepo.

An *app* is a folder (at most two levels deep) holding its own manifest; its kind comes from that
manifest's declared dependencies, never from the folder's name alone. Folder roles without a
manifest come from well-known names (infra, nginx, scripts, docs) and are labelled as such.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass

from archaudit.findings import Evidence, Message
from archaudit.model import Fact, Section, Table
from archaudit.repo import Repo

_PY_MANIFESTS = ("pyproject.toml", "setup.py", "setup.cfg", "requirements.txt", "Pipfile", "manage.py")
_NAMED_ROLES = {
    "infra": Message("infrastructure"), "infrastructure": Message("infrastructure"),
    "terraform": Message("infrastructure"), "k8s": Message("deployment manifests"),
    "helm": Message("deployment manifests"), "deploy": Message("deployment manifests"),
    "nginx": Message("reverse-proxy configuration"), "scripts": Message("scripts"), "bin": Message("scripts"),
    "docs": Message("documentation"), "doc": Message("documentation"), "tests": Message("tests"),
    "test": Message("tests"), ".github": Message("CI configuration"), "migrations": Message("database migrations"),
    "alembic": Message("database migrations"), "examples": Message("examples"),
}
_JS_KINDS = (  # (dependency, label), first match wins
    ("@nestjs/core", Message("Node.js backend (NestJS)")), ("express", Message("Node.js backend (Express)")),
    ("fastify", Message("Node.js backend (Fastify)")), ("koa", Message("Node.js backend (Koa)")),
    ("next", Message("front end (Next.js)")), ("react", Message("front end (React)")),
    ("vue", Message("front end (Vue)")), ("svelte", Message("front end (Svelte)")),
    ("@angular/core", Message("front end (Angular)")),
)
_PY_KINDS = (("django", Message("Python backend (Django)")), ("fastapi", Message("Python backend (FastAPI)")),
             ("flask", Message("Python backend (Flask)")), ("starlette", Message("Python backend (Starlette)")))


@dataclass(frozen=True)
class App:
    folder: str  # "" for the repository root
    kind: str
    manifest: str


def named_role(folder: str) -> str:
    """The role a well-known folder name gives (tests, scripts, database migrations...), "" otherwise."""
    return _NAMED_ROLES.get(folder.lower(), "")


def _js_kind(repo: Repo, manifest: str) -> str:
    data = repo.json(manifest)
    if not isinstance(data, dict):
        return Message("JavaScript package")
    deps: set[str] = set()
    for key in ("dependencies", "devDependencies", "peerDependencies"):
        if isinstance(data.get(key), dict):
            deps.update(data[key])
    for dep, label in _JS_KINDS:
        if dep in deps:
            return label
    return Message("JavaScript/TypeScript package")


def _py_kind(repo: Repo, folder: str) -> str:
    prefix = folder + "/" if folder else ""
    text = " ".join((repo.text(prefix + m) or "").lower() for m in _PY_MANIFESTS)
    for dep, label in _PY_KINDS:
        if dep in text:
            return label
    return Message("Python application")


# A copy of a package.json inside built assets is not an app of its own.
_BUILD_OUTPUT = re.compile(r"(^|/)(dist|build|static/assets|public/assets|static/dist)/")


def _has_python(folder: str, python_folders: set[str]) -> bool:
    """A Python manifest makes an app only where Python code or a deployment file (Dockerfile,
    Procfile...) lives (a tooling requirements.txt beside translation files does not); the
    repository root always counts."""
    return not folder or any(p == folder or p.startswith(folder + "/") for p in python_folders)


def find_apps(repo: Repo) -> list[App]:
    """Apps: folders up to two levels deep with their own manifest, sorted by folder. A folder with
    both a Python manifest and a package.json is a Python app first (its package.json usually builds
    the templates' assets); a JavaScript framework found there is added to the kind."""
    py: dict[str, App] = {}
    js: dict[str, App] = {}
    python_folders = {p.rsplit("/", 1)[0] if "/" in p else "" for p in repo.python}
    python_folders |= {f.path.rsplit("/", 1)[0] for f in repo.files if f.role == "deploy" and "/" in f.path}
    for f in repo.files:
        parts = f.path.split("/")
        if len(parts) > 3:
            continue
        folder, name = "/".join(parts[:-1]), parts[-1]
        if name == "package.json" and folder not in js and not _BUILD_OUTPUT.search(folder + "/"):
            js[folder] = App(folder, _js_kind(repo, f.path), f.path)
        elif name in _PY_MANIFESTS and folder not in py and _has_python(folder, python_folders) \
                and f"{folder}/__init__.py" not in repo.by_path:  # a package of another app, not an app
            py[folder] = App(folder, _py_kind(repo, folder), f.path)
    if "" in py:  # `src/manage.py` under a root pyproject.toml is the root project's own entry point
        py = {k: a for k, a in py.items() if not k or not a.manifest.endswith("/manage.py")}
    apps = {**js, **py}
    for folder, app in py.items():
        other = js.get(folder)
        if other is not None and other.kind.startswith(("front end", "Node.js")):
            apps[folder] = App(folder, Message("{python} + {javascript}", python=app.kind, javascript=other.kind),
                               app.manifest)
    return [apps[k] for k in sorted(apps)]


def section(repo: Repo) -> Section:
    apps = repo.derived(find_apps)
    per_dir: dict[str, Counter[str]] = defaultdict(Counter)
    for f in repo.files:
        top = f.path.split("/", 1)[0] if "/" in f.path else "."
        per_dir[top][f.language] += 1
    root_app = next((a for a in apps if not a.folder), None)
    app_by_top = {a.folder: a for a in apps if a.folder and "/" not in a.folder}
    if root_app is None:  # `services/api`: the top folder holds a nested app (a root app's folders are its source)
        for a in apps:
            app_by_top.setdefault(a.folder.split("/", 1)[0], a)
    rows = []
    for top in sorted(per_dir):
        langs = ", ".join(f"{lang} {n}" for lang, n in per_dir[top].most_common(3) if lang != "other")
        app = app_by_top.get(top)
        role = app.kind if app else named_role(top) or (Message("root files") if top == "." else "")
        if not role and root_app and any(lang in per_dir[top] for lang in ("python", "typescript", "javascript")):
            role = Message("source code of the root app ({kind})", kind=root_app.kind)
        role = role or Message("not determined")
        row = {"folder": top if top == "." else top + "/", "role": role, "files": sum(per_dir[top].values()),
               "languages": langs or "-"}
        if app:
            row["file"], row["line"] = app.manifest, 0
        rows.append(row)
    facts = []
    if len([a for a in apps]) >= 2:
        listed = Message.joined("; ", [Message("{folder}: {kind}", folder=a.folder or Message("(root)"), kind=a.kind)
                                       for a in apps])
        facts.append(Fact(Message("Monorepo with {n} apps: {apps}", n=len(apps), apps=listed),
                          tuple(Evidence(a.manifest, 0) for a in apps)))
    for a in apps:
        facts.append(Fact(Message("{value} is a {kind}",
                                  value=a.folder or Message("(root)"), kind=a.kind), (Evidence(a.manifest, 0),)))
    counts = Counter(f.language for f in repo.files)
    py_lines = sum(m["lines"] for m in repo.python.values())
    facts.append(Fact(Message("{n} files; {n2} parsed Python files ({py_lines} lines), {value} TypeScript, {value2} "
                              "JavaScript",
                              n=len(repo.files), n2=len(repo.python), py_lines=py_lines,
                              value=counts.get('typescript', 0), value2=counts.get('javascript', 0))))
    headline = (Message("monorepo of {n} apps", n=len(apps)) if len(apps) >= 2 else
                (apps[0].kind if apps else Message("repository with no recognised manifest")))
    return Section(
        key="structure", title="Repository structure", facts=tuple(facts),
        tables=(Table("folders", "Top-level folders", ("folder", "role", "files", "languages"), tuple(rows)),),
        undetermined=() if apps else ("no manifest (pyproject.toml, requirements.txt, package.json) was found",),
        headline=headline,
    )
