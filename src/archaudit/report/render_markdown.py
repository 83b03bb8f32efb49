"""Report -> Markdown text, through one Jinja2 template. Formatting only: no analysis here."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import jinja2

from archaudit.findings import Evidence, Finding, Severity
from archaudit.i18n import N_, Translator, translator
from archaudit.model import Overview, Report, Table
from archaudit.redact import redact_report

PRIORITIES = {Severity.CRITICAL: "P0", Severity.HIGH: "P1", Severity.MEDIUM: "P2", Severity.LOW: "P3",
              Severity.INFO: "P4"}
PLAN_HEADINGS = {"P0": N_("P0: now (critical)"), "P1": N_("P1: before production (high)"),
                 "P2": N_("P2: next (medium)"), "P3": N_("P3: when convenient (low)"), "P4": N_("P4: informational")}
YES, NO = N_("yes"), N_("no")


def cell(value: Any, tr: Translator | None = None) -> str:
    if value is None or value == "":
        return "-"
    if isinstance(value, bool):
        value = YES if value else NO
    if tr and value in (YES, NO):  # detectors also write these words as values
        return tr(value)
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


def row_cells(table: Table, row: dict[str, Any], tr: Translator | None = None,
              columns: tuple[str, ...] | None = None) -> str:
    cells = [cell(row.get(c), tr) for c in (table.columns if columns is None else columns)]
    if has_evidence(table):
        cells.append(row_ref(row))
    return " | ".join(cells)


def bounded(table: Table, limit: int) -> tuple[tuple[str, ...], list[dict[str, Any]]]:
    """The bounded view of a table: its first `limit` notable rows (chosen by analysis, `detect.notable`)
    and the columns that say something in them (a column empty in every shown row is left out)."""
    rows = [table.rows[i] for i in table.notable[:limit]]
    columns = tuple(c for c in table.columns if any(cell(r.get(c)) != "-" for r in rows))
    return columns, rows


def _plan(findings: list[Finding], tr: Translator) -> list[tuple[str, list[tuple[str, list[Finding]]]]]:
    by_prio: dict[str, dict[str, list[Finding]]] = defaultdict(lambda: defaultdict(list))
    for f in findings:
        by_prio[PRIORITIES[f.severity]][f.rule].append(f)
    return [(tr(PLAN_HEADINGS[p]), sorted(by_prio[p].items())) for p in sorted(by_prio) if p != "P4"]


def anchor(rule: str) -> str:
    """The Markdown anchor of a rule's details heading (`#### SEC001: Title` -> `sec001-...`)."""
    return rule.lower()


def places(findings: list[Finding], tr: Translator) -> str:
    n = sum(f.occurrences for f in findings)
    return tr.plural("%(num)s place", "%(num)s places", n) % {"num": n}


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


def difference(message: str, first: str) -> str:
    """What `message` says beyond `first`: its words from the first that differs to the last that differs,
    the common ends said as "…" (the whole message when they share no end, or when the cut would split a
    code span). "" when the two are the same."""
    if message == first:
        return ""
    words, ref = message.split(" "), first.split(" ")
    start = 0
    while start < min(len(words), len(ref)) - 1 and words[start] == ref[start]:
        start += 1
    end = 0
    while end < min(len(words), len(ref)) - start - 1 and words[-1 - end] == ref[-1 - end]:
        end += 1
    kept = " ".join(words[start:len(words) - end])
    if (not start and not end) or kept.count("`") % 2:
        return message
    return ("… " if start else "") + kept + (" …" if end else "")


def others(findings: list[Finding], limit: int) -> tuple[list[tuple[str, str]], int]:
    """The places of a rule after its first one, each as (`path:line`, the message when it is not the first
    finding's), at most `limit` of them, and how many more there are. A finding's places are its first
    `occurrences` evidence entries (the rest support the claim: listed for the first finding only)."""
    first = findings[0]
    listed: list[tuple[str, str]] = []
    total = 0
    for f in findings:
        primary: list[Evidence | None] = list(f.evidence[: max(f.occurrences, 1)]) or [None]
        for e in primary[1:] if f is first else primary:
            total += 1
            if len(listed) < limit:
                listed.append((f"`{e.ref}`" if e else "-", difference(f.message, first.message)))
    return listed, total - len(listed)


