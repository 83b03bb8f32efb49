"""What the history store takes and gives back, and its error: plain data, no database library, so
that the process running the audit can use them while the store itself lives in another one
(`store/process.py`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any


class StoreError(Exception):
    """The history database cannot be opened, migrated, read or written; the message says why."""


@dataclass(frozen=True)
class AuditRow:
    """One recorded audit, as `archaudit history` lists it."""

    id: int
    recorded_at: dt.datetime
    tool_version: str
    fingerprint_scheme: int
    commit: str | None
    branch: str | None
    root_name: str
    findings_count: int
    by_severity: dict[str, int] = field(default_factory=dict)
    scores: dict[str, float | None] = field(default_factory=dict)
    config: dict[str, Any] = field(default_factory=dict)
    coverage: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class NewAudit:
    """What is recorded of one audit (built from the Report by `store.record`)."""

    identity: str
    name: str
    recorded_at: dt.datetime
    tool_version: str
    fingerprint_scheme: int
    commit: str | None
    branch: str | None
    git_note: str
    config: dict[str, Any]
    coverage: dict[str, Any]
    findings: list[dict[str, Any]]  # rule, severity, axis, path, line, title, message, occurrences, fingerprint
    occurrences: list[dict[str, Any]]  # fingerprint, finding, path, line
    scores: dict[str, float | None]
