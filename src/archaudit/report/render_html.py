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
from markupsafe import Markup, escape

from archaudit.findings import Axis, Evidence, Finding, Severity
from archaudit.i18n import N_, Translator, translator
from archaudit.model import AxisScore, Overview, Report, Table

PRIORITIES = {Severity.CRITICAL: "P0", Severity.HIGH: "P1", Severity.MEDIUM: "P2", Severity.LOW: "P3",
              Severity.INFO: "P4"}


def cell(value: Any, tr: Translator | None = None) -> str:
    """One inventory value as display text (escaping is the template's job)."""
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        value = N_("yes") if value else N_("no")
    if tr and value in ("yes", "no"):  # detectors also write these words as values
        return tr(value)
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


def score_band(score: AxisScore) -> str:
    if not score.is_evaluated:
        return "none"
    return "good" if score.score >= 8 else "fair" if score.score >= 5 else "poor"


_COLUMNS = {"process": 0, "broker": 1, "store": 1, "external": 2}
_BOX_W, _BOX_H, _GAP_X, _GAP_Y, _PAD = 210, 44, 120, 22, 12


DIAGRAM_LABEL = N_("Components and the edges the code shows")


def diagram_svg(overview: Overview, label: str = DIAGRAM_LABEL) -> Markup:
    """The components diagram drawn inline (no external service): processes, then stores and
    brokers, then external services, one column each; an arrow per edge the code shows."""
    if not overview.components:
        return Markup("")
    rows: dict[int, int] = defaultdict(int)
    boxes: dict[str, tuple[float, float, str]] = {}
    for c in overview.components:
        col = _COLUMNS.get(c.kind, 2)
        x = float(_PAD + col * (_BOX_W + _GAP_X))
        y = float(_PAD + rows[col] * (_BOX_H + _GAP_Y))
        rows[col] += 1
        boxes[c.name] = (x, y, c.kind)
    width = _PAD * 2 + 3 * _BOX_W + 2 * _GAP_X
    height = _PAD * 2 + max(rows.values()) * (_BOX_H + _GAP_Y) - _GAP_Y
    parts = [f'<svg class="diagram" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
             f'role="img" aria-label="{escape(label)}">',
             '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
             'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z"/></marker></defs>']
    for src, dst, label in overview.edges:
        if src not in boxes or dst not in boxes:
            continue
        (x1, y1, _), (x2, y2, _) = boxes[src], boxes[dst]
        if x1 == x2:
            ax, ay, bx, by = x1 + _BOX_W / 2, y1 + _BOX_H, x2 + _BOX_W / 2, y2
        else:
            ax, ay, bx, by = x1 + _BOX_W, y1 + _BOX_H / 2, x2, y2 + _BOX_H / 2
        parts.append(f'<line class="edge" x1="{ax:g}" y1="{ay:g}" x2="{bx:g}" y2="{by:g}" marker-end="url(#arrow)"/>')
        lx, ly = ax * .4 + bx * .6, ay * .4 + by * .6 - 5  # nearer the target: labels of one source don't overlap
        parts.append(f'<text class="edge-label" x="{lx:g}" y="{ly:g}">{escape(label)}</text>')
    for name, (left, top, kind) in boxes.items():
        rx = 18 if kind == "store" else 4
        parts.append(f'<g class="node node-{escape(kind)}"><rect x="{left:g}" y="{top:g}" width="{_BOX_W}" '
                     f'height="{_BOX_H}" rx="{rx}"/><text x="{left + _BOX_W / 2:g}" y="{top + _BOX_H / 2 + 5:g}">'
                     f'{escape(name[:34])}</text></g>')
    parts.append("</svg>")
    return Markup("".join(parts))


def code_tag(text: str) -> Markup:
    """`text` as inline code, escaped (a parameter of a translated sentence)."""
    return Markup("<code>%s</code>") % text


@functools.cache
def _environment(lang: str) -> jinja2.Environment:
    """One environment per process and language: the template is compiled once. Template text goes
    through gettext; rule texts, titles and axis labels through `tr` (looked up by their English)."""
    tr = translator(lang)
    env = jinja2.Environment(loader=jinja2.PackageLoader("archaudit.report", "templates"),
                             autoescape=True, keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True,
                             undefined=jinja2.StrictUndefined, extensions=["jinja2.ext.i18n"])
    env.install_gettext_translations(tr.translations, newstyle=True)  # type: ignore[attr-defined]
    env.globals.update(cell=lambda v: cell(v, tr), row_ref=row_ref, has_evidence=has_evidence,
                       evidence_key=evidence_key, paths_of=paths_of, score_band=score_band,
                       priority=lambda f: PRIORITIES[f.severity], tr=tr, formula=tr.formula, code_tag=code_tag,
                       axis_name=tr.axis_name,
                       diagram_svg=lambda o: diagram_svg(o, tr(DIAGRAM_LABEL)), lang=tr.lang)
    return env


def render(report: Report, verdict: Markup | None = None, lang: str | None = None) -> str:
    """The page in `lang` (None: English). `verdict` is the slot at the top of the page (already-safe
    markup, e.g. a rendered verdict block with its inline SVG diagram); None leaves the marked slot empty."""
    report = translator(lang).localise(report)  # every Message of the report said in `lang`
    severities = Counter(f.severity for f in report.findings)
    axes = sorted({f.axis for f in report.findings}, key=list(Axis).index)
    return _environment(translator(lang).lang).get_template("report.html.j2").render(
        r=report, verdict=verdict, rules=report.findings_by_rule(), claims=report.claims_by_rule(),
        rule_ids={f.rule for f in report.findings},
        severities=[(s, severities[s]) for s in Severity if severities[s]], axes=axes,
    )
