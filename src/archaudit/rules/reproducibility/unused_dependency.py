"""DEP001 declared-dependency-never-imported."""

from __future__ import annotations

from collections.abc import Iterator

from archaudit.data.stack_catalog import DB_DRIVERS, ENABLERS
from archaudit.detect.dependencies.manifests import Dependency, find_dependencies
from archaudit.detect.dependencies.usage import (
    command_mentions,
    driver_used_by_dsn,
    installed_along,
    is_tool,
    loads_entry_point_plugins,
    usage_of,
)
from archaudit.findings import Axis, Hit, Message, Severity
from archaudit.repo import Repo
from archaudit.rules.base import Rule
from archaudit.rules.reproducibility._deps import declared_in, project_names, python_files_in


def _excused(repo: Repo, dep: Dependency) -> bool:
    """Packages legitimately declared without an import: tools, drivers named by a database URL,
    packages loaded by another declared package or installed by it anyway (a pin of a transitive
    package), the project's own plugins loaded by entry point, commands, alembic with an alembic.ini."""
    projects = repo.derived(project_names)
    if is_tool(dep.name) or dep.url or dep.name in projects:
        return True
    if any(dep.name.startswith(p + "-") for p in projects) and repo.derived(loads_entry_point_plugins):
        return True
    enablers = ENABLERS.get(dep.name, ())
    if enablers and any(d.name in enablers for d in declared_in(repo, dep.app)):
        return True
    if dep.name in DB_DRIVERS:
        return driver_used_by_dsn(repo, dep.name) is not False
    if dep.name == "alembic" and repo.find(name="alembic.ini"):
        return True
    return command_mentions(repo, dep.name) is not None or installed_along(repo, dep) is not None


def check(repo: Repo) -> Iterator[Hit]:
    """Runtime Python dependencies that no Python file of their app imports (absolute or local
    imports, dotted import names for namespace packages such as google.cloud.storage) nor names in a
    string (Django INSTALLED_APPS, logging configs). Tools (servers, linters, pytest plugins, stubs),
    drivers loaded by a visible database URL, packages loaded by another declared package (redis for
    Celery) and packages run by a command (Procfile, Dockerfile, compose, CI, Makefile) are skipped."""
    for dep in find_dependencies(repo):
        if dep.ecosystem != "python" or dep.kind != "runtime" or not python_files_in(repo, dep.app):
            continue
        if usage_of(repo, dep) != "no" or _excused(repo, dep):
            continue
        yield Hit(dep.source, dep.line, Message("`{name}` is declared but no Python file of {value} imports it.",
                                                name=dep.name, value=dep.app or Message("the repository")),
                  key=dep.name)


RULE = Rule(
    id="DEP001",
    name="declared-dependency-never-imported",
    axis=Axis.REPRODUCIBILITY,
    severity=Severity.LOW,
    title="Declared dependency never imported",
    impact="Every unused package is installed, scanned and upgraded for nothing: slower builds, a larger "
           "attack surface and noise in security advisories; it also hides what the code really uses.",
    action="Remove the package from the manifest, or, if it is loaded indirectly (plugin, driver, CLI), "
           "say so in a comment next to it.",
    check=check,
    absence_in=frozenset({"python"}),
    aggregate="repository",
    example_bad="requirements.txt\n  stripe==8.1.0   # no `import stripe` anywhere",
    example_good="requirements.txt\n  stripe==8.1.0\napp/billing.py\n  import stripe",
)
