"""MIG004 multiple-alembic-heads."""

from __future__ import annotations

from collections.abc import Iterator

from archaudit.detect.data.migrations import find_migrations, migration_chains
from archaudit.findings import Axis, Evidence, Hit, Message, Severity
from archaudit.repo import Repo
from archaudit.resolve.context import WITH_MIGRATIONS
from archaudit.rules.base import Rule


def check(repo: Repo) -> Iterator[Hit]:
    """Builds each Alembic revision graph (one per versions folder) and reports a graph with more than
    one head, i.e. several revisions that no other revision names as `down_revision`. Graphs that
    declare `branch_labels` (intended independent branches) are left alone."""
    pointed = {d for m in repo.derived(find_migrations) for d in m.down_revisions}
    for chain, items in repo.derived(migration_chains).items():
        if any(m.branch_labels for m in items):
            continue
        tops = [m for m in items if m.revision not in pointed]
        if len(tops) < 2:
            continue
        first, *rest = tops
        yield Hit(first.path, first.line,
                  Message("{chain} has {n} heads ({names}): `alembic upgrade head` refuses to run until they are "
                          "merged.",
                          chain=chain, n=len(tops), names=', '.join(t.revision for t in tops)),
                  also=tuple(Evidence(t.path, t.line) for t in rest), key=chain)


RULE = Rule(
    id="MIG004",
    name="multiple-alembic-heads",
    axis=Axis.REPRODUCIBILITY,
    severity=Severity.HIGH,
    title="Alembic history has several heads",
    impact="`alembic upgrade head` fails with 'Multiple head revisions are present', so deployments and "
           "fresh environments cannot migrate until someone merges the branches by hand.",
    action="Create a merge revision (`alembic merge heads -m merge`) and add `alembic heads` to CI so a "
           "second head fails the build.",
    contexts=WITH_MIGRATIONS,
    check=check,
    example_bad='# a.py\nrevision = "b1"\ndown_revision = "a0"\n# b.py\nrevision = "c1"\ndown_revision = "a0"',
    example_good='# merge.py\nrevision = "d1"\ndown_revision = ("b1", "c1")',
)
