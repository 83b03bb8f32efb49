"""DX101 runtime-artefact-in-tree."""

from __future__ import annotations

import re
from collections.abc import Iterator

from archaudit.findings import Axis, Hit, Message, Severity
from archaudit.repo import Repo
from archaudit.resolve.context import Context, context_of
from archaudit.rules.base import Rule

# (what it is, file name pattern): files a running application, worker or test run writes
_KINDS = (
    (Message("a SQLite database"), re.compile(r"\.(sqlite3?|db|db3|sqlite-journal|db-journal|db-wal|db-shm)$", re.I)),
    (Message("the Celery beat schedule"), re.compile(r"^celerybeat(-schedule(\.(db|dat|dir|bak))?|\.pid)$")),
    (Message("a log file"), re.compile(r"\.log(\.\d+)?$", re.I)),
    (Message("a database or cache dump"),
     re.compile(r"^dump\.rdb$|\.(dump|pgdump|rdb)$|\.sql\.(gz|bz2|xz|zip)$", re.I)),
    (Message("compiled Python bytecode"), re.compile(r"\.py[co]$")),
    (Message("coverage output"), re.compile(r"^\.coverage(\..+)?$|^coverage\.xml$|^lcov\.info$|^\.nyc_output$")),
    (Message("a process id file"), re.compile(r"\.pid$")),
)
# trees whose files are fixtures, samples or documentation: data kept on purpose
_KEPT = frozenset({Context.TEST, Context.SAMPLE, Context.DOCS, Context.TEMPLATE, Context.GENERATED})


def artefact_kind(path: str) -> str:
    """What runtime artefact the file name says it is, "" when none."""
    name = path.rsplit("/", 1)[-1]
    return next((what for what, pattern in _KINDS if pattern.search(name)), "")


def check(repo: Repo) -> Iterator[Hit]:
    """Looks at every file of the tree (the walk already drops what a .gitignore excludes) for
    files a running system writes: SQLite databases (and their journals), `celerybeat-schedule`,
    `*.log`, database or Redis dumps, `.pyc` outside `__pycache__`, coverage data, pid files.
    Only files no language claims count (`Dockerfile.db` is a Dockerfile). Fixtures and sample
    data (under tests/, fixtures/, samples, docs) are data kept on purpose and are not judged.
    `node_modules/`, `__pycache__/`, `htmlcov/` and `coverage/` are left out of the walk itself, so
    they are not reported here. One finding lists every such file."""
    for f in repo.files:
        what = artefact_kind(f.path) if f.language == "other" else ""  # Dockerfile.db is a Dockerfile
        if what and context_of(repo, f.path) not in _KEPT:
            yield Hit(f.path, 0, Message("{path} is {what}, written at run time; it is in the source tree and no "
                                         ".gitignore excludes it.",
                                         path=f.path, what=what), key="runtime-artefact")


RULE = Rule(
    id="DX101",
    name="runtime-artefact-in-tree",
    axis=Axis.DEVELOPER_EXPERIENCE,
    severity=Severity.LOW,
    title="Runtime artefacts are kept in the source tree",
    impact="Databases, logs and dumps in the repository leak data (user rows, tokens in logs), bloat the history "
           "and make every checkout start from someone's local state.",
    action="Delete them from the repository (git rm --cached), add their patterns to .gitignore, and create them "
           "at run time (migrations, fixtures loaded by the tests).",
    check=check,
    aggregate="repository",
    contexts=frozenset({Context.PRODUCTION, Context.SCRIPT, Context.DEV, Context.MIGRATION}),
    example_bad="db.sqlite3\ncelerybeat-schedule\nlogs/app.log",
    example_good=".gitignore\n  *.sqlite3\n  celerybeat-schedule\n  *.log",
)
