"""Report -> GitLab Code Quality JSON (the Code Climate issue subset GitLab reads), for merge request
widgets: a list of issues with description, check_name, fingerprint, severity, location.path and
location.lines.begin.

Severity: critical -> critical, high -> major, medium -> minor, low and info -> info ("blocker" is left
unused: archaudit has no severity above critical). The fingerprint is the finding's own (stable across
unrelated edits), so GitLab compares merge requests with the target branch finding by finding. Each
issue also names `engine_name: archaudit`, which marks a file of this output as archaudit's own.
"""

from __future__ import annotations

import json
from typing import Any

from archaudit.findings import Finding, Severity
from archaudit.model import Report
from archaudit.redact import redact_report

SEVERITIES = {Severity.CRITICAL: "critical", Severity.HIGH: "major", Severity.MEDIUM: "minor", Severity.LOW: "info",
              Severity.INFO: "info"}


def issue(f: Finding) -> dict[str, Any]:
    where = f.location
    return {"engine_name": "archaudit", "description": f"{f.rule} {f.title}: {f.message}", "check_name": f.rule,
            "fingerprint": f.fingerprint, "severity": SEVERITIES[f.severity],
            "location": {"path": where.path, "lines": {"begin": where.line}}}


def render(report: Report) -> str:
    """The issues as JSON text; every string passes the one redaction step first."""
    report = redact_report(report)
    return json.dumps([issue(f) for f in report.findings], indent=2, ensure_ascii=False) + "\n"
