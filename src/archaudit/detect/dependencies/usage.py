"""Is a declared dependency used? Imports, module names written in strings (Django INSTALLED_APPS,
logging configs), database URLs naming a driver, and commands in deployment/CI/docs files.

Public helpers (memoised through `repo.derived`):
    import_names(dist)            -> dotted module names a distribution is imported as
    usage_index(repo)             -> UsageIndex (imports and string references per file, DSN drivers)
    usage_of(repo, dep)           -> "yes" | "by string" | "no" | "not determined"
    command_texts(repo)           -> [(path, text)] of files that hold commands (CI, Docker, Makefile, docs...)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from archaudit.data.stack_catalog import (
    DB_DRIVERS,
    IMPORT_NAMES,
    NAMESPACE_PREFIXES,
    TOOL_PREFIXES,
    TOOL_SUFFIXES,
    TOOLS,
)
from archaudit.detect.dependencies.manifests import Dependency, normalize
from archaudit.detect.dependencies.module_names import ValueScanner, dsn_tokens
from archaudit.repo import Repo

_CONFIG_LANGS = ("dotenv", "ini", "yaml", "toml", "json", "conf", "dockerfile", "shell")


def import_names(dist: str) -> tuple[str, ...]:
    """Dotted module names `dist` is imported as (curated mismatches, namespaces, else name with _)."""
    name = normalize(dist)
    if name in IMPORT_NAMES:
        return IMPORT_NAMES[name]
    for prefix in NAMESPACE_PREFIXES:
        if name.startswith(prefix) and name != prefix.rstrip("-"):
            head = prefix.rstrip("-").replace("-", ".")
            return (head + "." + name[len(prefix):].replace("-", "_"),)
    out = [name.replace("-", "_")]
    if name.startswith("python-"):
        out.append(name[7:].replace("-", "_"))
    if name.startswith("django-"):  # django-csp -> csp, django-storages -> storages
        out.append(name[7:].replace("-", "_"))
    if name.endswith("-python"):
        out.append(name[:-7].replace("-", "_"))
    return tuple(out)


def is_tool(dist: str) -> bool:
    """Used through a command, a plugin mechanism or another package rather than imported."""
    name = normalize(dist)
    return name in TOOLS or name.startswith(TOOL_PREFIXES) or name.endswith(TOOL_SUFFIXES)


@dataclass
class UsageIndex:
    imported: dict[str, set[str]] = field(default_factory=dict)  # path -> dotted names and prefixes
    strings: dict[str, set[str]] = field(default_factory=dict)  # path -> dotted names named in strings
    dsn_tokens: dict[str, list[tuple[str, int]]] = field(default_factory=dict)  # token -> [(path, line)]


def usage_index(repo: Repo) -> UsageIndex:
    """One pass over the Python facts (imports, assigned/called string literals) and config texts."""
    index = UsageIndex()
    scanner = ValueScanner(index.dsn_tokens)
    for path, facts in repo.python_items():
        names: set[str] = set()
        for imp in facts["imports"]:
            if imp["level"] or not imp["module"]:
                continue
            names.update(scanner.prefixes(imp["module"]))
            for n in imp["names"]:
                names.add(imp["module"] + "." + n.partition(" as ")[0])
        index.imported[path] = names
        index.strings[path] = scanner.scan_module(facts, path)
    for f in repo.files:
        if f.language in _CONFIG_LANGS or f.path.rsplit("/", 1)[-1].startswith((".env", "Procfile")):
            for i, line in enumerate(repo.lines(f.path), 1) if f.size < 300_000 else []:
                _scan_dsn(line, index, f.path, i)
    return index


def _scan_dsn(text: str, index: UsageIndex, path: str, line: int) -> None:
    for token in dsn_tokens(text):
        index.dsn_tokens.setdefault(token, []).append((path, line))


def _in_app(path: str, app: str) -> bool:
    return not app or path.startswith(app + "/")


def usage_of(repo: Repo, dep: Dependency) -> str:
    """"yes" when a Python file of the dependency's app imports it, "by string" when a string names
    its module (settings, logging config), "no" otherwise; "not determined" when a Python file of
    the app could not be parsed or the package is not Python."""
    if dep.ecosystem != "python":
        return "not determined"
    index = repo.derived(usage_index)
    names = import_names(dep.name)
    paths = [p for p in index.imported if _in_app(p, dep.app)]
    if any(n in index.imported[p] for p in paths for n in names):
        return "yes"
    if any(n in index.strings[p] for p in paths for n in names):
        return "by string"
    if any(s.path.endswith(".py") and _in_app(s.path, dep.app) for s in repo.skipped):
        return "not determined"
    return "no"


def driver_used_by_dsn(repo: Repo, dist: str) -> bool | None:
    """True when a visible database URL / Django engine loads this driver, False when URLs are
    visible but none does, None when no URL is visible or `dist` is not a known driver."""
    tokens = DB_DRIVERS.get(normalize(dist))
    dsn = repo.derived(usage_index).dsn_tokens
    if tokens is None or not dsn:
        return None
    return any(t in dsn for t in tokens)


_COMMAND_NAMES = ("Procfile", "Makefile", "makefile", "justfile", "Justfile", "tox.ini", "pyproject.toml",
                  "package.json", "setup.cfg")


def command_texts(repo: Repo) -> list[tuple[str, str]]:
    """(path, text) of files where commands are written: CI, Docker/compose, Procfile, Makefile,
    shell scripts, tox.ini, READMEs and docs."""
    out = []
    for f in repo.files:
        base = f.path.rsplit("/", 1)[-1]
        if (f.role in ("ci", "deploy", "doc") or f.language == "shell" or base in _COMMAND_NAMES
                or base.startswith("Procfile")):
            text = repo.text(f.path)
            if text is not None:
                out.append((f.path, text))
    return out


def command_mentions(repo: Repo, dist: str) -> tuple[str, int] | None:
    """First place a command runs the package (`celery -A app worker`, `python -m alembic upgrade`)."""
    words = {normalize(dist), *import_names(dist)}
    alternation = "|".join(re.escape(w) for w in sorted(words))
    pat = re.compile(r"(?<![\w/.:-])(?:" + alternation + r")(?:[\"']\s*,\s*[\"']|[ \t]+)-{0,2}[A-Za-z]")
    for path, text in repo.derived(command_texts):
        m = pat.search(text)
        if m:
            return path, text.count("\n", 0, m.start()) + 1
    return None
