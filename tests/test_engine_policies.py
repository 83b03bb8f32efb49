"""The engine's policies between hits and findings: premises, one fact one rule, aggregation.

Each test runs made-up rules over a small real repository, so what is checked is the engine alone."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from archaudit.findings import Axis, Hit, Premise, Severity
from archaudit.repo import Repo
from archaudit.resolve.context import Context
from archaudit.rules.base import Rule
from archaudit.rules.engine import run_rules
from tests.conftest import repo_of, write_tree


def _rule(rule_id: str, hits: Iterable[Hit], **kw: object) -> Rule:
    listed = list(hits)

    def check(repo: Repo) -> Iterator[Hit]:
        yield from listed

    kw.setdefault("severity", Severity.HIGH)
    return Rule(id=rule_id, name="made-up", axis=Axis.SECURITY, title=f"title {rule_id}",
                impact="i", action="a", check=check, **kw)  # type: ignore[arg-type]


def _repo(tmp_path: Path) -> Repo:
    return repo_of(write_tree(tmp_path, {
        "app/a.py": "import os\nx = 1\ny = 2\nz = 3\n",
        "app/b.py": "import sys\n",
        "app/broken.py": "def f(:\n",
        "tests/test_a.py": "def test_x():\n    assert True\n",
    }))


def test_a_hit_with_an_unknown_premise_is_not_determined_not_a_finding(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    unknown = Premise.unknown("the router is mounted", "include_router(x) could not be resolved")
    known = Premise("the route is registered", evidence=())
    findings, undetermined = run_rules(repo, [_rule("SEC901", [
        Hit("app/a.py", 2, "Route A has no guard.", premises=(known, unknown)),
        Hit("app/a.py", 3, "Route B has no guard.", premises=(known,)),
    ])])
    assert [(f.evidence[0].line, f.premises) for f in findings] == [(3, (known,))]
    [claim] = undetermined
    assert claim.rule == "SEC901" and claim.evidence[0].ref == "app/a.py:2"
    assert "Route A has no guard." in claim.why and "include_router(x) could not be resolved" in claim.why


def test_a_claim_of_absence_is_not_determined_when_a_file_of_that_language_was_not_parsed(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    hit = Hit("app/b.py", 1, "`requests` is declared but never imported.")
    findings, undetermined = run_rules(repo, [_rule("DEP901", [hit], absence_in=frozenset({"python"}))])
    assert findings == []
    assert "app/broken.py" in undetermined[0].why and "could not be parsed" in undetermined[0].why
    # the same claim about TypeScript code is not weakened by a Python file that failed
    findings, _ = run_rules(repo, [_rule("DEP902", [hit], absence_in=frozenset({"typescript"}))])
    assert len(findings) == 1


def test_an_unparsed_test_file_does_not_weaken_a_claim_about_production_code(tmp_path: Path) -> None:
    repo = repo_of(write_tree(tmp_path, {"app/a.py": "x = 1\n", "tests/test_bad.py": "def f(:\n"}))
    findings, undetermined = run_rules(repo, [_rule("DEP903", [Hit("app/a.py", 1, "never imported")],
                                                    absence_in=frozenset({"python"}))])
    assert len(findings) == 1 and undetermined == []


def test_a_rule_that_supersedes_another_removes_its_hit_on_the_same_line_only(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    vague = _rule("CFG901", [Hit("app/a.py", 2, "flag unused"), Hit("app/a.py", 3, "other flag unused")])
    precise = _rule("OBS901", [Hit("app/a.py", 2, "metrics flag, no exporter")], supersedes=("CFG901",))
    findings, _ = run_rules(repo, [vague, precise])
    assert sorted((f.rule, f.evidence[0].line) for f in findings) == [("CFG901", 3), ("OBS901", 2)]


def test_a_superseding_rule_removes_a_hit_stating_the_same_named_fact_from_another_place(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    vague = _rule("DEP906", [Hit("app/b.py", 1, "poetry used, no poetry.lock", fact="lock-missing"),
                             Hit("app/a.py", 3, "pipenv used, no Pipfile.lock", fact="other")])
    precise = _rule("DEP905", [Hit("app/a.py", 2, "unpinned and no lockfile", fact="lock-missing")],
                    supersedes=("DEP906",))
    findings, _ = run_rules(repo, [vague, precise])
    assert sorted((f.rule, f.evidence[0].line) for f in findings) == [("DEP905", 2), ("DEP906", 3)]


def test_hits_of_one_root_cause_in_a_file_become_one_finding_listing_every_place(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    findings, _ = run_rules(repo, [_rule("OBS902", [
        Hit("app/a.py", 4, "print() used", key="print"), Hit("app/a.py", 2, "print() used", key="print"),
        Hit("app/b.py", 1, "print() used", key="print"),
    ])])
    by_path = {f.evidence[0].path: f for f in findings}
    assert [e.line for e in by_path["app/a.py"].evidence] == [2, 4]
    assert by_path["app/a.py"].occurrences == 2 and "(2 places)" in by_path["app/a.py"].message
    assert by_path["app/b.py"].occurrences == 1
    assert len({f.fingerprint for f in findings}) == 2


def test_a_repository_wide_rule_lists_every_file_of_one_cause_in_one_finding(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    findings, _ = run_rules(repo, [_rule("DEP904", [
        Hit("app/b.py", 1, "`blinker` is declared but never imported.", key="blinker"),
        Hit("app/a.py", 1, "`blinker` is declared but never imported.", key="blinker"),
        Hit("app/a.py", 1, "`click` is declared but never imported.", key="click"),
    ], aggregate="repository")])
    assert sorted((f.occurrences, [e.path for e in f.evidence]) for f in findings) == [
        (1, ["app/a.py"]), (2, ["app/a.py", "app/b.py"])]


def test_different_causes_on_one_line_stay_separate_findings(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    hits = [Hit("app/a.py", 2, "SQL from x"), Hit("app/a.py", 2, "SQL from y")]
    findings, _ = run_rules(repo, [_rule("SEC905", hits)])
    assert len(findings) == 2 and len({f.fingerprint for f in findings}) == 2


def test_severity_follows_exposure(tmp_path: Path) -> None:
    repo = repo_of(write_tree(tmp_path, {"app/settings.py": "KEY = 1\n", "config/settings_local.py": "KEY = 2\n",
                                         "scripts/seed.py": "KEY = 3\n"}))
    critical = _rule("SEC906", [Hit("app/settings.py", 1, "prod secret", key="a"),
                                Hit("config/settings_local.py", 1, "dev secret", key="b"),
                                Hit("scripts/seed.py", 1, "script secret", key="c")],
                     contexts=frozenset(Context), severity=Severity.CRITICAL)
    findings, _ = run_rules(repo, [critical])
    by_path = {f.evidence[0].path: f for f in findings}
    assert by_path["app/settings.py"].severity is Severity.CRITICAL
    assert by_path["config/settings_local.py"].severity is Severity.HIGH
    assert "only in dev code" in by_path["config/settings_local.py"].message
    assert by_path["scripts/seed.py"].severity is Severity.HIGH
