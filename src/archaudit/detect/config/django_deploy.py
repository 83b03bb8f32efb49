"""Which Django settings module production runs, and the value each setting has there.

Django loads one settings module, named by `DJANGO_SETTINGS_MODULE`. Where the code or the deployment
names it (`os.environ.setdefault(...)` in wsgi.py/asgi.py, `ENV DJANGO_SETTINGS_MODULE=...` in a
Dockerfile, a compose file, a Procfile, a uWSGI ini), or a settings file is named for production
(`settings/production.py`, `settings/prod.py`), that module is production's. Names of development or
test modules are set aside; a named module that is not a file of the repository (copied in at build
time) leaves production's module *not determined*, and so does finding none.

The effective value of a setting follows the star-import layering (`from .base import *` then the
module's own assignments, in line order). An assignment inside a development-guarded block (`if
DEBUG:`) does not apply; one inside any other block (`if not DEBUG:`, `if env(...):`, `try:`) applies
under a condition and is marked so: rules claiming an absence or an insecure value leave it alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from archaudit.detect.config.settings import Setting, find_settings, settings_modules, star_imports
from archaudit.findings import Evidence, Message
from archaudit.repo import Repo
from archaudit.resolve.blocks import context_at
from archaudit.resolve.context import Context, context_of
from archaudit.resolve.python_index import modules_importing

_NAMED = re.compile(r"""DJANGO_SETTINGS_MODULE["']?\s*[:=,]\s*["']?([A-Za-z_][\w.]*)""")
_DEPLOY_FILE = re.compile(r"(^|/)(Dockerfile[^/]*|[^/]*compose[^/]*\.ya?ml|Procfile|[^/]*uwsgi[^/]*\.ini|app\.ya?ml|"
                          r"render\.ya?ml|fly\.toml|[^/]*\.service|\.env)$")
_ENTRY = re.compile(r"(^|/)(wsgi|asgi)\.py$")
_PROD_NAMED = re.compile(r"(^|/)((prod|production)|(prod|production)_settings|settings_(prod|production))\.py$")
# the last part of a module name saying it is a developer's or the test runner's
_NOT_PROD_NAME = re.compile(r"(^|[._])(test|tests|testing|ci|dev|develop|development|local)$")
# code that defines settings the facts cannot follow: django-split-settings, globals() updates, exec
_DYNAMIC_CALLS = frozenset({"include", "split_settings.tools.include", "globals", "exec", "setattr", "locals",
                            "optional"})


@dataclass(frozen=True)
class ProductionSettings:
    """The settings modules production loads (files), why each is production's, or why not known."""

    modules: tuple[str, ...] = ()
    evidence: tuple[Evidence, ...] = ()
    unknown: str = ""  # why production's settings module is not determined ("" when it is)
    uses_django: bool = True


@dataclass(frozen=True)
class Value:
    """One setting as production's module ends up with it."""

    setting: Setting
    conditional: bool  # assigned inside a block (`if not DEBUG:`, `try:`): applies under a condition


@dataclass(frozen=True)
class Effective:
    """Production's settings after the star-import layering; `unknown` says what the facts cannot
    follow (an unresolved star import, a file not parsed, settings defined dynamically)."""

    values: dict[str, Value] = field(default_factory=dict)
    files: tuple[str, ...] = ()
    unknown: str = ""


def _named(repo: Repo) -> list[tuple[str, Evidence]]:
    """(dotted module, where it is named) from wsgi/asgi defaults and deployment files in production."""
    out: list[tuple[str, Evidence]] = []
    for path, facts in repo.python_items():
        if not _ENTRY.search(path) or context_of(repo, path) is not Context.PRODUCTION:
            continue
        for call in facts["calls"]:
            if call["name"].endswith("environ.setdefault") and call["args"][:1] == ["DJANGO_SETTINGS_MODULE"] \
                    and len(call["args"]) > 1 and isinstance(call["args"][1], str):
                out.append((call["args"][1], Evidence(path, call["line"])))
    for f in repo.files:
        if f.language == "python" or not _DEPLOY_FILE.search(f.path):
            continue
        if context_of(repo, f.path) is not Context.PRODUCTION:
            continue
        text = repo.text(f.path) or ""
        if "DJANGO_SETTINGS_MODULE" in text:
            for m in _NAMED.finditer(text):
                out.append((m.group(1), Evidence(f.path, text.count("\n", 0, m.start()) + 1)))
    return out


def top_level(repo: Repo, path: str, line: int) -> bool:
    """The statement on `line` starts at column 0: it runs unconditionally when the module loads."""
    lines = repo.lines(path)
    return 0 < line <= len(lines) and lines[line - 1][:1] not in (" ", "\t")


def _module_file(repo: Repo, dotted: str) -> str | None:
    """The repository file of exactly this dotted module (never a parent package standing in for it)."""
    found = repo.modules.get(dotted) or repo.module_aliases.get(dotted)
    if found or not dotted:
        return found
    # a module of a folder without __init__.py, imported from the repository root
    base = dotted.replace(".", "/")
    return next((p for p in (base + ".py", base + "/__init__.py") if p in repo.python), None)


def _star_closure(repo: Repo, path: str) -> set[str]:
    graph = repo.derived(star_imports)
    seen: set[str] = set()
    todo = list(graph.get(path, ()))
    while todo:
        cur = todo.pop()
        if cur not in seen:
            seen.add(cur)
            todo += graph.get(cur, ())
    return seen


def production_settings(repo: Repo) -> ProductionSettings:
    """Production's Django settings module(s), memoised (see the module docstring)."""
    return repo.derived(_production)


def _production(repo: Repo) -> ProductionSettings:
    if not repo.derived(modules_importing).get("django"):
        return ProductionSettings(unknown=Message("the repository does not use Django"), uses_django=False)
    found: dict[str, Evidence] = {}
    missing: list[str] = []
    for dotted, where in _named(repo):
        target = _module_file(repo, dotted)
        if _NOT_PROD_NAME.search(dotted):
            continue
        if target is None:
            missing.append(Message("{module} (named at {place}) is not a file of the repository", module=dotted,
                                   place=where.ref))
        elif context_of(repo, target) is Context.PRODUCTION:
            found.setdefault(target, where)
    for path in sorted(repo.derived(settings_modules)):
        if _PROD_NAMED.search(path) and context_of(repo, path) is Context.PRODUCTION:
            found.setdefault(path, Evidence(path, 0, "named for production"))
    if missing:
        return ProductionSettings(unknown=Message.joined("; ", sorted(set(missing))))
    if not found:
        return ProductionSettings(unknown=Message("no DJANGO_SETTINGS_MODULE outside development and test settings, "
                                                  "and no settings module named for production"))
    # production.py star-imports base.py: the importer is what runs
    layered = {t for p in found for t in _star_closure(repo, p)}
    leaves = sorted(p for p in found if p not in layered)
    return ProductionSettings(tuple(leaves), tuple(found[p] for p in leaves))


def effective_settings(repo: Repo, path: str) -> Effective:
    """The settings of one production settings module after the layering (memoised per module)."""
    memo = repo.derived(_effective_memo)
    if path not in memo:
        memo[path] = _effective(repo, path, set())
    return memo[path]


def _effective_memo(repo: Repo) -> dict[str, Effective]:
    return {}


def _by_file(repo: Repo) -> dict[str, list[Setting]]:
    out: dict[str, list[Setting]] = {}
    for s in find_settings(repo):
        if s.kind in ("django", "module"):
            out.setdefault(s.file, []).append(s)
    return out


def _effective(repo: Repo, path: str, seen: set[str]) -> Effective:
    facts = repo.python.get(path)
    if facts is None:
        return Effective(unknown=Message("{path} was not parsed", path=path))
    seen = seen | {path}
    dynamic = sorted({c["name"] for c in facts["calls"] if not c["func"] and c["name"] in _DYNAMIC_CALLS})
    if dynamic:
        return Effective(unknown=Message("{path} defines settings dynamically ({calls})", path=path,
                                         calls=", ".join(dynamic)))
    events: list[tuple[int, str, object]] = []
    for imp in facts["imports"]:
        if imp["names"] == ["*"] and not imp["local"]:
            target = repo.resolve_import(path, imp["module"], imp["level"])
            found = _module_file(repo, target)
            if found and context_of(repo, found) in (Context.DEV, Context.TEST):
                continue  # `from .local import *` in a try: a developer's override
            if found is None or found in seen:
                return Effective(unknown=Message("{place} star-imports {module}, which is not a settings file the "
                                                 "audit read", place=f"{path}:{imp['line']}",
                                                 module=target or imp["module"]))
            events.append((imp["line"], "import", found))
    for s in repo.derived(_by_file).get(path, []):
        events.append((s.line, "set", s))
    values: dict[str, Value] = {}
    files = [path]
    for line, kind, item in sorted(events, key=lambda e: e[0]):
        if kind == "import" and isinstance(item, str):
            inner = _effective(repo, item, seen)
            if inner.unknown:
                return inner
            values.update(inner.values)
            files += [f for f in inner.files if f not in files]
        elif isinstance(item, Setting):
            nested = not top_level(repo, path, line)
            if nested and context_at(repo, path, line) is not Context.PRODUCTION:
                continue
            values[item.name] = Value(item, nested)
    return Effective(values, tuple(files))
