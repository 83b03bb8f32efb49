"""Which top-level application packages the tests reach, and which they never touch.

A *package* is the top-level folder of a dotted module name (from `repo.module_name` rules) holding
application code (source-role Python files with at least one function or class). Single-file
top-level modules are not packages. A package "has tests" when a test file imports one of its
modules directly, when a module imported by the tests imports it (transitively: an API test that
imports the app reaches its routers), when test files live inside it, or when a test folder or file
mirrors its name (`tests/billing/`, `test_billing.py`).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from archaudit.findings import Message
from archaudit.repo import Repo, module_name

NOT_APPLICATION = frozenset({
    "tests", "test", "testing", "scripts", "script", "bin", "tools", "docs", "doc", "examples", "example",
    "samples", "migrations", "alembic", "benchmarks", "bench", "fixtures", "notebooks", "deploy", "infra",
    "ops", "e2e", "conftest", "setup", "noxfile", "manage", "docs_src", "sample", "demo", "demos", "tutorial",
})

_GENERATED = ("_pb2.py", "_pb2_grpc.py")
# how a Django test run is told its settings: pytest-django `DJANGO_SETTINGS_MODULE = x` / `--ds=x`, a CI
# `env:` entry, `os.environ.setdefault("DJANGO_SETTINGS_MODULE", "x")` in manage.py or a conftest
_SETTINGS_MODULE = re.compile(r"""DJANGO_SETTINGS_MODULE["']?\s*[:=,]\s*["']?([A-Za-z_][\w.]*)|"""
                              r"--ds[= ]([A-Za-z_][\w.]*)")
_SETTINGS_FILES = ("pytest.ini", "setup.cfg", "tox.ini", "pyproject.toml", "manage.py", "conftest.py")


@dataclass(frozen=True, order=True)
class Package:
    """A top-level application package and how the tests reach it."""

    folder: str  # e.g. "backend/app" or "billing"
    name: str  # top-level dotted name
    modules: int
    lines: int
    path: str  # evidence file: the package's __init__.py, else its first module
    status: str  # imported by tests | reached through imports | tests inside | mirrored test folder | no tests
    test_path: str = ""  # a test file showing it (with line), "" when none
    test_line: int = 0

    @property
    def tested(self) -> bool:
        return self.status != "no tests"


def find_packages(repo: Repo, tests: list[str]) -> list[Package]:
    """Application packages with their test status, sorted by folder."""
    test_set = set(tests)
    members: dict[str, list[str]] = defaultdict(list)
    names: dict[str, str] = {}
    defs: dict[str, int] = defaultdict(int)
    test_tops: dict[str, str] = {}
    for path, facts in repo.python_items():
        if not path.endswith(".py") or path.endswith(_GENERATED):
            continue  # .pyi stubs describe code, generated gRPC/protobuf modules are not written by hand
        mod = module_name(path, repo.by_path)
        parts = mod.split(".")
        if len(parts) < 2 and not path.endswith("__init__.py"):
            continue
        folder = _folder(path, parts)
        if path in test_set:
            test_tops.setdefault(folder, path)
            continue
        role = repo.by_path[path].role
        if role != "source" or parts[0].startswith("_") or any(
                seg in NOT_APPLICATION for seg in folder.split("/")):
            continue
        members[folder].append(path)
        names[folder] = parts[0]
        defs[folder] += len(facts["functions"]) + len(facts["classes"])
    direct, reached = _reached(repo, tests)
    mirrors = _mirrors(tests)
    out = []
    for folder in sorted(members):
        if not defs[folder] or not folder or _only_scripts(repo, members[folder]):
            continue
        paths = sorted(members[folder])
        status, test_path, test_line = _status(folder, names[folder], paths, direct, reached, test_tops, mirrors)
        init = folder + "/__init__.py"
        out.append(Package(folder, names[folder], len(paths), sum(repo.python[p]["lines"] for p in paths),
                           init if init in repo.python else paths[0], status, test_path, test_line))
    return out


def _folder(path: str, parts: list[str]) -> str:
    """The folder of the top-level package a module belongs to."""
    segs = path[:-3].split("/") if path.endswith(".py") else path.split("/")
    if segs[-1] == "__init__":
        segs = segs[:-1]
    return "/".join(segs[: len(segs) - len(parts) + 1])


def _status(folder: str, name: str, paths: list[str], direct: dict[str, tuple[str, int]],
            reached: dict[str, tuple[str, int]], test_tops: dict[str, str],
            mirrors: dict[str, str]) -> tuple[str, str, int]:
    for p in paths:
        if p in direct:
            return (Message("imported by tests"), *direct[p])
    if folder in test_tops:
        return Message("tests inside"), test_tops[folder], 0
    for p in paths:
        if p in reached:
            return (Message("reached through imports"), *reached[p])
    if name in mirrors:
        return Message("mirrored test folder"), mirrors[name], 0
    return Message("no tests"), "", 0


