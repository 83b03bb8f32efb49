"""CI007 migrations-in-build-step."""

from __future__ import annotations

from collections.abc import Iterator

from archaudit.detect.cicd.commands import classify
from archaudit.detect.deploy.manifests import find_render_services
from archaudit.detect.formats.dockerfile import find_dockerfiles
from archaudit.findings import Axis, Hit, Message, Severity
from archaudit.repo import Repo
from archaudit.rules.base import Rule


def check(repo: Repo) -> Iterator[Hit]:
    """Looks for database migrations (alembic upgrade, manage.py migrate, flask db upgrade, prisma
    migrate...) run while building: in a render.yaml service's `buildCommand` when the service has no
    `preDeployCommand`, and in a Dockerfile `RUN` instruction."""
    for svc in find_render_services(repo):
        if "migrations" in classify(svc.get("buildCommand")) and not svc.get("preDeployCommand"):
            yield Hit(svc.file, svc.line_of("buildCommand"), Message("Service {value} migrates the database in its "
                                                                     "buildCommand, with no preDeployCommand.",
                                                                     value=svc.name or svc.type),
                      key=f"render {svc.name}")
    for df in find_dockerfiles(repo):
        for ins in df.all("RUN"):
            if "migrations" in classify(ins.args):
                yield Hit(df.path, ins.line, Message("The image build runs database migrations (RUN)."),
                          key=ins.args[:80])


RULE = Rule(
    id="CI007",
    name="migrations-in-build-step",
    axis=Axis.REPRODUCIBILITY,
    severity=Severity.MEDIUM,
    title="Database migrations run during the build",
    impact="The schema changes before the new release is known to build and start; a failed deploy "
           "leaves the live database migrated for code that is not running, and builds need database access.",
    action="Run migrations in a dedicated pre-deploy/release step (render.yaml preDeployCommand, Procfile "
           "`release:`, a Kubernetes job), after the build succeeded and before traffic switches.",
    check=check,
    example_bad="services:\n  - type: web\n    buildCommand: pip install -r requirements.txt && alembic upgrade head",
    example_good="services:\n  - type: web\n    buildCommand: pip install -r requirements.txt\n"
                 "    preDeployCommand: alembic upgrade head",
)
