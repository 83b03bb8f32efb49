"""Is a declared dependency used? Imports, module names written in strings (Django INSTALLED_APPS,
logging configs), database URLs naming a driver, and commands in deployment/CI/docs files.

Public helpers (memoised through `repo.derived`):
    import_names(dist)            -> dotted module names a distribution is imported as (see distributions)
    usage_index(repo)             -> UsageIndex (imports and string references per file, DSN drivers)
    usage_of(repo, dep)           -> "yes" | "by string" | "no" | "not determined"
    command_texts(repo)           -> [(path, text)] of files that hold commands (CI, Docker, Makefile, docs...)
    installed_along(repo, dep)    -> the used declared distribution that installs `dep` anyway, or None
    is_freeze(deps)               -> the declarations of one file are a `pip freeze` output
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from archaudit.data.stack_catalog import DB_DRIVERS, TOOL_PREFIXES, TOOL_SUFFIXES, TOOLS
from archaudit.detect.dependencies.distributions import (
    closure,
    import_names,
    module_keys,
    name_keys,
    optional_requires,
)
from archaudit.detect.dependencies.manifests import Dependency, find_dependencies, normalize
from archaudit.detect.dependencies.module_names import ValueScanner, dsn_tokens, quoted_driver_strings
from archaudit.findings import Message
from archaudit.repo import Repo

# the database names every pattern of `dsn_tokens` requires (a scheme, a Django engine)
_DB_NAMES = ("postgres", "postgis", "mysql", "mariadb", "sqlite", "oracle", "mssql")
_CONFIG_LANGS = ("dotenv", "ini", "yaml", "toml", "json", "conf", "dockerfile", "shell")


def is_tool(dist: str) -> bool:
    """Used through a command, a plugin mechanism or another package rather than imported."""
    name = normalize(dist)
    return name in TOOLS or name.startswith(TOOL_PREFIXES) or name.endswith(TOOL_SUFFIXES)


@dataclass
class UsageIndex:
    imported: dict[str, set[str]] = field(default_factory=dict)  # path -> dotted names and prefixes
    strings: dict[str, set[str]] = field(default_factory=dict)  # path -> dotted names named in strings
    dsn_tokens: dict[str, list[tuple[str, int]]] = field(default_factory=dict)  # token -> [(path, line)]
    keys: dict[str, set[str]] = field(default_factory=dict)  # path -> squashed module spellings (imports, strings)


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
        named = [t for t in index.strings[path] if "." in t or "_" in t or len(t) >= 10]  # module-like strings
        index.keys[path] = set().union(*map(module_keys, names), *map(module_keys, named))
    for path in repo.python:  # driver strings the facts do not keep (annotated or nested assignments)
        text = repo.text(path) or ""
        for m in quoted_driver_strings(text) if "+" in text else ():
            index.dsn_tokens.setdefault(m.group(2).lower(), []).append((path, text.count("\n", 0, m.start()) + 1))
    for f in repo.files:
        if f.language in _CONFIG_LANGS or f.path.rsplit("/", 1)[-1].startswith((".env", "Procfile")):
            if f.size >= 300_000 or not _names_a_database(repo.text(f.path) or ""):
                continue  # every token `dsn_tokens` finds has a database's name in its line: none, no line scanned
            for i, line in enumerate(repo.lines(f.path), 1):
                _scan_dsn(line, index, f.path, i)
    return index


def _names_a_database(text: str) -> bool:
    """Plain substring tests on the lower-cased text (a case-insensitive regex alternation is ten times slower)."""
    low = text.lower()
    return any(name in low for name in _DB_NAMES)


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
        return Message("not determined")
    index = repo.derived(usage_index)
    names = import_names(dep.name)
    paths = [p for p in index.imported if _in_app(p, dep.app)]
    if any(n in index.imported[p] for p in paths for n in names):
        return Message("yes")
    if any(n in index.strings[p] for p in paths for n in names):
        return Message("by string")
    keys = name_keys(dep.name)
    if any(not keys.isdisjoint(index.keys[p]) for p in paths):
        return Message("yes")  # imported under a decorated spelling of its name (py-ip2region -> ip2region)
    if any(s.path.endswith(".py") and _in_app(s.path, dep.app) for s in repo.skipped):
        return Message("not determined")
    if _quoted_in_sources(repo, paths, names):
        return Message("by string")
    return Message("no")


def _quoted_in_sources(repo: Repo, paths: list[str], names: tuple[str, ...]) -> bool:
    """A Python source writes one of `names` as a quoted module path ("aerich.models" deep inside a
    settings dict that the facts keep only to depth 3, `import_module("x")`)."""
    pattern = re.compile(r"[\"'](?:" + "|".join(re.escape(n) for n in names) + r")[\"'.:]")
    texts = (repo.text(p) or "" for p in paths)  # a plain substring test first: most files name none
    return any(pattern.search(text) for text in texts if any(n in text for n in names))


def driver_used_by_dsn(repo: Repo, dist: str) -> bool | None:
    """True when a visible database URL / Django engine loads this driver, False when URLs are
    visible but none does, None when no URL is visible or `dist` is not a known driver."""
    tokens = DB_DRIVERS.get(normalize(dist))
    dsn = repo.derived(usage_index).dsn_tokens
    if tokens is None or not dsn:
        return None
    if any(t in dsn or "~" + t in dsn for t in tokens):
        return True
    return False if any(not t.startswith("~") for t in dsn) else None


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
    # `celery -A app worker`, `["gunicorn", "-b"...]`, and `python -m pysassc $(SCSS)/x.scss` (any arguments)
    pat = re.compile(r"(?<![\w/.:-])(?:" + alternation + r")(?:[\"']\s*,\s*[\"']|[ \t]+)-{0,2}[A-Za-z]"
                     r"|(?<![\w-])-m[ \t]+(?:" + alternation + r")(?![\w.-])")
    for path, text in repo.derived(command_texts):
        m = pat.search(text)
        if m:
            return path, text.count("\n", 0, m.start()) + 1
    return None


_EXACT_PIN = re.compile(r"^==\d")


def is_freeze(deps: list[Dependency]) -> bool:
    """The declarations of one file read as a `pip freeze` output: ten or more entries, every one
    pinned with `==`, in case-insensitive alphabetical order. Such a file lists every installed
    package, transitive ones included: a lock written by hand, not a list of direct needs."""
    if len(deps) < 10 or not all(_EXACT_PIN.match(d.spec) for d in deps):
        return False
    names = [d.raw.split("==")[0].split("[")[0].strip().lower() or d.name for d in sorted(deps, key=lambda d: d.line)]
    return names == sorted(names)


def _python_runtime(repo: Repo) -> list[Dependency]:
    return [d for d in find_dependencies(repo) if d.ecosystem == "python" and d.kind == "runtime"]


def used_dependencies(repo: Repo) -> set[tuple[str, str]]:
    """(app, name) of the runtime Python dependencies something visibly uses: imported, named in a
    string, not determined, or a tool run by a command (memoise through `repo.derived`)."""
    return {(d.app, d.name) for d in repo.derived(_python_runtime)
            if is_tool(d.name) or usage_of(repo, d) != "no"}


def installed_along(repo: Repo, dep: Dependency) -> str | None:
    """The declared distribution that installs `dep` anyway (its requirement, directly or through
    others), when that one is used; in a pip-freeze file, any other entry of the file. None if none.
    Such a declaration is a pin of a transitive package, not a dependency nobody needs."""
    same_app = [d for d in repo.derived(_python_runtime) if d.name != dep.name
                and (not d.app or d.app == dep.app or dep.app.startswith(d.app + "/"))]
    if repo.derived(_freeze_sources).get(dep.source):
        requirers = [d for d in same_app if d.source == dep.source]
    else:
        used = repo.derived(used_dependencies)
        requirers = [d for d in same_app if (d.app, d.name) in used]
    for d in requirers:
        if dep.name in closure([(d.name, d.extras)]) or normalize(dep.name) in optional_requires(d.name):
            return d.name
    return None


def _freeze_sources(repo: Repo) -> dict[str, bool]:
    by_source: dict[str, list[Dependency]] = {}
    for d in repo.derived(_python_runtime):
        by_source.setdefault(d.source, []).append(d)
    return {source: is_freeze(deps) for source, deps in by_source.items()}


_ENTRY_POINT_CALLS = ("load_setuptools_entrypoints", "entry_points", "iter_entry_points")


def loads_entry_point_plugins(repo: Repo) -> bool:
    """Some Python file loads plugins by entry point (pluggy, importlib.metadata, pkg_resources):
    installed distributions can then be used without any import naming them."""
    return any(c["name"].rsplit(".", 1)[-1] in _ENTRY_POINT_CALLS
               for _path, facts in repo.python_items() for c in facts["calls"])
