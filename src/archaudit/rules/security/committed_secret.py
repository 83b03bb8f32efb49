"""SEC008 committed-secret."""

from __future__ import annotations

from collections.abc import Iterator

from archaudit.findings import Axis, Hit, Severity
from archaudit.repo import Repo
from archaudit.resolve.context import Context
from archaudit.rules.base import Rule

# a key in tests, docs, sample data or a template is a fixture or a placeholder far more often than a
# live credential; dev settings, scripts and migrations run against real systems
SECRET_CONTEXTS = frozenset({Context.PRODUCTION, Context.DEV, Context.SCRIPT, Context.MIGRATION})


def check(repo: Repo) -> Iterator[Hit]:
    """Reads the records of the secrets scanner (archaudit.scan.secrets): token-shaped strings
    (private keys, cloud/API tokens, JWTs) found in any committed text file, tests included.
    Obvious placeholders (xxxx, ...EXAMPLE) are not recorded. The value itself is never kept."""
    for path, records in repo.extra("secrets"):
        for rec in records:
            if not isinstance(rec, dict) or not isinstance(rec.get("line"), int):
                continue
            kind = str(rec.get("kind", "secret"))
            label = kind[:1].upper() + kind[1:]
            yield Hit(path, rec["line"], f"{label} committed in {path}:{rec['line']} (value not shown).", key=kind)


RULE = Rule(
    id="SEC008",
    name="committed-secret",
    axis=Axis.SECURITY,
    severity=Severity.CRITICAL,
    title="Secret committed in the repository",
    impact="Anyone with read access to the repository (or its history, forks and CI logs) can use the "
           "credential; removing the file later does not remove it from git history.",
    action="Revoke and rotate the credential now, then load it from the environment or a secret "
           "manager; purge it from history (git filter-repo) and add a secret scanner to CI.",
    contexts=SECRET_CONTEXTS,
    check=check,
    languages=frozenset(),  # repository files, whatever the language
    supersedes=("CFG002",),
    example_bad='GITHUB_TOKEN = "ghp_...36 characters..."   # a live token in settings.py',
    example_good='GITHUB_TOKEN = os.environ["GITHUB_TOKEN"]   # injected at deploy time',
)
