"""Report -> JSON text, following the versioned schema in `report/schema.json`."""

from __future__ import annotations

import json
from typing import Any

from archaudit.findings import FINGERPRINT_SCHEME, Evidence, Finding, Undetermined
from archaudit.model import Comparison, Fact, Report, Section, Verdict
from archaudit.redact import redact_report

SCHEMA_VERSION = "1.2"


def _evidence(e: Evidence) -> dict[str, Any]:
    return {"path": e.path, "line": e.line, "snippet": e.snippet}


def finding_dict(f: Finding) -> dict[str, Any]:
    return {
        "rule": f.rule, "name": f.name, "severity": f.severity.value, "axis": f.axis.value, "title": f.title,
        "message": f.message, "impact": f.impact, "action": f.action,
        "evidence": [_evidence(e) for e in f.evidence], "fingerprint": f.fingerprint,
        "occurrences": f.occurrences, "places": list(f.places),
        "premises": [{"fact": p.fact, "evidence": [_evidence(e) for e in p.evidence]} for p in f.premises],
    }


def _undetermined(u: Undetermined) -> dict[str, Any]:
    out: dict[str, Any] = {"topic": u.topic, "why": u.why}
    if u.rule:
        out["rule"] = u.rule
        out["evidence"] = [_evidence(e) for e in u.evidence]
    return out


def _verdict(v: Verdict) -> dict[str, Any]:
    return {
        "summary": v.summary,
        "components": [{"name": c.name, "kind": c.kind, "detail": c.detail,
                        "evidence": [_evidence(e) for e in c.evidence]} for c in v.overview.components],
        "edges": [{"from": a, "to": b, "label": label} for a, b, label in v.overview.edges],
        "risks": [f.fingerprint for f in v.risks],
        "strengths": [_fact(f) for f in v.strengths],
        "coverage": list(v.coverage),
    }


def _fact(f: Fact) -> dict[str, Any]:
    return {"text": f.text, "evidence": [_evidence(e) for e in f.evidence]}


def _section(s: Section) -> dict[str, Any]:
    return {
        "title": s.title, "headline": s.headline, "facts": [_fact(f) for f in s.facts],
        "tables": {t.key: [dict(sorted(r.items())) for r in t.rows] for t in s.tables},
        "not_determined": list(s.undetermined),
        "not_analysed": list(s.not_analysed),
    }


def to_dict(report: Report) -> dict[str, Any]:
    out: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "archaudit", "version": report.tool_version},
        "fingerprint_scheme": FINGERPRINT_SCHEME,
        "repository": report.root_name,
        "summary": report.summary,
        "inventory": {s.key: _section(s) for s in report.sections},
        "findings": [finding_dict(f) for f in report.findings],
        "scores": [{"axis": s.axis.value, "score": s.score if s.is_evaluated else None, "formula": s.formula,
                    "rules": list(s.rules), "evaluated_by": list(s.evaluated), "not_examined": list(s.not_examined)}
                   for s in report.scores],
        "strengths": [_fact(f) for f in report.strengths],
        "skipped": [{"path": s.path, "reason": s.reason} for s in report.skipped],
        "not_determined": [_undetermined(u) for u in report.undetermined],
    }
    out.update(_accountability(report))
    if report.verdict:
        out["verdict"] = _verdict(report.verdict)
    if report.generated_at:
        out["generated_at"] = report.generated_at
    if report.comparison:
        out["comparison"] = _comparison(report.comparison)
    return out


def _comparison(c: Comparison) -> dict[str, Any]:
    return {
        "previous": c.previous, "source": c.source, "previous_date": c.previous_date,
        "new": [finding_dict(f) for f in c.new], "fixed": list(c.fixed), "persisting": c.persisting,
        "still_open": list(c.still_open),
        "new_places": [{"finding": f.fingerprint, "rule": f.rule, "fingerprint": fp, **_evidence(e)}
                       for f, e, fp in c.new_places],
        "fixed_places": list(c.fixed_places),
        "scores": [{"axis": s.axis, "before": s.before, "after": s.after, "delta": s.delta} for s in c.scores],
    }


def _accountability(report: Report) -> dict[str, Any]:
    """The configuration used, what suppressions accepted (and why), their problems, the baseline."""
    out: dict[str, Any] = {
        "configuration": report.configuration,
        "suppressed": [{"rule": s.rule, "severity": s.severity.value, "path": s.path, "line": s.line,
                        "message": s.message, "kind": s.kind,
                        "reason": s.reason, "where": s.where, **({"expires": s.expires} if s.expires else {})}
                       for s in report.suppressed],
        "suppression_problems": [{"problem": p.problem, "where": p.where, "text": p.text, "rule": p.rule}
                                 for p in report.suppression_problems],
    }
    if report.baseline:
        b = report.baseline
        out["baseline"] = {"file": b.file, "new": [finding_dict(f) for f in b.new], "fixed": list(b.fixed),
                           "accepted": b.accepted}
    return out


def render(report: Report) -> str:
    """The report as text; every string passes the one redaction step first (`archaudit.redact`)."""
    report = redact_report(report)
    return json.dumps(to_dict(report), indent=2, ensure_ascii=False, sort_keys=False, default=str) + "\n"
