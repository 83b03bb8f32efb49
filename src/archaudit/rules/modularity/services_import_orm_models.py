"""MOD053 services-import-orm-models."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from archaudit.detect.architecture.layers import imports_by_file, is_test_path, layer_of
from archaudit.detect.architecture.patterns import find_ports
from archaudit.detect.data.orm import find_models
from archaudit.findings import Axis, Evidence, Hit, Message, Severity
from archaudit.repo import Repo
from archaudit.rules.base import Rule

_DATA_PORTS = ("Repository", "Repo", "Dao", "DAO")


def _repositories(repo: Repo) -> list[Evidence]:
    """Where the project shows a data-access abstraction: classes (or ports) named *Repository,
    *Repo, *DAO. Any other port (an authentication-provider ABC, an email sender) is an
    extension point, not evidence that data access goes through repositories."""
    found = [Evidence(p.path, p.line) for p in repo.derived(find_ports) if p.name.endswith(_DATA_PORTS)]
    for path, facts in repo.python_items():
        if not is_test_path(repo, path):
            found.extend(Evidence(path, c["line"]) for c in facts["classes"] if c["name"].endswith(_DATA_PORTS))
    return sorted(set(found))


def check(repo: Repo) -> Iterator[Hit]:
    """When the project has repositories (a class or port named *Repository, *Repo, *DAO),
    looks for application-layer modules (services/, use_cases/, application/) that are not themselves
    repositories and import ORM model classes (SQLAlchemy, SQLModel, Django models found by the ORM
    detector) at module level: `from app.models import User` or `from app import models`."""
    repos = _repositories(repo)
    if not repos:
        return
    models: dict[str, set[str]] = defaultdict(set)
    for m in repo.derived(find_models):
        models[m.path].add(m.name)
    for path, layer in sorted(repo.derived(layer_of).items()):
        if layer != "application" or "repositor" in path.lower():
            continue
        seen = set()
        for imp in repo.derived(imports_by_file).get(path, []):
            names = models.get(imp.target, set())
            last = imp.dotted.rsplit(".", 1)[-1]
            module_import = repo.module_of.get(imp.target, "") == imp.dotted
            if imp.local or imp.line in seen or not names or not (last in names or module_import):
                continue
            seen.add(imp.line)
            shown = last if last in names else f"module {imp.dotted} ({len(names)} declared)"
            yield Hit(path, imp.line, Message("Service module imports ORM model {shown} although the project has "
                                              "repositories.",
                                              shown=shown), also=(repos[0],), key=imp.dotted)


RULE = Rule(
    id="MOD053",
    name="services-import-orm-models",
    axis=Axis.MODULARITY,
    severity=Severity.LOW,
    title="Services query ORM models directly although repositories exist",
    impact="Data access is split between repositories and services: queries are duplicated, the service "
           "cannot be tested without a database, and the repository abstraction gives a false sense of isolation.",
    action="Move the queries the service needs into the repository (or a new port method) and have the "
           "service work with domain objects or DTOs.",
    check=check,
    example_bad="# app/services/users.py\nfrom app.models import User\n"
                "def activate(db, id):\n    db.query(User).get(id).active = True",
    example_good="# app/services/users.py\ndef activate(users: UserRepository, id):\n    users.activate(id)",
)
