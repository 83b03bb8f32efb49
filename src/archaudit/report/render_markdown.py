"""Report -> Markdown text, through one Jinja2 template. Formatting only: no analysis here."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import jinja2

from archaudit.findings import Evidence, Finding, Severity, Undetermined
from archaudit.model import Overview, Report, Table
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


def anchor(rule: str) -> str:
    """The Markdown anchor of a rule's details heading (`#### SEC001: Title` -> `sec001-...`)."""
    return rule.lower()


def places(findings: list[Finding]) -> str:
    n = sum(f.occurrences for f in findings)
    return f"{n} place{'s' if n > 1 else ''}"


_SHAPES = {"process": ('["', '"]'), "store": ('[("', '")]'), "broker": ('[["', '"]]'), "external": ('{{"', '"}}')}


def mermaid(overview: Overview) -> str:
    """The components diagram as a Mermaid flowchart (empty when there is nothing to draw)."""
    if not overview.components:
        return ""
    ids = {c.name: f"n{i}" for i, c in enumerate(overview.components)}
    lines = ["flowchart LR"]
    for c in overview.components:
        left, right = _SHAPES.get(c.kind, ('["', '"]'))
        lines.append(f"  {ids[c.name]}{left}{c.name.replace(chr(34), chr(39))}{right}")
    for src, dst, label in overview.edges:
        if src in ids and dst in ids:
            lines.append(f"  {ids[src]} -->|{label}| {ids[dst]}")
    return "\n".join(lines)


def _unclaimed(report: Report) -> list[tuple[str, list[Undetermined]]]:
    """Claims not determined for rules with no finding (shown in the details all the same)."""
    fired = {f.rule for f in report.findings}
    return sorted((rule, items) for rule, items in report.claims_by_rule().items() if rule not in fired)


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.PackageLoader("archaudit.report", "templates"),
                             autoescape=False, keep_trailing_newline=True, trim_blocks=False,
                             undefined=jinja2.StrictUndefined)
    env.globals.update(cell=cell, code=code, refs=refs, row_cells=row_cells, has_evidence=has_evidence,
                       anchor=anchor, places=places,
                       priority=lambda f: PRIORITIES[f.severity],
                       evidence_of=lambda fs: list(dict.fromkeys(f.evidence[0] for f in fs))[:5])
    return env


MAX_ROWS = 5  # inventory rows (and not-determined lines) shown per section table; JSON and HTML hold them all
MAX_EVIDENCE = 5  # places listed per finding
MAX_FINDINGS = 5  # findings detailed per rule
MAX_LISTED = 15  # appendix lines (skipped files, not determined)


def render(report: Report) -> str:
    """The report as text; every string passes the one redaction step first (`archaudit.redact`)."""
    report = redact_report(report)
    rated = [s for s in report.scores if s.is_evaluated]
    weakest = sorted(rated, key=lambda s: (s.score, s.axis.value))[:2]
    text = _environment().get_template("report.md.j2").render(
        r=report, severities=[s.value for s in Severity],
        weakest=", ".join(f"{s.axis.label.lower()} {s.score}/10" for s in weakest if s.score < 10),
        plan=_plan(report.findings),
        groups=report.findings_by_rule(),
        claims=report.claims_by_rule(), unclaimed=_unclaimed(report),
        diagram=mermaid(report.verdict.overview) if report.verdict else "",
        max_rows=MAX_ROWS, max_evidence=MAX_EVIDENCE, max_findings=MAX_FINDINGS, max_listed=MAX_LISTED,
        appendix_undetermined=[u for u in report.undetermined if not u.rule],
    )
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return text.rstrip() + "\n"
