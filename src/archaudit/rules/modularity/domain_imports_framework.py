"""MOD057 domain-imports-framework."""

from __future__ import annotations

from collections.abc import Iterator

from archaudit.findings import Axis, Hit, Message, Severity
from archaudit.repo import Repo
from archaudit.rules.base import Rule
from archaudit.rules.modularity._layering import framework_imports, strict_domain_files


def check(repo: Repo) -> Iterator[Hit]:
    """Looks at module-level imports of a web framework (fastapi, flask, starlette, django) or an ORM
    (sqlalchemy, sqlmodel, django.db, tortoise, peewee) in modules under a `domain/` or `entities/`
    folder. Only layouts with an explicit domain folder are checked: in active-record designs
    (`core/<domain>/models.py`) ORM imports are the intended style."""
    for path in strict_domain_files(repo):
        for imp, kind in framework_imports(repo, path):
            yield Hit(path, imp["line"], Message("Domain module imports the {kind} `{module}`.",
                                                 kind=kind, module=imp['module']), key=imp["module"])


RULE = Rule(
    id="MOD057",
    name="domain-imports-framework",
    axis=Axis.MODULARITY,
    severity=Severity.MEDIUM,
    title="The domain layer depends on a web framework or an ORM",
    impact="Domain objects are tied to HTTP or persistence concerns: they cannot be tested without the "
           "framework, and a framework upgrade or a storage change reaches the business rules.",
    action="Keep domain entities plain (dataclasses, pydantic without framework imports); map them to ORM "
           "models in the infrastructure layer and raise domain errors that the API layer translates.",
    check=check,
    example_bad="# app/domain/user.py\nfrom fastapi import HTTPException\nfrom sqlalchemy.orm import Mapped",
    example_good="# app/domain/user.py\nfrom dataclasses import dataclass\nfrom app.domain.errors import DomainError",
)
