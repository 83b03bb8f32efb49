"""Report -> SARIF 2.1.0 that GitHub code scanning accepts. Formatting only.

- Every result has a location: `Finding.location` (its first evidence, or for a finding about the
  repository itself the file the engine anchored it at, line 1). Paths are relative to `SRCROOT`
  and percent-encoded (RFC 3986: spaces, `#`, `%`, non-ASCII).
- Levels follow severity (critical/high: error, medium: warning, low/info: note) and each rule carries
  `properties.security-severity`, GitHub's finer scale: critical 9.5, high 8.0, medium 5.5, low 3.0,
  none for info (GitHub reads it for rules tagged `security`: the security and configuration-security
  axes).
- `help` (text and Markdown) is the rule's why and what to do; `helpUri` points at the rule's anchor
  in docs/rules.md of the repository archaudit's own metadata declares, and is left out when none is
  declared (never a made-up address).
- One invocation (`executionSuccessful`; `endTimeUtc` only with --timestamp / SOURCE_DATE_EPOCH, so the
  same input gives the same bytes), `automationDetails.id` (one category per audited repository), and
  with a comparison (--compare or the history's previous audit) each result's `baselineState`: new,
  updated (it persists with a new occurrence), unchanged; fixed findings that name a place are `absent`.
- Findings a suppression accepted are results with `suppressions` (inSource / external, the reason
  as justification), except repository-level ones (no place to show them at; JSON lists them).
"""

from __future__ import annotations

import json
from importlib import metadata
from typing import Any
from urllib.parse import quote

from archaudit.findings import Axis, Evidence, Finding, Severity
from archaudit.model import Report, Suppressed
from archaudit.redact import redact_report

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {Severity.CRITICAL: "error", Severity.HIGH: "error", Severity.MEDIUM: "warning", Severity.LOW: "note",
          Severity.INFO: "note"}
SECURITY_SEVERITY = {Severity.CRITICAL: "9.5", Severity.HIGH: "8.0", Severity.MEDIUM: "5.5", Severity.LOW: "3.0"}
SECURITY_AXES = frozenset({Axis.SECURITY, Axis.CONFIG_SECURITY})
ROOT = "SRCROOT"


def rules_doc_url() -> str | None:
    """Where docs/rules.md is published, from archaudit's own declared metadata (`[project.urls]`): a
    "Rules" URL as given, else docs/rules.md of a declared GitHub repository; None when none is declared."""
    try:
        urls = metadata.metadata("archaudit").get_all("Project-URL") or []
    except metadata.PackageNotFoundError:
        return None
    declared = {label.strip().lower(): url.strip() for label, _, url in (u.partition(",") for u in urls)}
    if declared.get("rules"):
        return declared["rules"]
    for label in ("repository", "source", "homepage"):
        url = declared.get(label, "").rstrip("/")
        if url.startswith("https://github.com/"):
            return f"{url}/blob/HEAD/docs/rules.md"
    return None


def uri(path: str) -> str:
    """A repository path as a relative URI reference (percent-encoded UTF-8, slashes kept)."""
    return quote(path, safe="/")


def _physical(e: Evidence) -> dict[str, Any]:
    region: dict[str, Any] = {"startLine": max(e.line, 1)}
    if e.snippet:
        region["snippet"] = {"text": e.snippet}
    return {"physicalLocation": {"artifactLocation": {"uri": uri(e.path), "uriBaseId": ROOT}, "region": region}}


def _help(f: Finding) -> dict[str, str]:
    return {"text": f"Why it matters: {f.impact}\nWhat to do: {f.action}",
            "markdown": f"**{f.title}**\n\n**Why it matters.** {f.impact}\n\n**What to do.** {f.action}"}


def _rule(f: Finding, doc_url: str | None) -> dict[str, Any]:
    tags = list(dict.fromkeys([f.axis.value, *(["security"] if f.axis in SECURITY_AXES else [])]))  # a set
    rule: dict[str, Any] = {
        "id": f.rule, "name": f.name, "shortDescription": {"text": f.title},
        "fullDescription": {"text": f.impact}, "help": _help(f),
        "defaultConfiguration": {"level": LEVELS[f.severity]},
        "properties": {"tags": tags, "severity": f.severity.value},
    }
    if f.severity in SECURITY_SEVERITY:  # info: no score
        rule["properties"]["security-severity"] = SECURITY_SEVERITY[f.severity]
    if doc_url:
        rule["helpUri"] = f"{doc_url}#{f.rule.lower()}"
    return rule


