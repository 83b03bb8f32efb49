"""The audit history: where it lives, which repository an audit belongs to, and what is recorded.

Default: one SQLite file in the user's data directory ($XDG_DATA_HOME/archaudit/history.sqlite, else
the platform's equivalent); `--history PATH` picks another file, `--history-url postgresql://...` a
shared server. Never inside the audited tree.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from archaudit.config import Config
from archaudit.findings import FINGERPRINT_SCHEME, Evidence
from archaudit.model import Report
from archaudit.scan.git import GitState
from archaudit.store.records import AuditRow, NewAudit, StoreError

if TYPE_CHECKING:
    from archaudit.store.database import Store

__all__ = ["AuditRow", "NewAudit", "Store", "StoreError", "data_dir", "default_url", "identity", "new_audit",
           "sqlite_url"]



def __getattr__(name: str) -> Any:
    """`Store` is imported on first use: it brings SQLAlchemy (a fifth of a second), which the process
    running an audit never needs when the store runs in its own process."""
    if name == "Store":
        from archaudit.store.database import Store

        return Store
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


_SCP = re.compile(r"^(?:[^@/]+@)?(?P<host>[^:/]+):(?P<path>[^/].*)$")  # git@github.com:owner/name.git


def data_dir() -> Path:
    """The user's data directory for archaudit (XDG on Linux and BSD, the platform's elsewhere)."""
    xdg = os.environ.get("XDG_DATA_HOME")
    if xdg:
        return Path(xdg) / "archaudit"
    home = Path(os.path.expanduser("~"))
    if sys.platform == "win32":
        return Path(os.environ.get("LOCALAPPDATA") or home / "AppData" / "Local") / "archaudit"
    if sys.platform == "darwin":
        return home / "Library" / "Application Support" / "archaudit"
    return home / ".local" / "share" / "archaudit"


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path.expanduser().resolve()}"


def default_url() -> str:
    path = data_dir() / "history.sqlite"
    path.parent.mkdir(parents=True, exist_ok=True)
    return sqlite_url(path)


def identity(root: Path, git: GitState) -> str:
    """Which repository this is, the same on every machine when it has a remote: the `origin` URL
    without scheme, credentials or `.git` (github.com/owner/name); else the tree's absolute path."""
    if git.remote:
        url = git.remote.strip().rstrip("/")
        m = _SCP.match(url) if "://" not in url else None
        if m:
            url = f"{m.group('host')}/{m.group('path')}"
        else:
            url = re.sub(r"^[a-z][a-z0-9+.-]*://", "", url, flags=re.IGNORECASE)
        host, _, rest = url.partition("/")
        host = host.rsplit("@", 1)[-1].lower()
        if host.count(":") == 1 and host.rsplit(":", 1)[1].isdigit():
            host = host.rsplit(":", 1)[0]  # ssh://host:22/x and https://host/x are one repository
        return f"git:{host}/{rest.removesuffix('.git')}"
    return f"path:{root.resolve()}"


def _config(config: Config) -> dict[str, Any]:
    """The configuration used, as JSON-ready data (sets sorted)."""
    out = {}
    for f in dataclasses.fields(config):
        value = getattr(config, f.name)
        if isinstance(value, frozenset):
            value = sorted(value)
        out[f.name] = list(value) if isinstance(value, tuple) else value
    return out


def new_audit(root: Path, report: Report, git: GitState, config: Config, now: dt.datetime) -> NewAudit:
    """What the history keeps of one audit: findings by fingerprint with their first place, every
    occurrence by its own fingerprint, scores per axis, coverage, configuration and git state."""
    findings, places = [], []
    for f in report.findings:
        first = f.evidence[0] if f.evidence else Evidence("", 0)
        findings.append({"fingerprint": f.fingerprint, "rule": f.rule, "severity": f.severity.value,
                         "axis": f.axis.value, "path": first.path[:1000], "line": first.line,
                         "title": f.title[:500], "message": f.message, "occurrences": f.occurrences})
        places += [{"fingerprint": fp, "finding": f.fingerprint, "path": e.path[:1000], "line": e.line}
                   for fp, e in zip(f.places, f.evidence, strict=False)]
    summary = report.summary
    coverage = {key: summary.get(key) for key in ("files", "python_files", "python_lines", "suppressed",
                                                   "by_severity", "average_score", "axes_evaluated")}
    coverage.update(skipped=len(report.skipped), not_determined=len(report.undetermined))
    return NewAudit(
        identity=identity(root, git)[:600], name=report.root_name, recorded_at=now, tool_version=report.tool_version,
        fingerprint_scheme=FINGERPRINT_SCHEME, commit=git.commit, branch=git.branch, git_note=git.note,
        config=_config(config), coverage=coverage, findings=findings, occurrences=places,
        scores={s.axis.value: (s.score if s.is_evaluated else None) for s in report.scores},
    )
