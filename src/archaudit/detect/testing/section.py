"""The "Tests" inventory section: Python test tools, test files and functions by kind, fixtures,
factories, coverage configuration and the application packages no test reaches.

Shared fact: `find_tests(repo) -> TestInventory` (memoised), used by the testing rules and the
strengths. The pieces live in scan (functions, fixtures, factories), tools (frameworks
and plugins), coverage and packages.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from archaudit.detect.testing.coverage import CoverageSetting, fail_under, find_coverage
from archaudit.detect.testing.packages import Package, find_packages
from archaudit.detect.testing.scan import (
    Factory,
    Fixture,
    TestFile,
    case_class_names,
    find_factories,
    python_test_paths,
    scan_file,
)
from archaudit.detect.testing.tools import TestTool, find_test_tools
from archaudit.findings import Evidence, Message
from archaudit.model import Fact, Section, Table
from archaudit.repo import Repo

_MAX_ROWS = 60
_FOLDER_DEPTH = 2  # test folders are grouped by their first two levels (tests/unit, api/tests...)


@dataclass(frozen=True)
class TestInventory:
    """Everything known about the Python tests of a repository (all tuples sorted)."""

    __test__ = False  # not a pytest test class

    tools: tuple[TestTool, ...]
    files: tuple[TestFile, ...]  # test-role files holding at least one test function
    fixtures: tuple[Fixture, ...]
    conftests: tuple[str, ...]
    factories: tuple[Factory, ...]
    coverage: tuple[CoverageSetting, ...]
    packages: tuple[Package, ...]

    @property
    def test_count(self) -> int:
        return sum(f.tests for f in self.files)

    @property
    def kinds(self) -> Counter[str]:
        out: Counter[str] = Counter()
        for f in self.files:
            for kind, n in f.kinds:
                out[kind] += n
        return out

    @property
    def untested(self) -> tuple[Package, ...]:
        return tuple(p for p in self.packages if not p.tested)

    @property
    def fail_under(self) -> CoverageSetting | None:
        return fail_under(list(self.coverage))


def find_tests(repo: Repo) -> TestInventory:
    """The test inventory, computed once per audit."""
    return repo.derived(_compute)


def _compute(repo: Repo) -> TestInventory:
    paths = python_test_paths(repo)
    cases = case_class_names(repo, paths)
    files: list[TestFile] = []
    fixtures: list[Fixture] = []
    for path in paths:
        tf, fx = scan_file(repo, path, cases)
        if tf.tests:
            files.append(tf)
        fixtures.extend(fx)
    return TestInventory(
        tools=tuple(find_test_tools(repo, paths)),
        files=tuple(sorted(files)),
        fixtures=tuple(sorted(fixtures)),
        conftests=tuple(p for p in paths if p.rsplit("/", 1)[-1] == "conftest.py"),
        factories=tuple(find_factories(repo)),
        coverage=tuple(find_coverage(repo)),
        packages=tuple(find_packages(repo, paths)),
    )


def section(repo: Repo) -> Section:
    if not repo.python:
        return Section(key="tests", title="Tests")  # front-end tests are inventoried with the front end
    inv = find_tests(repo)
    facts = [*_tool_facts(inv), *_count_facts(inv), *_coverage_facts(inv), *_package_facts(inv)]
    undetermined = []
    if not inv.coverage and inv.files:
        undetermined.append(Message("coverage level: no coverage configuration or coverage command was found"))
    tables = (
        Table("test_tools", "Test tools", ("tool", "kind", "via"),
              tuple({"tool": t.name, "kind": t.kind, "via": t.via, "file": t.path, "line": t.line}
                    for t in inv.tools)),
        Table("test_folders", "Test files by folder (first two levels)", ("folder", "files", "tests", "kinds"),
              _folder_rows(inv)),
        Table("conftest", "conftest.py files", ("file", "fixtures"), tuple(
            {"file": c, "fixtures": sum(1 for fx in inv.fixtures if fx.path == c), "line": 0}
            for c in inv.conftests)),
        Table("factories", "Test data factories", ("factory", "base"), tuple(
            {"factory": f.name, "base": f.base, "file": f.path, "line": f.line} for f in inv.factories[:_MAX_ROWS])),
        Table("coverage", "Coverage configuration", ("kind", "setting"), tuple(
            {"kind": c.kind, "setting": c.detail, "file": c.path, "line": c.line} for c in inv.coverage)),
        Table("test_packages", "Application packages and their tests", ("package", "modules", "status"), tuple(
            {"package": p.folder, "modules": p.modules, "status": p.status, "file": p.test_path or p.path,
             "line": p.test_line} for p in inv.packages)),
    )
    headline = (Message("{n} Python test functions in {files} files", n=inv.test_count, files=len(inv.files))
                if inv.files else Message("no Python test was found"))
    return Section(key="tests", title="Tests", facts=tuple(facts), tables=tables,
                   undetermined=tuple(undetermined), headline=headline)


def _tool_facts(inv: TestInventory) -> list[Fact]:
    frameworks = [t for t in inv.tools if t.kind == "framework"]
    plugins = [t for t in inv.tools if t.kind == "plugin"]
    out = []
    if frameworks:
        names = ", ".join(t.name for t in frameworks)
        text = (Message("Test framework: {names} (plugins: {plugins})", names=names,
                        plugins=", ".join(t.name for t in plugins)) if plugins
                else Message("Test framework: {names}", names=names))
        out.append(Fact(text, tuple(Evidence(t.path, t.line) for t in [*frameworks, *plugins][:6])))
    return out


def _count_facts(inv: TestInventory) -> list[Fact]:
    if not inv.files:
        return [Fact(Message("No Python test function was found (test_* functions or methods of Test* classes)."))]
    kinds = inv.kinds
    split = ", ".join(f"{k} {kinds[k]}" for k in ("unit", "integration", "api", "e2e", "unclassified") if kinds[k])
    out = [Fact(Message("{test_count} test functions in {n} test files ({split})",
                        test_count=inv.test_count, n=len(inv.files), split=split),
                tuple(Evidence(f.path, f.line) for f in inv.files[:3]))]
    if inv.fixtures:
        out.append(Fact(Message("{n} pytest fixtures; conftest.py files: {n2}",
                                n=len(inv.fixtures), n2=len(inv.conftests)),
                        tuple(Evidence(c, 0) for c in inv.conftests[:5])))
    if inv.factories:
        out.append(Fact(Message("{n} test data factories",
                                n=len(inv.factories)), tuple(
            Evidence(f.path, f.line) for f in inv.factories[:3])))
    return out


def _coverage_facts(inv: TestInventory) -> list[Fact]:
    if not inv.coverage:
        return []
    threshold = inv.fail_under
    places = ", ".join(sorted({c.path for c in inv.coverage}))
    text = (Message("Coverage is configured or measured in {places}; minimum enforced: {fail_under}%", places=places,
                    fail_under=f"{threshold.fail_under:g}") if threshold is not None
            else Message("Coverage is configured or measured in {places}", places=places))
    evidence = [threshold] if threshold else []
    evidence += [c for c in inv.coverage if c is not threshold][:3]
    return [Fact(text, tuple(Evidence(c.path, c.line) for c in evidence))]


def _package_facts(inv: TestInventory) -> list[Fact]:
    untested = inv.untested
    if not untested or not inv.files:
        return []
    return [Fact(Message("{n} of {total} application packages have no tests: {names}", n=len(untested),
                         total=len(inv.packages), names=", ".join(p.folder for p in untested)),
                 tuple(Evidence(p.path, 0) for p in untested[:5]))]


def _folder_rows(inv: TestInventory) -> tuple[dict[str, object], ...]:
    groups: dict[str, list[TestFile]] = {}
    for f in inv.files:
        folder = "/".join(f.path.split("/")[:-1][:_FOLDER_DEPTH]) or "."
        groups.setdefault(folder, []).append(f)
    rows = []
    for folder in sorted(groups)[:_MAX_ROWS]:
        kinds: Counter[str] = Counter()
        for f in groups[folder]:
            kinds.update(dict(f.kinds))
        rows.append({"folder": folder, "files": len(groups[folder]),
                     "tests": sum(f.tests for f in groups[folder]),
                     "kinds": ", ".join(f"{k} {n}" for k, n in sorted(kinds.items()))})
    return tuple(rows)