def supporting(f: Finding, limit: int) -> list[Evidence]:
    """The evidence of a finding that supports its claim beyond its own places (shown for a rule's first)."""
    return list(f.evidence[max(f.occurrences, 1):])[:limit]


def _environment(tr: Translator) -> jinja2.Environment:
    """The template's helpers, bound to the report's language (template text through gettext,
    rule texts, titles and axis labels through `tr`: the catalogue, looked up by their English)."""
    env = jinja2.Environment(loader=jinja2.PackageLoader("archaudit.report", "templates"),
                             autoescape=False, keep_trailing_newline=True, trim_blocks=False,
                             undefined=jinja2.StrictUndefined, extensions=["jinja2.ext.i18n"])
    env.install_gettext_translations(tr.translations, newstyle=True)  # type: ignore[attr-defined]
    env.filters["tr"] = tr
    env.globals.update(cell=lambda v: cell(v, tr), code=code, refs=refs,
                       row_cells=lambda t, row, cols=None: row_cells(t, row, tr, cols), has_evidence=has_evidence,
                       bounded=bounded,
                       anchor=anchor, places=lambda fs: places(fs, tr), tr=tr, formula=tr.formula,
                       axis_name=tr.axis_name,
                       priority=lambda f: PRIORITIES[f.severity],
                       evidence_of=lambda fs: list(dict.fromkeys(f.evidence[0] for f in fs))[:5],
                       others=others, supporting=supporting, detailed=lambda f: f.severity in DETAILED)
    return env


MAX_ROWS = 3  # notable inventory rows shown per section table; JSON and HTML hold them all
MAX_NOTES = 3  # not-determined lines shown per inventory section
MAX_EVIDENCE = 3  # places listed per finding
MAX_FINDINGS = 3  # not-determined claims shown beside a rule's findings
MAX_PLACES = 3  # places listed, one compact line each, after a rule's first (detailed) occurrence
MAX_FACTS = 6  # facts shown per inventory section; JSON and HTML hold them all
DETAILED = (Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM)  # severities whose details show the rule line
MAX_LISTED = 5  # appendix lines (skipped files, not determined)


def skipped_by_reason(report: Report, limit: int) -> tuple[list[tuple[str, list[str]]], int]:
    """The skipped files by reason, each reason once (in the order first met), at most `limit` reasons and
    `limit` paths each, and how many files that leaves unlisted."""
    groups: dict[str, list[str]] = {}
    for s in report.skipped:
        groups.setdefault(str(s.reason), []).append(s.path)
    shown = [(reason, paths[:limit]) for reason, paths in list(groups.items())[:limit]]
    return shown, len(report.skipped) - sum(len(paths) for _reason, paths in shown)


def render(report: Report, lang: str | None = None) -> str:
    """The Markdown report in `lang` (None: English); every string passes the one redaction step first
    (`archaudit.redact`)."""
    tr = translator(lang)
    report = tr.localise(redact_report(report))  # every Message of the report said in `lang`
    rated = [s for s in report.scores if s.is_evaluated]
    # the inventory's not-determined notes are written beside their section's facts, not again in the appendix
    beside = {why for s in report.sections for why in s.undetermined}
    skipped = skipped_by_reason(report, MAX_LISTED)
    weakest = sorted(rated, key=lambda s: (s.score, s.axis.value))[:2]
    text = _environment(tr).get_template("report.md.j2").render(
        r=report, severities=[s.value for s in Severity],
        weakest=", ".join(f"{tr.axis(s.axis).lower()} {s.score}/10" for s in weakest if s.score < 10),
        plan=_plan(report.findings, tr),
        groups=report.findings_by_rule(),
        claims=report.claims_by_rule(),
        diagram=mermaid(report.verdict.overview) if report.verdict else "",
        max_rows=MAX_ROWS, max_notes=MAX_NOTES, max_evidence=MAX_EVIDENCE, max_findings=MAX_FINDINGS,
        max_places=MAX_PLACES, max_facts=MAX_FACTS, max_listed=MAX_LISTED,
        appendix_undetermined=[u for u in report.undetermined if not u.rule and u.why not in beside],
        beside_count=len(beside),
        skipped_by_reason=skipped[0], skipped_more=skipped[1],
        more_strengths=report.strengths[len(report.verdict.strengths):] if report.verdict else report.strengths,
    )
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return text.rstrip() + "\n"
