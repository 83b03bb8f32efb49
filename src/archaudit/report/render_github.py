"""Report -> GitHub Actions workflow commands: one `::error|warning|notice file=…,line=…,title=…::message`
line per finding, which GitHub shows as annotations on the run and on the pull request's files.

Severity maps to the command (critical/high: error, medium: warning, low/info: notice); the place is
`Finding.location` (a finding about the repository itself is anchored at a file, line 1). Paths are
relative to the audited directory: audit the repository root for annotations to land on the files.
Values are escaped as the Actions toolkit does (`%`, CR and LF in the message; also `:` and `,` in
properties), so a message can never end a command early or inject another. The first line is a
`::debug::` line naming archaudit (shown only with debug logging), so a file of this output is
recognised as archaudit's own.
"""

from __future__ import annotations

from archaudit.findings import Finding, Severity
from archaudit.model import Report
from archaudit.redact import redact_report

COMMANDS = {Severity.CRITICAL: "error", Severity.HIGH: "error", Severity.MEDIUM: "warning", Severity.LOW: "notice",
            Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(f: Finding) -> str:
    where = f.location
    props = ",".join(f"{k}={escape_property(v)}" for k, v in (
        ("file", where.path), ("line", str(where.line)), ("title", f"{f.rule} {f.title} ({f.severity.value})")))
    return f"::{COMMANDS[f.severity]} {props}::{escape_data(f.message)}"


def render(report: Report) -> str:
    """One workflow command per finding; every string passes the one redaction step first."""
    report = redact_report(report)
    head = escape_data(f"archaudit {report.tool_version}: {len(report.findings)} findings in {report.root_name}")
    return "\n".join([f"::debug::{head}", *(annotation(f) for f in report.findings)]) + "\n"
