"""Accepted debt and the CI gate: the baseline file, what an audit adds to it, which findings fail.

`archaudit baseline` writes the accepted findings (fingerprint, rule, path, title), sorted and
without a date or a tool version, so that the committed file changes only when the findings do.
`archaudit audit --baseline FILE` reports what the baseline lacks as new and lists its entries no
finding matches any more (fixed). `--fail-on SEV` then gates on new findings only: with a baseline
and/or a `--compare` report, a finding fails the run only when neither of them knows it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from archaudit.findings import Finding, Severity
from archaudit.model import BaselineResult, Report

FORMAT_KEY = "archaudit_baseline"
FORMAT_VERSION = 1
SIGNATURE = b'{\n  "' + FORMAT_KEY.encode() + b'"'


class BaselineError(ValueError):
    """The file is not an archaudit baseline (the message says what is wrong)."""


def entry(f: Finding) -> dict[str, str]:
    first = f.evidence[0].path if f.evidence else ""
    return {"fingerprint": f.fingerprint, "rule": f.rule, "path": first, "title": f.title}


def render_baseline(findings: list[Finding]) -> str:
    """The baseline file's text: one entry per finding, sorted by rule, path and fingerprint."""
    entries = sorted((entry(f) for f in findings), key=lambda e: (e["rule"], e["path"], e["fingerprint"]))
    unique = list({e["fingerprint"]: e for e in entries}.values())
    return json.dumps({FORMAT_KEY: FORMAT_VERSION, "findings": unique}, indent=2, ensure_ascii=False) + "\n"


def load_baseline(path: Path) -> list[dict[str, Any]]:
    """The entries of a baseline file; BaselineError when it is not one."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BaselineError(f"not a readable archaudit baseline ({exc})") from exc
    if not isinstance(data, dict) or data.get(FORMAT_KEY) != FORMAT_VERSION:
        hint = "; a JSON report goes to --compare" if isinstance(data, dict) and "schema_version" in data else ""
        raise BaselineError(f"not an archaudit baseline (written by `archaudit baseline`){hint}")
    entries = data.get("findings")
    if not isinstance(entries, list) or not all(isinstance(e, dict) and isinstance(e.get("fingerprint"), str)
                                                for e in entries):
        raise BaselineError("its findings must be a list of entries, each with a fingerprint")
    return entries


def against(findings: list[Finding], entries: list[dict[str, Any]], label: str) -> BaselineResult:
    """The findings the baseline lacks, the entries no finding matches any more, and the count accepted."""
    known = {e["fingerprint"] for e in entries}
    current = {f.fingerprint for f in findings}
    new = tuple(f for f in findings if f.fingerprint not in known)
    fixed = tuple(sorted(({k: str(e.get(k, "")) for k in ("fingerprint", "rule", "path", "title")}
                          for e in entries if e["fingerprint"] not in current),
                         key=lambda e: (e["rule"], e["path"], e["fingerprint"])))
    return BaselineResult(label, new, fixed, len(findings) - len(new))


def gated(report: Report) -> tuple[list[Finding], bool]:
    """(the findings the gate judges, whether they are only the new ones): with a baseline or a
    comparison (`--compare`), the findings none of them knows; else every finding."""
    findings = list(report.findings)
    relative = False
    if report.baseline is not None:
        new = {f.fingerprint for f in report.baseline.new}
        findings, relative = [f for f in findings if f.fingerprint in new], True
    # an explicit --compare ratchets (new findings, and old ones with a new occurrence); the history's
    # own comparison never gates, else a second plain audit would pass where the first failed
    if report.comparison is not None and report.comparison.source == "file":
        new = {f.fingerprint for f in report.comparison.regressions()}
        findings, relative = [f for f in findings if f.fingerprint in new], True
    return findings, relative


def failing(report: Report, threshold: str) -> tuple[list[Finding], bool]:
    """The findings that fail `--fail-on threshold`, worst first, and whether only new ones count."""
    judged, relative = gated(report)
    rank = Severity(threshold.lower()).rank
    return [f for f in judged if f.severity.rank <= rank], relative


def gate_message(threshold: str, failed: list[Finding], relative: bool) -> str:
    """What failed the gate, for stderr: one line per finding (severity, rule, place, title)."""
    what = "new finding" if relative else "finding"
    lines = [f"archaudit: --fail-on {threshold} failed: {len(failed)} {what}{'s' if len(failed) != 1 else ''} "
             f"at or above {threshold}"]
    for f in failed:
        place = f.evidence[0].ref if f.evidence else "(repository)"
        lines.append(f"  {f.severity.value:<8} {f.rule:<7} {place}  {f.title}")
    return "\n".join(lines) + "\n"
