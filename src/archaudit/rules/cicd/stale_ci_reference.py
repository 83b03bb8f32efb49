"""CI006 docs-reference-missing-ci-file."""

from __future__ import annotations

import re
from collections.abc import Iterator

from archaudit.findings import Axis, Hit, Message, Severity
from archaudit.repo import Repo
from archaudit.resolve.context import ALL
from archaudit.rules.base import Rule

_REF = re.compile(r"(?:\.github/workflows/|actions/workflows/)([\w.-]+\.ya?ml)\b|(\.gitlab-ci\.yml|"
                  r"\.circleci/config\.yml)\b")
_HISTORY = re.compile(r"(^|/)(CHANGELOG|CHANGES|HISTORY|NEWS|RELEASE[_-]?NOTES)[^/]*$", re.IGNORECASE)


def check(repo: Repo) -> Iterator[Hit]:
    """Scans documentation files (Markdown/reST, README, docs/; changelogs excluded) for paths of CI
    files (`.github/workflows/<name>.yml`, workflow badge URLs, `.gitlab-ci.yml`, `.circleci/config.yml`)
    that do not exist in the repository."""
    workflows = {f.path.rsplit("/", 1)[-1] for f in repo.files if "/.github/workflows/" in "/" + f.path}
    present = {f.path.rsplit("/", 1)[-1] for f in repo.files if f.role == "ci"}
    for f in repo.files:
        if f.language not in ("markdown", "rst") or _HISTORY.search(f.path):
            continue
        for n, raw in enumerate(repo.lines(f.path)[:20_000], 1):
            for m in _REF.finditer(raw):
                name, other = m.group(1), m.group(2)
                missing = (name and name not in workflows) or (other and other.rsplit("/", 1)[-1] not in present)
                if missing:
                    ref = name or other
                    yield Hit(f.path, n, Message("The documentation refers to {ref}, which does not exist in the "
                                                 "repository.",
                                                 ref=ref), key=ref)


RULE = Rule(
    id="CI006",
    name="docs-reference-missing-ci-file",
    axis=Axis.DEVELOPER_EXPERIENCE,
    severity=Severity.LOW,
    title="Documentation points to a CI file that no longer exists",
    impact="Readers look for a pipeline that was renamed or removed and may believe checks run that no "
           "longer do; badges show a broken or stale status.",
    action="Update the documentation (and badges) to the current workflow files, or restore the missing one.",
    contexts=ALL,
    check=check,
    example_bad="README.md: see .github/workflows/ci.yml   # the workflow is now tests.yml",
    example_good="README.md: see .github/workflows/tests.yml",
)
