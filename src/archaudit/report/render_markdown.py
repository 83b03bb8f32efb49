"""Report -> Markdown text, through one Jinja2 template. Formatting only: no analysis here."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import jinja2

from archaudit.findings import Evidence, Finding, Severity
from archaudit.model import Report, Table
from archaudit.redact import redact_report

PRIORITIES = {Severity.CRITICAL: "P0", Severity.HIGH: "P1", Severity.MEDIUM: "P2", Severity.LOW: "P3",
              Severity.INFO: "P4"}
PLAN_HEADINGS = {"P0": "P0: now (critical)", "P1": "P1: before production (high)", "P2": "P2: next (medium)",
                 "P3": "P3: when convenient (low)", "P4": "P4: informational"}


def cell(value: Any) -> str:
    if value is None or value == "":
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        value = ", ".join(str(v) for v in value) or "-"
    return str(value).replace("|", "\\|").replace("\n", " ")


def code(text: str) -> str:
    return text.replace("`", "'")


def refs(evidence: tuple[Evidence, ...] | list[Evidence]) -> str:
    return ", ".join(f"`{e.ref}`" for e in evidence)


def row_ref(row: dict[str, Any]) -> str:
    if not row.get("file"):
        return "-"
    return f"`{row['file']}:{row['line']}`" if row.get("line") else f"`{row['file']}`"


def has_evidence(table: Table) -> bool:
    return any(r.get("file") for r in table.rows)


def row_cells(table: Table, row: dict[str, Any]) -> str:
    cells = [cell(row.get(c)) for c in table.columns]
    if has_evidence(table):
        cells.append(row_ref(row))
    return " | ".join(cells)


def _plan(findings: list[Finding]) -> list[tuple[str, list[tuple[str, list[Finding]]]]]:
    by_prio: dict[str, dict[str, list[Finding]]] = defaultdict(lambda: defaultdict(list))
    for f in findings:
        by_prio[PRIORITIES[f.severity]][f.rule].append(f)
    return [(PLAN_HEADINGS[p], sorted(by_prio[p].items())) for p in sorted(by_prio) if p != "P4"]


def _by_rule(findings: list[Finding]) -> list[tuple[str, list[Finding]]]:
    """Findings grouped by rule, groups in the order of their worst (first) finding."""
    groups: dict[str, list[Finding]] = {}
    for f in findings:
        groups.setdefault(f.rule, []).append(f)
    return list(groups.items())


def _most_urgent(findings: list[Finding], limit: int = 5) -> list[Finding]:
    """The first critical/high finding of each rule (findings are sorted worst first), at most `limit`."""
    seen: set[str] = set()
    out = []
    for f in findings:
        if f.severity in (Severity.CRITICAL, Severity.HIGH) and f.rule not in seen:
            seen.add(f.rule)
            out.append(f)
    return out[:limit]


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.PackageLoader("archaudit.report", "templates"),
                             autoescape=False, keep_trailing_newline=True, trim_blocks=False,
                             undefined=jinja2.StrictUndefined)
    env.globals.update(cell=cell, code=code, refs=refs, row_cells=row_cells, has_evidence=has_evidence,
                       priority=lambda f: PRIORITIES[f.severity],
                       evidence_of=lambda fs: [f.evidence[0] for f in fs][:5])
    return env


def render(report: Report) -> str:
    """The report as text; every string passes the one redaction step first (`archaudit.redact`)."""
    report = redact_report(report)
    weakest = sorted(report.scores, key=lambda s: (s.score, s.axis.value))[:2]
    text = _environment().get_template("report.md.j2").render(
        r=report, severities=[s.value for s in Severity],
        top=_most_urgent(report.findings),
        weakest=", ".join(f"{s.axis.label.lower()} {s.score}/10" for s in weakest if s.score < 10),
        plan=_plan(report.findings),
        groups=_by_rule(report.findings),
    )
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return text.rstrip() + "\n"
