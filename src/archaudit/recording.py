"""An audit and its history: record it, and say what changed since the previous one.

The CLI calls `record` after the audit and `since_previous` before rendering. The comparison is with
`--compare FILE` when given, else with the repository's previous audit in the store; fixed findings
carry the date of the first recorded audit that saw them gone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from archaudit.config import load_config
from archaudit.findings import FINGERPRINT_SCHEME
from archaudit.history import compare_with
from archaudit.model import Comparison, Report
from archaudit.rules import RULES_BY_ID
from archaudit.scan.git import git_state

if TYPE_CHECKING:
    from archaudit.store import Store


@dataclass(frozen=True)
class Recorded:
    """Where this audit went in the store."""

    store: Store
    repository_id: int
    audit_id: int
    recorded_at: dt.datetime


def record(store: Store, root: Path, report: Report, now: dt.datetime) -> Recorded:
    """Record the audit of `root` (git state read from its `.git` files, configuration re-read: both
    cheap) and return where it went."""
    from archaudit.store import new_audit  # the store (SQLAlchemy) is imported only when one is used

    git = git_state(root)
    audit = new_audit(root, report, git, load_config(root, known_rules=RULES_BY_ID), now)
    audit_id = store.record(audit)
    repository_id = store.repository_id(audit.identity)
    assert repository_id is not None  # just recorded
    return Recorded(store, repository_id, audit_id, now)


def repository_of(store: Store, root: Path) -> int | None:
    from archaudit.store import identity

    return store.repository_id(identity(root, git_state(root)))


def since_previous(report: Report, recorded: Recorded | None, previous: dict[str, Any] | None,
                   label: str) -> tuple[Comparison | None, str]:
    """(the comparison, a note for stderr). With `previous` (a validated `--compare` report) it is the
    reference; else the repository's previous recorded audit, if any and of this fingerprint scheme."""
    source = "file"
    if previous is None:
        if recorded is None:
            return None, ""
        before = recorded.store.previous(recorded.repository_id, recorded.audit_id)
        if before is None:
            return None, ""
        previous = recorded.store.as_report(before)
        if previous is None:
            return None, ""
        if previous.get("fingerprint_scheme") != FINGERPRINT_SCHEME:
            return None, (f"the previous recorded audit (#{before}) used another fingerprint scheme; "
                          "no comparison with it")
        label, source = _label(previous), "history"
    comparison = compare_with(report, previous, label, source)
    if recorded is None or not comparison.fixed:
        return comparison, ""
    after = _when(previous.get("generated_at"))
    if source == "history":
        after = None  # every fixed fingerprint is in the store
    dates = recorded.store.gone_since(recorded.repository_id, [f["fingerprint"] for f in comparison.fixed],
                                      recorded.audit_id, after)
    fixed = tuple({**f, "fixed_on": dates[f["fingerprint"]].isoformat()} if f["fingerprint"] in dates else f
                  for f in comparison.fixed)
    return replace(comparison, fixed=fixed), ""


def _label(previous: dict[str, Any]) -> str:
    when = str(previous.get("generated_at") or "")[:16].replace("T", " ")
    commit = f", commit {str(previous['commit'])[:12]}" if previous.get("commit") else ""
    return f"audit #{previous.get('audit_id')} of {when} UTC{commit}"


def _when(value: object) -> dt.datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed.replace(tzinfo=dt.UTC) if parsed.tzinfo is None else parsed
