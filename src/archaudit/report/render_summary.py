"""Report -> the concise terminal summary (the default when neither --format nor -o is given).

A terminal wants the answer, not a document: the verdict line, the score per axis, the worst findings
one line each with their place, how much is not determined, and how to get the full report. About
twenty lines whatever the repository; `--format md` (or any explicit format) gives the full report.
English, like JSON and SARIF: --lang applies to the Markdown and HTML documents.
"""

from __future__ import annotations

from archaudit.findings import Finding, Severity
from archaudit.model import Report
from archaudit.redact import redact_report

TOP = 10  # findings listed one line each
MARKER = "archaudit summary:"  # the first line's start: a file of this output is recognised as archaudit's own


def _place(f: Finding) -> str:
    first = f.evidence[0] if f.evidence else None
    return "(repository)" if first is None or first.path in ("", ".") else first.ref


def _counts(report: Report) -> str:
    by = {s: 0 for s in Severity}
    for f in report.findings:
        by[f.severity] += 1
    parts = ", ".join(f"{n} {s.value}" for s, n in by.items() if n)
    return f"{len(report.findings)} findings" + (f" ({parts})" if parts else "")


def _verdict(report: Report) -> str:
    summary = report.verdict.summary if report.verdict else ""
    first = summary.split(". ")[0].rstrip(".")
    return f"{first}. {_counts(report)}." if first else f"{_counts(report)}."


def _scores(report: Report) -> str:
    rated = [f"{s.axis.label.lower()} {s.score:g}" for s in report.scores if s.is_evaluated]
    unrated = [s.axis.label.lower() for s in report.scores if not s.is_evaluated]
    line = "Scores (0-10): " + (", ".join(rated) or "no axis evaluated")
    return line + (f"; not evaluated: {', '.join(unrated)}" if unrated and rated else "")


def _finding_lines(report: Report) -> list[str]:
    if not report.findings:
        return ["No findings."]
    width = max(len(_place(f)) for f in report.findings[:TOP])
    lines = ["Top findings:"]
    lines += [f"  {f.severity.value:<8} {f.rule:<7} {_place(f):<{width}}  {f.title}" for f in report.findings[:TOP]]
    if len(report.findings) > TOP:
        lines.append(f"  ... and {len(report.findings) - TOP} more")
    return lines


def _not_determined(report: Report) -> str:
    claims = len(report.undetermined) + sum(len(s.undetermined) for s in report.sections)
    axes = sum(1 for s in report.scores if not s.is_evaluated)
    return f"Not determined: {claims} claims, {len(report.skipped)} files skipped, {axes} axes not evaluated."


def render(report: Report) -> str:
    """The summary as text; every string passes the one redaction step first (`archaudit.redact`)."""
    report = redact_report(report)
    lines = [f"{MARKER} {report.root_name} (archaudit {report.tool_version})", f"Verdict: {_verdict(report)}",
             _scores(report)]
    if report.comparison:
        c = report.comparison
        when = f" ({c.previous_date})" if c.previous_date and c.source == "file" else ""  # history names its date
        lines.append(f"Since {c.previous}{when}: {len(c.new)} new, {len(c.regressions()) - len(c.new)} with a new "
                     f"place, {len(c.fixed)} fixed, {c.persisting} persisting.")
    if report.baseline:
        b = report.baseline
        lines.append(f"Against the baseline {b.file}: {len(b.new)} new, {b.accepted} accepted, "
                     f"{len(b.fixed)} entries fixed.")
    lines += _finding_lines(report)
    lines.append(_not_determined(report))
    lines.append("Full report: add --format md (Markdown on stdout), or -o DIR --format md,json,sarif,html.")
    return "\n".join(lines) + "\n"
