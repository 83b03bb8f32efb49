"""DEP002 imported-package-not-declared."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator

from archaudit.detect.dependencies.distributions import import_names, module_keys, name_keys
from archaudit.detect.dependencies.manifests import find_lockfiles, locked_versions, normalize
from archaudit.detect.dependencies.usage import command_texts
from archaudit.findings import Axis, Evidence, Hit, Message, Severity
from archaudit.languages.python.facts import ModuleFacts, expr_text
from archaudit.repo import Repo
from archaudit.rules.base import Rule
from archaudit.rules.reproducibility._deps import app_of_file, declared_in, declared_keys, provided_modules

_NAMESPACES = {"google", "azure", "opentelemetry"}
_OPTIONAL = {"ImportError", "ModuleNotFoundError", "Exception", "BaseException", ""}
_INSTALL = re.compile(r"\b(?:pip3?|uv pip|poetry|uv|pdm|pipenv)\s+(?:install|add)\b([^\n]*)")


def local_names(repo: Repo) -> set[str]:
    """Every name a repository file or folder could be imported as (sys.path tricks included)."""
    out = {m.split(".")[0] for m in repo.modules}
    for path in repo.python:
        out.update(part.removesuffix(".py") for part in path.split("/"))
    return out


def installed_by_commands(repo: Repo) -> set[str]:
    """Package names installed by `pip install x` / `poetry add x` lines (CI, Dockerfile, docs)."""
    out: set[str] = set()
    for _path, text in repo.derived(command_texts):
        for m in _INSTALL.finditer(text):
            for word in re.findall(r"(?<![\w/.-])([A-Za-z][\w.-]*)", m.group(1)):
                out.add(normalize(word))
    return out


def _optional_lines(facts: ModuleFacts) -> set[int]:
    """Lines just above an `except ImportError` handler, and lines inside `with suppress(ImportError):`:
    imports guarded as optional."""
    out: set[int] = set()
    for h in facts["handlers"]:
        if not h["types"] or any(t.rsplit(".", 1)[-1] in _OPTIONAL for t in h["types"]):
            out.update(range(max(1, h["line"] - 6), h["line"]))
    suppressing = {c["line"] for c in facts["calls"] if c["name"].rsplit(".", 1)[-1] == "suppress"
                   and any(expr_text(a).rsplit(".", 1)[-1] in _OPTIONAL for a in c["args"])}
    for w in facts["withs"]:
        if w["line"] in suppressing and w["ctx"].rsplit(".", 1)[-1] == "suppress":
            out.update(range(w["line"] + 1, w["end"] + 1))
    return out


def _marked_optional(repo: Repo, path: str, line: int) -> bool:
    """The import line says the module may be missing (`# pylint: disable=import-error`)."""
    lines = repo.lines(path)
    return 0 < line <= len(lines) and "import-error" in lines[line - 1]


def _probed(facts: ModuleFacts) -> set[str]:
    """Top-level modules whose presence the code checks first (`importlib.util.find_spec("x")`): an
    optional, user-provided module such as a local settings file."""
    return {c["args"][0].split(".")[0] for c in facts["calls"]
            if c["name"].rsplit(".", 1)[-1] == "find_spec" and c["args"] and isinstance(c["args"][0], str)}


def _key(module: str) -> str:
    parts = module.split(".")
    return ".".join(parts[:3]) if parts[0] in _NAMESPACES else parts[0]


def _covered(candidates: list[str], provided: set[str], declared_names: set[str], keys: frozenset[str]) -> bool:
    for c in candidates:
        parts = c.split(".")
        if any(".".join(parts[:i]) in provided for i in range(1, len(parts) + 1)):
            return True
    if not keys.isdisjoint(module_keys(candidates[0])):
        return True  # a decorated distribution name: py-ip2region declares ip2region
    top = normalize(candidates[0].split(".")[0])
    return len(top) >= 4 and any(top in n or n in top for n in declared_names if len(n) >= 4)


def _locked_by_import(repo: Repo, app: str) -> dict[str, tuple[str, str]]:
    """Import name -> (distribution, lockfile) for every package a lockfile of the app (or of an
    enclosing folder) pins, directly or as another package's dependency."""
    out: dict[str, tuple[str, str]] = {}
    for (folder, ecosystem, dist), (_version, lock) in sorted(locked_versions(repo).items()):
        if ecosystem == "python" and (not folder or folder == app or app.startswith(folder + "/")):
            for name in (*import_names(dist), *name_keys(dist)):
                out.setdefault(name, (dist, lock))
    return out


def _lock_line(repo: Repo, lock: str, dist: str) -> int:
    """The line pinning `dist` in a lockfile (`six==1.17.0`, `name = "six"`), 0 when not found."""
    for i, text in enumerate(repo.lines(lock), 1):
        low = text.strip().lower()
        if low.startswith((f"{dist}==", f'name = "{dist}"')):
            return i
    return 0


