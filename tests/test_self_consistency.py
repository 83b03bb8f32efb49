"""A report never contradicts itself: checked on every fixture repository and the bundled example.

- no two findings share a fingerprint;
- no strength is stated while a finding contradicting it is reported;
- no internal representation (AST node names, fact dictionaries, object reprs) leaks into the text;
- no inventory section says "nothing found" while a finding reports that kind of thing.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import cache
from pathlib import Path

import pytest

from archaudit.model import Report
from archaudit.repo import Repo
from archaudit.report.render_markdown import MAX_PLACES, others, render
from archaudit.strengths import CHECKS
from tests.conftest import FIXTURES, repo_of, report_of

EXAMPLE = Path(__file__).parents[1] / "examples" / "shop-api"
ROOTS = sorted(p for p in (FIXTURES / "rules").glob("*/*") if p.is_dir()) + \
    sorted(p for p in (FIXTURES / "repos").iterdir() if p.is_dir()) + [EXAMPLE]

# internal shapes that must never reach a reader: marshalled fact dicts, ast node reprs, object reprs
_INTERNAL = re.compile(r"\{'\$'|\{'kind':|<ast\.|object at 0x|\b(Compare|BinOp|BoolOp|JoinedStr|Subscript|"
                       r"Attribute|Constant|keyword|FunctionDef|ClassDef)\(")
# inventory section -> rules whose findings say that section has content
_SECTION_RULES = {
    "api": {"SEC004", "SEC005", "SEC007", "SEC009", "MOD001", "MOD002", "MOD003", "MOD004", "MOD005", "PERF001",
            "PERF004"},
    "data": {"MIG001", "MIG002", "MIG003", "MIG004", "MIG005", "MIG006", "PERF005"},
    "cicd": {"CI002", "CI003", "CI004", "CI005", "CI007", "CI009"},
    "tests": {"TST001", "TST003"},
}


@cache
def _report(root: Path) -> Report:
    return report_of(root)


@cache
def _repo(root: Path) -> Repo:
    return repo_of(root)


def _root_of(report: Report) -> Path:
    return next(r for r in ROOTS if _report(r) is report)


def _name(root: Path) -> str:
    return str(root.relative_to(root.parents[1]))


@pytest.fixture(params=ROOTS, ids=_name)
def report(request: pytest.FixtureRequest) -> Report:
    return _report(request.param)


def test_no_two_findings_share_a_fingerprint(report: Report) -> None:
    shared = [fp for fp, n in Counter(f.fingerprint for f in report.findings).items() if n > 1]
    assert not shared, [f"{f.rule} {f.message}" for f in report.findings if f.fingerprint in shared]


def test_no_strength_is_stated_beside_a_finding_that_contradicts_it(report: Report) -> None:
    fired = {f.rule for f in report.findings}
    stated = {fact.text for fact in report.strengths}
    for check, contradicted_by in CHECKS:
        if fired & contradicted_by:
            established = {fact.text for fact in check(_repo(_root_of(report)))}
            assert not stated & established, (check.__name__, fired & contradicted_by)


def test_no_internal_representation_reaches_the_text(report: Report) -> None:
    texts = [f.message for f in report.findings] + [u.why for u in report.undetermined]
    for section in report.sections:
        texts += [fact.text for fact in section.facts] + list(section.undetermined) + [section.headline]
        texts += [str(value) for table in section.tables for row in table.rows for value in row.values()]
    leaks = [t for t in texts if _INTERNAL.search(t)]
    assert not leaks, leaks[:5]


def test_no_section_says_nothing_found_while_a_finding_reports_its_kind(report: Report) -> None:
    fired = {f.rule for f in report.findings}
    for section in report.sections:
        if section.key in _SECTION_RULES and not (section.facts or section.tables):
            assert not fired & _SECTION_RULES[section.key], (section.key, fired & _SECTION_RULES[section.key])


def test_every_finding_points_at_a_file_of_the_repository(report: Report) -> None:
    root = _root_of(report)
    for f in report.findings:
        for e in f.evidence:
            assert not e.path or (root / e.path).exists(), (f.rule, e.ref)


def test_the_markdown_report_says_each_finding_once_in_detail() -> None:
    """Each rule has one details block; in it, its first finding is item 1 with its message and first place,
    each further place (at most MAX_PLACES) one numbered line that starts with its `path:line`
    (fingerprints are in the JSON and SARIF, not in the Markdown)."""
    report = _report(EXAMPLE)
    detail = render(report).split("### Details", 1)[1].split("## Scores", 1)[0]
    for rule, fs in report.findings_by_rule():
        assert detail.count(f"\n#### {rule}: ") == 1, rule
        block = detail.split(f"\n#### {rule}: ", 1)[1].split("\n#### ", 1)[0]
        assert block.count(f"\n1. {fs[0].message}\n   - `{fs[0].evidence[0].ref}`") == 1, rule
        listed, _more = others(fs, MAX_PLACES)
        for i, (ref, _said) in enumerate(listed, start=2):
            assert block.count(f"\n{i}. {ref}") == 1, (rule, i)