def dotted_suffixes(repo: Repo) -> dict[str, str | None]:
    """Every dotted suffix of every Python file path -> that file (None when several files share it).

    Resolves imports that `repo.modules` misses, e.g. `pkg.sub.mod` when `sub/` lacks an __init__.py
    and the module got the shorter name `sub.mod`."""
    out: dict[str, str | None] = {}
    for path in repo.python:
        if not path.endswith(".py"):
            continue
        parts = path[:-3].split("/")
        if parts[-1] == "__init__":
            parts = parts[:-1]
        for i in range(len(parts)):
            key = ".".join(parts[i:])
            out[key] = None if key in out and out[key] != path else path
    return out


def _resolve(repo: Repo, suffixes: dict[str, str | None], dotted: str) -> str | None:
    """The file of the longest prefix of `dotted` known as a module name or as a path suffix."""
    parts = dotted.split(".")
    while parts:
        key = ".".join(parts)
        found = repo.modules.get(key) or suffixes.get(key)
        if found:
            return found
        parts.pop()
    return None


def _targets(repo: Repo, path: str) -> list[tuple[str, int]]:
    """Repository files imported by `path`, with the import line."""
    suffixes = repo.derived(dotted_suffixes)
    out = []
    for imp in repo.python[path]["imports"]:
        module = repo.resolve_import(path, imp["module"], imp["level"])
        candidates = [f"{module}.{n.split(' as ')[0]}" if module else n.split(" as ")[0] for n in imp["names"]]
        for dotted in [*candidates, module]:
            found = _resolve(repo, suffixes, dotted) if dotted else None
            if found:
                out.append((found, imp["line"]))
    return out


def _reached(repo: Repo, tests: list[str]) -> tuple[dict[str, tuple[str, int]], dict[str, tuple[str, int]]]:
    """Files imported directly by tests, and files reached transitively, each with a test import."""
    direct: dict[str, tuple[str, int]] = {}
    for t in tests:
        for target, line in _targets(repo, t):
            direct.setdefault(target, (t, line))
    if tests:
        for target, where in test_settings_modules(repo).items():
            direct.setdefault(target, where)
    reached = dict(direct)
    queue = sorted(direct)
    while queue:
        current = queue.pop()
        for target, _ in _targets(repo, current):
            if target not in reached:
                reached[target] = reached[current]
                queue.append(target)
    return direct, reached


def test_settings_modules(repo: Repo) -> dict[str, tuple[str, int]]:
    """Django settings modules the test runner loads (`DJANGO_SETTINGS_MODULE=settings.ci` in CI,
    `--ds=config.settings.test` in pytest's config, manage.py's default) -> (file, line) saying so.
    Every test imports them, through Django, without an import statement."""
    out: dict[str, tuple[str, int]] = {}
    for f in repo.files:
        if f.role != "ci" and f.path.rsplit("/", 1)[-1] not in _SETTINGS_FILES:
            continue
        text = repo.text(f.path) or ""
        if "DJANGO_SETTINGS_MODULE" not in text and "--ds" not in text:
            continue
        for m in _SETTINGS_MODULE.finditer(text):
            target = repo.internal_path(m.group(1) or m.group(2))
            if target:
                out.setdefault(target, (f.path, text.count("\n", 0, m.start()) + 1))
    return out


def _only_scripts(repo: Repo, paths: list[str]) -> bool:
    """Every module of the folder is a stand-alone script (an `if __name__ == "__main__":` block) that
    no other module imports: maintainer tooling (a README table-of-contents generator, a seed script
    for browser tests), not an application package."""
    if not all(repo.python[p]["main_block"] for p in paths):
        return False
    imported = repo.derived(_imported_paths)
    return not any(p in imported for p in paths)


def _imported_paths(repo: Repo) -> set[str]:
    """Repository files some other module imports."""
    out: set[str] = set()
    for path in repo.python:
        out.update(t for t, _ in _targets(repo, path) if t != path)
    return out


def _mirrors(tests: list[str]) -> dict[str, str]:
    """Names mirrored by test folders (`tests/billing/...`) or files (`test_billing.py`)."""
    out: dict[str, str] = {}
    for t in tests:
        parts = t[:-3].split("/")
        for seg in parts[:-1]:
            out.setdefault(seg, t)
        base = parts[-1]
        for stem in (base[5:] if base.startswith("test_") else "", base[:-5] if base.endswith("_test") else ""):
            if stem:
                out.setdefault(stem, t)
    return out
