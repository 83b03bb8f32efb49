"""Report -> one self-contained HTML page, through one Jinja2 template. Formatting only: no analysis here.

The page works offline and printed: CSS and a small vanilla script are inlined from the templates
folder, nothing is fetched (no CDN, no web font). Repository text is hostile (a message or a snippet
may hold `<script>`), so autoescaping is on for every value; the script reads only data attributes
and never turns text into markup.

Sorting and filtering need per-row keys: they are written as data attributes here, so the script
stays generic and the order without script is the report's own (worst first).
"""

from __future__ import annotations

import functools
from collections import Counter, defaultdict
from typing import Any

import jinja2
from markupsafe import Markup

from archaudit.findings import Axis, Evidence, Finding, Severity, Undetermined
from archaudit.model import Report, Table

PRIORITIES = {Severity.CRITICAL: "P0", Severity.HIGH: "P1", Severity.MEDIUM: "P2", Severity.LOW: "P3",
              Severity.INFO: "P4"}


def cell(value: Any) -> str:
    """One inventory value as display text (escaping is the template's job)."""
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value) or "–"
    return str(value)


def row_ref(row: dict[str, Any]) -> str:
    if not row.get("file"):
        return ""
    return f"{row['file']}:{row['line']}" if row.get("line") else str(row["file"])


def has_evidence(table: Table) -> bool:
    return any(r.get("file") for r in table.rows)


def evidence_key(evidence: tuple[Evidence, ...]) -> str:
    """Sort key of a finding's first place: path, then the line as a number (zero-padded)."""
    if not evidence:
        return ""
    return f"{evidence[0].path}:{evidence[0].line:09d}"


def paths_of(finding: Finding) -> str:
    """Every path a finding cites, for the path filter (premises count: they are evidence too)."""
    paths = [e.path for e in finding.evidence] + [e.path for p in finding.premises for e in p.evidence]
    return "\n".join(dict.fromkeys(paths)).lower()


def score_band(score: float) -> str:
    return "good" if score >= 8 else "fair" if score >= 5 else "poor"


def _rules(findings: list[Finding]) -> list[tuple[str, list[Finding]]]:
    """Findings grouped by rule, groups in the order of their worst (first) finding."""
    groups: dict[str, list[Finding]] = {}
    for f in findings:
        groups.setdefault(f.rule, []).append(f)
    return list(groups.items())


def _claims(undetermined: list[Undetermined]) -> dict[str, list[Undetermined]]:
    """Claims a rule could not establish, by rule, shown beside that rule's findings."""
    out: dict[str, list[Undetermined]] = defaultdict(list)
    for u in undetermined:
        if u.rule:
            out[u.rule].append(u)
    return dict(out)


@functools.cache
def _environment() -> jinja2.Environment:
    """One environment per process: the template is compiled once."""
    env = jinja2.Environment(loader=jinja2.PackageLoader("archaudit.report", "templates"),
                             autoescape=True, keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True,
                             undefined=jinja2.StrictUndefined)
    env.globals.update(cell=cell, row_ref=row_ref, has_evidence=has_evidence, evidence_key=evidence_key,
                       paths_of=paths_of, score_band=score_band, priority=lambda f: PRIORITIES[f.severity])
    return env


def render(report: Report, verdict: Markup | None = None) -> str:
    """The page. `verdict` is the slot at the top of the page (already-safe markup, e.g. a rendered
    verdict block with its inline SVG diagram); None leaves the marked slot empty."""
    severities = Counter(f.severity for f in report.findings)
    axes = sorted({f.axis for f in report.findings}, key=list(Axis).index)
    return _environment().get_template("report.html.j2").render(
        r=report, verdict=verdict, rules=_rules(report.findings), claims=_claims(report.undetermined),
        rule_ids={f.rule for f in report.findings},
        severities=[(s, severities[s]) for s in Severity if severities[s]], axes=axes,
    )
