"""Report -> SARIF 2.1.0, for code-scanning dashboards and CI annotations. Formatting only.

Findings become results (level from severity, stable `partialFingerprints` from our fingerprint);
the rules that fired become `tool.driver.rules`. Evidence at line 0 (a whole file, or the repository
itself) gets a file location without a region, or no location at all for the repository root.
"""

from __future__ import annotations

import json
from typing import Any

from archaudit.findings import Evidence, Finding, Severity
from archaudit.model import Report, Suppressed
from archaudit.redact import redact_report

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {Severity.CRITICAL: "error", Severity.HIGH: "error", Severity.MEDIUM: "warning", Severity.LOW: "note",
          Severity.INFO: "note"}


def _location(e: Evidence) -> dict[str, Any] | None:
    if not e.path or e.path == ".":
        return None
    physical: dict[str, Any] = {"artifactLocation": {"uri": e.path, "uriBaseId": "SRCROOT"}}
    if e.line > 0:
        physical["region"] = {"startLine": e.line}
        if e.snippet:
            physical["region"]["snippet"] = {"text": e.snippet}
    return {"physicalLocation": physical}


def _rule(f: Finding) -> dict[str, Any]:
    return {
        "id": f.rule, "name": f.name, "shortDescription": {"text": f.title},
        "fullDescription": {"text": f.impact}, "help": {"text": f.action},
        "defaultConfiguration": {"level": LEVELS[f.severity]},
        "properties": {"tags": [f.axis.value], "severity": f.severity.value},
    }


def _result(f: Finding, index: int) -> dict[str, Any]:
    locations = [loc for loc in (_location(e) for e in f.evidence[:1]) if loc]
    related = [loc for loc in (_location(e) for e in f.evidence[1:]) if loc]
    result: dict[str, Any] = {
        "ruleId": f.rule, "ruleIndex": index, "level": LEVELS[f.severity],
        "message": {"text": f"{f.title}: {f.message}"},
        "partialFingerprints": {"archaudit/v1": f.fingerprint},
    }
    if locations:
        result["locations"] = locations
    if related:
        result["relatedLocations"] = [{"id": i, **loc} for i, loc in enumerate(related, start=1)]
    return result


def _suppressed(s: Suppressed, index: int | None) -> dict[str, Any]:
    """A finding a suppression accepted: a result carrying `suppressions` (kind inSource for an inline
    comment, external for a configuration entry; the reason as justification), so dashboards show
    it as dismissed with the team's reason instead of not at all. A repository-level one (no file to
    point at) is left out: code scanning refuses results without a location (JSON lists it)."""
    result: dict[str, Any] = {"ruleId": s.rule, "level": LEVELS[s.severity], "message": {"text": s.message},
                              "suppressions": [{"kind": s.kind, "status": "accepted",
                                                "justification": f"{s.reason} ({s.where})"}]}
    if index is not None:
        result["ruleIndex"] = index
    result["locations"] = [_location(Evidence(s.path, s.line))]
    return result


def to_dict(report: Report) -> dict[str, Any]:
    rules: dict[str, Finding] = {}
    for f in report.findings:
        rules.setdefault(f.rule, f)
    ids = sorted(rules)
    index = {rule_id: i for i, rule_id in enumerate(ids)}
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "archaudit", "version": report.tool_version,
                                "rules": [_rule(rules[r]) for r in ids]}},
            "originalUriBaseIds": {
                "SRCROOT": {"description": {"text": f"the audited repository ({report.root_name})"}}},
            "results": [_result(f, index[f.rule]) for f in report.findings]
                       + [_suppressed(s, index.get(s.rule)) for s in report.suppressed if s.path not in ("", ".")],
        }],
    }


def render(report: Report) -> str:
    """The report as text; every string passes the one redaction step first (`archaudit.redact`)."""
    report = redact_report(report)
    return json.dumps(to_dict(report), indent=2, ensure_ascii=False) + "\n"
