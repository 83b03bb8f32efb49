"""Which Python test tools a repository uses, each with the first place that proves it.

Evidence, in order of preference: a pytest configuration section, a declared dependency (from
`detect.manifests`), an import in a test file, a `TestCase` base class, a marker such as
`@pytest.mark.asyncio`, or a `pytest_plugins` declaration in a conftest.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from archaudit.detect.dependencies.manifests import find_dependencies
from archaudit.repo import Repo
from archaudit.resolve.python_index import import_aliases, modules_importing, qualified

FRAMEWORKS = frozenset({"pytest", "unittest", "django.test", "nose2", "ward", "behave"})
_LIBRARIES = {  # dependency / import name -> tool name
    "hypothesis": "hypothesis", "factory-boy": "factory_boy", "factory": "factory_boy",
    "model-bakery": "model_bakery", "model_bakery": "model_bakery", "polyfactory": "polyfactory",
    "faker": "faker", "freezegun": "freezegun", "time-machine": "time-machine", "time_machine": "time-machine",
    "responses": "responses", "respx": "respx", "moto": "moto", "testcontainers": "testcontainers",
    "vcrpy": "vcrpy", "vcr": "vcrpy", "requests-mock": "requests-mock", "requests_mock": "requests-mock",
    "fakeredis": "fakeredis", "mongomock": "mongomock", "schemathesis": "schemathesis", "locust": "locust",
    "coverage": "coverage", "nose2": "nose2", "ward": "ward", "behave": "behave", "pytest": "pytest",
}
_MARKER_PLUGINS = {"asyncio": "pytest-asyncio", "anyio": "anyio (pytest plugin)", "django_db": "pytest-django",
                   "benchmark": "pytest-benchmark", "vcr": "pytest-recording"}
_CASE_BASES = (("unittest.", "unittest"), ("django.test.", "django.test"), ("rest_framework.test.", "django.test"),
               ("flask_testing.", "unittest"))
AddFn = Callable[[str, str, int, str], None]
_PYTEST_SECTION = re.compile(r"^\s*\[(tool\.pytest(\.ini_options)?|pytest|tool:pytest)\]")


@dataclass(frozen=True, order=True)
class TestTool:
    """A test tool and the first place that shows it is used."""

    __test__ = False  # not a pytest test class

    name: str
    kind: str  # framework | plugin | library
    path: str
    line: int
    via: str  # configuration | dependency | import | base class | marker | pytest_plugins


def kind_of(name: str) -> str:
    if name in FRAMEWORKS:
        return "framework"
    if name.startswith("pytest-") or name.endswith("(pytest plugin)"):
        return "plugin"
    return "library"


def find_test_tools(repo: Repo, tests: list[str]) -> list[TestTool]:
    """Test tools of the repository (Python side), one record per tool, sorted by name."""
    found: dict[str, TestTool] = {}

    def add(name: str, path: str, line: int, via: str) -> None:
        if name not in found:
            found[name] = TestTool(name, "plugin" if via == "pytest_plugins" else kind_of(name), path, line, via)

    for path, line in _pytest_sections(repo):
        add("pytest", path, line, "configuration")
    for dep in sorted(find_dependencies(repo), key=lambda d: (d.source.count("/"), d.source, d.line)):
        if dep.ecosystem != "python":
            continue
        if dep.name.startswith("pytest-"):
            add(dep.name, dep.source, dep.line, "dependency")
        elif dep.name in _LIBRARIES:
            add(_LIBRARIES[dep.name], dep.source, dep.line, "dependency")
    local_tops = {m.split(".", 1)[0] for m in repo.modules}
    for path in tests:
        _scan_test_module(repo, path, local_tops, add)
    _scan_factory_imports(repo, local_tops, add)
    return sorted(found.values())


def _pytest_sections(repo: Repo) -> list[tuple[str, int]]:
    out = []
    for f in sorted(repo.files, key=lambda f: (f.path.count("/"), f.path)):
        base = f.path.rsplit("/", 1)[-1]
        if base not in ("pyproject.toml", "pytest.ini", "setup.cfg", "tox.ini"):
            continue
        for i, text in enumerate(repo.lines(f.path), 1):
            if _PYTEST_SECTION.match(text):
                out.append((f.path, i))
                break
    return out


def _scan_test_module(repo: Repo, path: str, local_tops: set[str], add: AddFn) -> None:
    facts = repo.python[path]
    aliases = repo.derived(import_aliases).get(path, {})
    for imp in facts["imports"]:
        top = imp["module"].split(".", 1)[0]
        if not imp["level"] and top in _LIBRARIES and top not in local_tops:
            add(_LIBRARIES[top], path, imp["line"], "import")
    for c in facts["classes"]:
        for base in c["bases"]:
            full = qualified(aliases, base)
            for prefix, tool in _CASE_BASES:
                if full.startswith(prefix) and full.endswith("TestCase"):
                    add(tool, path, c["line"], "base class")
    for fn in facts["functions"]:
        for d in fn["decorators"]:
            name = qualified(aliases, d["name"])
            if name.startswith("pytest.mark."):
                plugin = _MARKER_PLUGINS.get(name[len("pytest.mark."):])
                if plugin:
                    add(plugin, path, d["line"], "marker")
    for a in facts["assigns"]:
        if a["target"] == "pytest_plugins" and not a["func"]:
            value = a["value"]
            names = value if isinstance(value, list) else [value]
            for n in names:
                if isinstance(n, str) and n:
                    add(_plugin_name(n), path, a["line"], "pytest_plugins")


def _plugin_name(module: str) -> str:
    """`pytest_asyncio` -> `pytest-asyncio`; a local plugin module keeps its dotted name."""
    return module.replace("_", "-") if module.startswith("pytest_") and "." not in module else module


def _scan_factory_imports(repo: Repo, local_tops: set[str], add: AddFn) -> None:
    """factory_boy / model_bakery / polyfactory imported outside test folders (e.g. app/factories.py)."""
    importing = repo.derived(modules_importing)
    paths = sorted({p for top in ("factory", "model_bakery", "polyfactory") for p in importing.get(top, ())})
    for path in paths:
        for imp in repo.python[path]["imports"]:
            top = imp["module"].split(".", 1)[0]
            if not imp["level"] and top in ("factory", "model_bakery", "polyfactory") and top not in local_tops:
                add(_LIBRARIES[top], path, imp["line"], "import")