def _message(repo: Repo, app: str, key: str, files: int) -> str:
    """What to say: not declared anywhere, or declared nowhere but pinned by a lockfile as another
    package's dependency (the code relies on a transitive pin: true, and less severe; said as such)."""
    where: str = app or Message("the repository")
    locked = _locked_by_import(repo, app)
    hit = locked.get(key) or next((locked[k] for k in module_keys(key) if k in locked), None)
    if hit is None:
        return Message("`{package}` is imported ({files} file(s)) but no manifest of {where} declares it.",
                       package=key, files=files, where=where)
    dist, lock = hit
    mine = [lf.path for lf in find_lockfiles(repo) if lf.ecosystem == "python"
            and (not lf.app or lf.app == app or app.startswith(lf.app + "/"))]
    pins = sorted(("dev" in p or "test" in p, p, n) for p in mine if (n := _lock_line(repo, p, dist)))
    _, lock, line = pins[0] if pins else (False, lock, 0)  # the production lock first
    return Message("`{package}` is imported ({files} file(s)) but no manifest of {where} declares it: only the "
                   "lockfile {lock} pins it ({dist}), as a dependency of another package.",
                   package=key, files=files, where=where, lock=f"{lock}:{line}" if line else lock, dist=dist)


def check(repo: Repo) -> Iterator[Hit]:
    """Absolute imports of third-party packages (not stdlib per sys.stdlib_module_names, not a
    repository module or folder) that no manifest of the file's app declares, directly or as a
    well-known companion (starlette under fastapi). Only in apps that declare Python dependencies;
    imports guarded by `except ImportError` or `with suppress(ImportError)`, modules probed with
    `importlib.util.find_spec("x")`, setup.py (build requirements) and packages installed by a visible
    `pip install` are skipped. One finding per package and app, at its first import."""
    local = local_names(repo)
    installed = installed_by_commands(repo)
    stdlib = sys.stdlib_module_names
    cache: dict[str, tuple[set[str], set[str], frozenset[str]]] = {}
    places: dict[tuple[str, str], list[Evidence]] = {}
    third_party: dict[str, bool] = {}  # top-level name -> not stdlib, local, private or installed
    covered: dict[tuple[str, str, tuple[str, ...]], bool] = {}  # (app, module, names) -> declared
    for path, facts in repo.python_items():
        app = app_of_file(repo, path)
        if app is None:
            continue
        if app not in cache:
            deps = declared_in(repo, app)
            cache[app] = (provided_modules(deps), {d.name for d in deps}, declared_keys(deps))
        provided, names, keys = cache[app]
        if path.rsplit("/", 1)[-1] == "setup.py":
            continue  # a build script: its imports are build requirements ([build-system]), not runtime ones
        optional = _optional_lines(facts) if facts["handlers"] or facts["withs"] else set()
        probed = _probed(facts)
        for imp in facts["imports"]:
            module = imp["module"]
            if imp["level"] or not module:
                continue
            top = module.split(".")[0]
            outside = third_party.get(top)
            if outside is None:
                outside = third_party[top] = not (top in stdlib or top in local or top.startswith("_")
                                                  or normalize(top) in installed)
            if not outside or imp["line"] in optional or top in probed or _marked_optional(repo, path, imp["line"]):
                continue
            statement = (app, module, tuple(imp["names"]))
            found = covered.get(statement)
            if found is None:
                candidates = [module] + [module + "." + n.partition(" as ")[0] for n in imp["names"]]
                found = covered[statement] = _covered(candidates, provided, names, keys)
            if not found:
                places.setdefault((app, _key(module)), []).append(Evidence(path, imp["line"]))
    for (app, key), evidence in sorted(places.items()):
        evidence.sort()
        first = evidence[0]
        files = len({e.path for e in evidence})
        yield Hit(first.path, first.line, _message(repo, app, key, files), also=tuple(evidence[1:4]),
                  key=f"{app}:{key}")


RULE = Rule(
    id="DEP002",
    name="imported-package-not-declared",
    axis=Axis.REPRODUCIBILITY,
    severity=Severity.MEDIUM,
    title="Imported package not declared",
    impact="The code works only where the package happens to be installed (a developer's machine, a "
           "transitive dependency): a clean install or an upgrade of another package breaks it.",
    action="Declare the package in the app's manifest (requirements.txt / pyproject.toml) with a version "
           "constraint, and regenerate the lockfile.",
    check=check,
    aggregate="repository",
    example_bad="requirements.txt\n  fastapi==0.110.0\napp/auth.py\n  import jwt   # PyJWT not declared",
    example_good="requirements.txt\n  fastapi==0.110.0\n  PyJWT==2.8.0\napp/auth.py\n  import jwt",
)
