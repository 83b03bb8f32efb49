"""Python test code, read from the per-file facts: test functions, fixtures, factories, markers.

A *test file* is a Python file with the "test" role (tests/ folders, test_*.py, *_test.py,
conftest.py) or a Django-style `tests.py` / `tests_*.py`. A *test function* is a `test*` function at
module level of a test file, or a `test*` method of a test class (named `Test*`, or deriving from
a `*TestCase` class, directly or through local base classes). Fixtures are `@pytest.fixture`
functions; factories are classes deriving from factory_boy / polyfactory bases (or from local
factories), plus `*Factory` classes written in test files.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from archaudit.languages.python.facts import ClassFact, ModuleFacts
from archaudit.repo import Repo
from archaudit.resolve.python_index import import_aliases, qualified

_FIXTURE_DECORATORS = frozenset({"pytest.fixture", "pytest_asyncio.fixture", "fixture"})
_FACTORY_LIBS = ("factory.", "polyfactory.", "pydantic_factories.")
_TEST_MODULES = ("django.test", "rest_framework.test", "flask_testing")
_MARK = re.compile(r"pytest\.mark\.(\w+)")
FOLDER_KINDS = {
    "unit": "unit", "units": "unit", "unittests": "unit", "unit_tests": "unit",
    "integration": "integration", "integrations": "integration", "integration_tests": "integration",
    "it": "integration", "api": "api", "routes": "api", "endpoints": "api", "routers": "api",
    "e2e": "e2e", "end_to_end": "e2e", "endtoend": "e2e", "functional": "e2e", "acceptance": "e2e",
    "smoke": "e2e", "system": "e2e",
}
MARKER_KINDS = {"unit": "unit", "integration": "integration", "e2e": "e2e", "end_to_end": "e2e",
                "functional": "e2e", "acceptance": "e2e", "smoke": "e2e", "api": "api"}


@dataclass(frozen=True, order=True)
class TestFile:
    """A Python test file: where its first test is, how many tests it has, split by kind."""

    __test__ = False  # not a pytest test class

    path: str
    line: int  # line of the first test function (0 when the file holds none)
    tests: int
    kinds: tuple[tuple[str, int], ...]  # (unit | integration | api | e2e | unclassified, count)


@dataclass(frozen=True, order=True)
class Fixture:
    path: str
    line: int
    name: str


@dataclass(frozen=True, order=True)
class Factory:
    name: str
    base: str
    path: str
    line: int


def is_test_file(repo: Repo, path: str) -> bool:
    """Test role from the path, or a Django-style `tests.py` / `tests_*.py` module that imports a
    test framework (so an application module that happens to be called tests.py is not one)."""
    f = repo.by_path.get(path)
    if f is not None and f.role == "test":
        return True
    base = path.rsplit("/", 1)[-1]
    if not (base == "tests.py" or (base.startswith("tests_") and base.endswith(".py"))) or path not in repo.python:
        return False
    return any(imp["module"].split(".", 1)[0] in ("pytest", "unittest") or imp["module"].startswith(_TEST_MODULES)
               for imp in repo.python[path]["imports"])


def python_test_paths(repo: Repo) -> list[str]:
    """Every parsed Python test file, sorted."""
    return [p for p in sorted(repo.python) if is_test_file(repo, p)]


def folder_kind(path: str) -> str:
    """unit / integration / api / e2e from the folder names of a test path, "" when none says."""
    for part in reversed(path.split("/")[:-1]):
        kind = FOLDER_KINDS.get(part.lower())
        if kind:
            return kind
    return ""


def _markers(texts: list[str]) -> str:
    """The first test-kind marker among `pytest.mark.X` texts, "" when none."""
    for text in texts:
        for mark in _MARK.findall(text):
            if mark in MARKER_KINDS:
                return MARKER_KINDS[mark]
    return ""


def case_class_names(repo: Repo, paths: list[str]) -> set[str]:
    """Names of test-case classes: deriving from a `*TestCase` class, directly or via local bases."""
    classes = [c for p in paths for c in repo.python[p]["classes"]]
    known: set[str] = set()
    for _ in range(6):  # local inheritance chains are short; bounded fixpoint
        before = len(known)
        for c in classes:
            if c["name"] not in known and any(_last(b).endswith("TestCase") or _last(b) in known for b in c["bases"]):
                known.add(c["name"])
        if len(known) == before:
            break
    return known


def _last(dotted: str) -> str:
    return dotted.rsplit(".", 1)[-1]


def scan_file(repo: Repo, path: str, case_classes: set[str]) -> tuple[TestFile, list[Fixture]]:
    """Tests and fixtures of one test file."""
    facts: ModuleFacts = repo.python[path]
    aliases = repo.derived(import_aliases).get(path, {})
    classes: dict[str, ClassFact] = {c["name"]: c for c in facts["classes"]}
    module_kind = _markers([str(a["value"]) for a in facts["assigns"] if a["target"] == "pytestmark"])
    base_kind = folder_kind(path) or module_kind
    kinds: Counter[str] = Counter()
    fixtures: list[Fixture] = []
    first = 0
    for fn in facts["functions"]:
        if "." in fn["qualname"] and not fn["cls"]:
            continue  # nested function
        decos = [qualified(aliases, d["name"]) for d in fn["decorators"]]
        if any(d in _FIXTURE_DECORATORS for d in decos):
            fixtures.append(Fixture(path, fn["line"], fn["name"]))
            continue
        if not fn["name"].startswith("test"):
            continue
        cls = classes.get(fn["cls"]) if fn["cls"] else None
        if fn["cls"] and not (fn["cls"].startswith("Test") or fn["cls"] in case_classes):
            continue
        class_decos = [d["name"] for d in cls["decorators"]] if cls else []
        kinds[base_kind or _markers(decos + class_decos) or "unclassified"] += 1
        first = fn["line"] if not first else min(first, fn["line"])
    return TestFile(path, first, sum(kinds.values()), tuple(sorted(kinds.items()))), fixtures


def find_factories(repo: Repo) -> list[Factory]:
    """Test-data factories: classes deriving from factory_boy/polyfactory (or from a local factory),
    and `*Factory` classes defined in test files."""
    candidates: list[tuple[str, ClassFact, list[str]]] = []
    for path, facts in repo.python_items():
        if not facts["classes"]:
            continue
        aliases = repo.derived(import_aliases).get(path, {})
        for c in facts["classes"]:
            candidates.append((path, c, [qualified(aliases, b) for b in c["bases"]]))
    found: dict[tuple[str, int], Factory] = {}
    local: set[str] = set()
    for _ in range(6):
        before = len(found)
        for path, c, bases in candidates:
            if (path, c["line"]) in found:
                continue
            base = next((b for b in bases if b.startswith(_FACTORY_LIBS) or _last(b) in local), "")
            if not base and c["name"].endswith("Factory") and is_test_file(repo, path):
                base = bases[0] if bases else "object"
            if base:
                found[(path, c["line"])] = Factory(c["name"], base, path, c["line"])
                local.add(c["name"])
        if len(found) == before:
            break
    return sorted(found.values())
