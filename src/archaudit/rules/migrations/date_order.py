"""MIG003 migration-dates-out-of-order."""

from __future__ import annotations

from collections.abc import Iterator

from archaudit.detect.data.migrations import by_revision, find_migrations
from archaudit.findings import Axis, Evidence, Hit, Message, Severity
from archaudit.repo import Repo
from archaudit.resolve.context import WITH_MIGRATIONS
from archaudit.rules.base import Rule


def check(repo: Repo) -> Iterator[Hit]:
    """Compares the dates written in Alembic file names (YYYYMMDD / YYYY_MM_DD prefixes) along each
    `down_revision` link and reports a revision whose file is dated before the file of the revision it
    revises. Files without a date in their name are not compared."""
    migrations = repo.derived(find_migrations)
    index = by_revision(migrations)
    for m in migrations:
        if not m.name_date:
            continue
        for down in m.down_revisions:
            parent = index.get(down)
            if parent is None or not parent.name_date or parent.name_date <= m.name_date:
                continue
            yield Hit(m.path, m.down_line,
                      Message("{value} (dated {name_date}) revises {down}, whose file {value2} is dated later "
                              "({name_date2}).",
                              value=m.path.rsplit('/', 1)[-1], name_date=m.name_date, down=down,
                              value2=parent.path.rsplit('/', 1)[-1], name_date2=parent.name_date),
                      also=(Evidence(parent.path, parent.line),), key=f"{m.revision}->{down}")


RULE = Rule(
    id="MIG003",
    name="migration-dates-out-of-order",
    axis=Axis.REPRODUCIBILITY,
    severity=Severity.LOW,
    title="Migration file dates disagree with the revision chain",
    impact="Reading the versions folder in name order gives the wrong history: reviewers and operators "
           "misjudge which change runs first, and a hand-picked rollback target can be wrong.",
    action="Rename the file so its date prefix follows its parent's (or drop dates from the file "
           "template and rely on `alembic history`), and check the chain order in CI.",
    contexts=WITH_MIGRATIONS,
    check=check,
    example_bad='# versions/20260206_add_index.py\ndown_revision = "20260222_legacy_tables"',
    example_good='# versions/20260223_add_index.py\ndown_revision = "20260222_legacy_tables"',
)
