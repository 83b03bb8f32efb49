"""Report -> JUnit XML, for CI systems that show test reports (GitLab, Jenkins, Azure, CircleCI...).

One testsuite per axis, one testcase per rule that ran on it (named by its stable id, so a CI's test
history follows the rule), and one `<failure>` per finding of that rule: its severity as the type, its
place, title and message, what to do. A rule that ran and found nothing is a passing testcase. Built
with the standard library's ElementTree, so every value is escaped; characters XML 1.0 cannot hold
(control characters, lone surrogates) become U+FFFD.
"""

from __future__ import annotations

import re
from xml.etree import ElementTree as ET

from archaudit.findings import Finding
from archaudit.model import Report
from archaudit.redact import redact_report

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _clean(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def _failure(case: ET.Element, f: Finding) -> None:
    where = f.location
    failure = ET.SubElement(case, "failure", type=f.severity.value,
                            message=_clean(f"{where.path}:{where.line}: {f.title}: {f.message}"))
    places = "\n".join(e.ref for e in f.evidence)
    failure.text = _clean(f"{f.title}\n{f.message}\n\n{places}\n\nWhat to do: {f.action}")


def render(report: Report) -> str:
    """Rules as testcases and findings as failures; every string passes the one redaction step first."""
    report = redact_report(report)
    fired: dict[str, list[Finding]] = {}
    for f in report.findings:
        fired.setdefault(f.rule, []).append(f)
    by_axis: dict[str, set[str]] = {s.axis.value: set(s.evaluated) for s in report.scores}
    for f in report.findings:
        by_axis.setdefault(f.axis.value, set()).add(f.rule)
    root = ET.Element("testsuites", name="archaudit")
    for axis in sorted(a for a, rules in by_axis.items() if rules):
        rules = sorted(by_axis[axis])
        failing = [r for r in rules if r in fired]
        suite = ET.SubElement(root, "testsuite", name=f"archaudit.{axis}", tests=str(len(rules)),
                              failures=str(len(failing)), errors="0", skipped="0")
        for rule_id in rules:
            case = ET.SubElement(suite, "testcase", classname=f"archaudit.{axis}", name=rule_id)
            for f in fired.get(rule_id, ()):
                _failure(case, f)
    root.set("tests", str(sum(int(s.get("tests", 0)) for s in root)))
    root.set("failures", str(sum(int(s.get("failures", 0)) for s in root)))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