def _result(f: Finding, index: int, baseline: str | None) -> dict[str, Any]:
    located = f.location
    related = [e for e in f.evidence if e.path not in ("", ".") and (e.path, max(e.line, 1)) !=
               (located.path, located.line)]
    result: dict[str, Any] = {
        "ruleId": f.rule, "ruleIndex": index, "level": LEVELS[f.severity],
        "message": {"text": f"{f.title}: {f.message}"},
        "locations": [_physical(located)],
        "partialFingerprints": {"archaudit/v1": f.fingerprint},
    }
    if related:
        result["relatedLocations"] = [{"id": i, **_physical(e), "message": {"text": e.ref}}
                                      for i, e in enumerate(related, start=1)]
    if baseline:
        result["baselineState"] = baseline
    return result


def _absent(entry: dict[str, Any], index: dict[str, int]) -> dict[str, Any] | None:
    """A finding of the previous audit that is gone, when the comparison still names where it was."""
    places = [e for e in (entry, *(entry.get("evidence") or ())) if isinstance(e, dict)
              and e.get("path") not in (None, "", ".")]  # the history's {path, line}, or a report's evidence
    rule = str(entry.get("rule", ""))
    if not places or rule not in index:
        return None
    where = Evidence(str(places[0]["path"]), int(places[0].get("line") or 1))
    text = f"Fixed since the previous audit: {entry.get('title', '')}: {entry.get('message', '')}"
    return {"ruleId": rule, "ruleIndex": index[rule], "level": "none", "baselineState": "absent",
            "message": {"text": text}, "locations": [_physical(where)],
            "partialFingerprints": {"archaudit/v1": str(entry.get("fingerprint", ""))}}


def _suppressed(s: Suppressed, index: dict[str, int]) -> dict[str, Any] | None:
    """A finding a suppression accepted: a result carrying `suppressions` (kind inSource for an inline
    comment, external for a configuration entry; the reason as justification), so dashboards show
    it as dismissed with the team's reason instead of not at all. A repository-level one (no file to
    point at) is left out: code scanning refuses results without a location (JSON lists it)."""
    if s.path in ("", "."):
        return None
    return {"ruleId": s.rule, "ruleIndex": index[s.rule], "level": LEVELS[s.severity], "message": {"text": s.message},
            "locations": [_physical(Evidence(s.path, s.line))],
            "suppressions": [{"kind": s.kind, "status": "accepted", "justification": f"{s.reason} ({s.where})"}]}


def _descriptors(report: Report, doc_url: str | None) -> list[dict[str, Any]]:
    """The rules that fired, then those only a suppressed finding or a fixed finding of the comparison
    names (sorted by id)."""
    fired: dict[str, Finding] = {}
    for f in report.findings:
        fired.setdefault(f.rule, f)
    rules = {rule_id: _rule(f, doc_url) for rule_id, f in fired.items()}
    others = [(str(e.get("rule", "")), str(e.get("title") or "")) for e in
              (report.comparison.fixed if report.comparison else ())]
    others += [(s.rule, "") for s in report.suppressed]
    for rule_id, title in others:
        if rule_id and rule_id not in rules:
            rules[rule_id] = {"id": rule_id, "shortDescription": {"text": title or rule_id}}
    return [rules[r] for r in sorted(rules)]


def to_dict(report: Report, doc_url: str | None = None) -> dict[str, Any]:
    descriptors = _descriptors(report, doc_url)
    index = {d["id"]: i for i, d in enumerate(descriptors)}
    comparison = report.comparison
    new = {f.fingerprint for f in comparison.new} if comparison else set()
    grown = {f.fingerprint for f in comparison.regressions()} - new if comparison else set()

    def state(f: Finding) -> str | None:
        """new; updated (it persists with a new occurrence); unchanged."""
        if comparison is None:
            return None
        return "new" if f.fingerprint in new else "updated" if f.fingerprint in grown else "unchanged"

    results = [_result(f, index[f.rule], state(f)) for f in report.findings]
    results += [r for r in (_suppressed(s, index) for s in report.suppressed) if r]
    if comparison:
        results += [r for r in (_absent(e, index) for e in comparison.fixed) if r]
    invocation: dict[str, Any] = {"executionSuccessful": True}
    if report.generated_at:
        invocation["endTimeUtc"] = report.generated_at.replace("+00:00", "Z")
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "archaudit", "version": report.tool_version, "rules": descriptors}},
            "automationDetails": {"id": f"archaudit/{report.root_name}/"},
            "invocations": [invocation],
            "originalUriBaseIds": {ROOT: {"description": {"text": f"the audited repository ({report.root_name})"}}},
            "results": results,
        }],
    }


def render(report: Report) -> str:
    """The report as text; every string passes the one redaction step first (`archaudit.redact`)."""
    report = redact_report(report)
    return json.dumps(to_dict(report, rules_doc_url()), indent=2, ensure_ascii=False) + "\n"
