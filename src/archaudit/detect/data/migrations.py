"""Alembic migration scripts and the revision graph they form.

A migration script is a Python file assigning both `revision` and `down_revision` at module level
(Alembic's own template) that sits in a `versions/` folder or defines `upgrade()`. Scripts are
grouped into *chains* by their versions folder, so a monorepo with two Alembic environments gets
two independent graphs. Dates come from the file name (YYYYMMDD / YYYY_MM_DD prefix) or, failing
that, from the `Create Date:` line Alembic writes in the docstring; anything else stays empty.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from archaudit.languages.python.facts import ModuleFacts
from archaudit.repo import Repo

_NAME_DATE = re.compile(r"^(\d{4})[_-]?(\d{2})[_-]?(\d{2})")
_CREATE_DATE = re.compile(r"^\s*Create Date:\s*(\d{4})-(\d{2})-(\d{2})")
_HEADER_LINES = 30


@dataclass(frozen=True)
class Migration:
    """One Alembic revision file."""

    path: str
    line: int  # line of the `revision = ...` assignment
    revision: str
    down_revisions: tuple[str, ...]  # () for a base revision; several for a merge revision
    down_line: int  # line of the `down_revision = ...` assignment
    date: str  # "YYYY-MM-DD" or "" when not determined
    date_source: str  # "filename" | "docstring" | ""
    downgrade: str  # facts body kind of downgrade(): code | pass | ellipsis | not-implemented | ... | missing
    downgrade_line: int
    upgrade: str  # body kind of upgrade(), "missing" when absent
    chain: str  # the versions folder grouping this revision with its siblings
    branch_labels: bool  # declares branch_labels (several heads may then be intended)

    @property
    def name_date(self) -> str:
        """The date written in the file name, "" when the name carries none."""
        return self.date if self.date_source == "filename" else ""


def _valid(y: str, m: str, d: str) -> str:
    if 2000 <= int(y) <= 2099 and 1 <= int(m) <= 12 and 1 <= int(d) <= 31:
        return f"{y}-{m}-{d}"
    return ""


def file_name_date(path: str) -> str:
    """"YYYY-MM-DD" when the file name starts with a plausible date (20240105_..., 2024_01_05_...)."""
    m = _NAME_DATE.match(path.rsplit("/", 1)[-1])
    return _valid(*m.groups()) if m else ""


def _docstring_date(repo: Repo, path: str) -> str:
    for text in repo.lines(path)[:_HEADER_LINES]:
        m = _CREATE_DATE.match(text)
        if m:
            return _valid(*m.groups())
    return ""


def _chain_of(path: str) -> str:
    parts = path.split("/")
    if "versions" in parts[:-1]:
        idx = len(parts) - 2 - parts[:-1][::-1].index("versions")
        return "/".join(parts[: idx + 1])
    return "/".join(parts[:-1]) or "."


def _revisions(value: object) -> tuple[str, ...] | None:
    """down_revision as a tuple of ids; None when it is not a literal we can read."""
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,) if value else ()
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(sorted(value))
    return None


def _migration(repo: Repo, path: str, facts: ModuleFacts) -> Migration | None:
    assigns = {a["target"]: a for a in facts["assigns"] if not a["func"] and not a["cls"]}
    rev, down = assigns.get("revision"), assigns.get("down_revision")
    if rev is None or down is None or not isinstance(rev["value"], str) or not rev["value"]:
        return None
    top = {f["name"]: f for f in facts["functions"] if not f["cls"] and "." not in f["qualname"]}
    if "versions" not in path.split("/")[:-1] and "upgrade" not in top:
        return None
    downs = _revisions(down["value"])
    date, source = file_name_date(path), "filename"
    if not date:
        date, source = _docstring_date(repo, path), "docstring"
    labels = assigns.get("branch_labels")
    fn = top.get("downgrade")
    return Migration(
        path=path, line=rev["line"], revision=rev["value"], down_revisions=downs if downs is not None else (),
        down_line=down["line"], date=date, date_source=source if date else "",
        downgrade=fn["body"] if fn else "missing", downgrade_line=fn["line"] if fn else 0,
        upgrade=top["upgrade"]["body"] if "upgrade" in top else "missing",
        chain=_chain_of(path), branch_labels=bool(labels and labels["value"]),
    )


def find_migrations(repo: Repo) -> list[Migration]:
    """Every Alembic revision script, sorted by (chain, path). Memoise with `repo.derived`."""
    out = []
    for path, facts in repo.python_items():
        if not any(a["target"] == "down_revision" for a in facts["assigns"]):
            continue
        m = _migration(repo, path, facts)
        if m is not None:
            out.append(m)
    return sorted(out, key=lambda m: (m.chain, m.path))


def migration_chains(repo: Repo) -> dict[str, list[Migration]]:
    """Migrations grouped by chain (versions folder), each list sorted by path."""
    chains: dict[str, list[Migration]] = defaultdict(list)
    for m in repo.derived(find_migrations):
        chains[m.chain].append(m)
    return dict(sorted(chains.items()))


def heads(chain: list[Migration]) -> list[Migration]:
    """Revisions no other revision of the chain names as its down_revision, sorted by path."""
    pointed = {d for m in chain for d in m.down_revisions}
    return [m for m in chain if m.revision not in pointed]


def branch_points(chain: list[Migration]) -> dict[str, list[Migration]]:
    """Revision id -> the several revisions that branch from it (only ids with 2+ children)."""
    children: dict[str, list[Migration]] = defaultdict(list)
    for m in chain:
        for d in m.down_revisions:
            children[d].append(m)
    return {rev: kids for rev, kids in sorted(children.items()) if len(kids) > 1}


def by_revision(chain: list[Migration]) -> dict[str, Migration]:
    """Revision id -> its migration (first by path when an id is duplicated)."""
    out: dict[str, Migration] = {}
    for m in chain:
        out.setdefault(m.revision, m)
    return out
