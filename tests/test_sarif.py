"""SARIF that GitHub code scanning accepts: valid against the OASIS SARIF 2.1.0 schema (vendored in
tests/data, see its README) and against GitHub's own upload rules (written out in `github_problems`)."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from email.message import Message
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from archaudit.history import compare_with
from archaudit.model import Comparison, Report
from archaudit.report import render_sarif
from archaudit.report.render_json import to_dict as json_dict
from archaudit.report.render_markdown import render as render_markdown
from tests.conftest import report_of, write_tree

SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
EXAMPLE = Path(__file__).parents[1] / "examples" / "shop-api"
# a repository with only repository-level problems: no README, no CI, no hooks, no task runner, tests
# without coverage; and a path that needs percent-encoding
BARE = {"pyproject.toml": '[project]\nname = "bare"\nversion = "1"\ndependencies = ["fastapi"]\n',
        "app/main.py": "from fastapi import FastAPI\n\napp = FastAPI()\n",
        "app/my módule #1.py": ('password = "x"\n\n\ndef f(db, q):\n'
                                '    return db.execute(f"SELECT * FROM t WHERE a = {q}")\n'),
        "tests/test_main.py": "def test_x():\n    assert True\n"}
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
GITHUB_MAX_RESULTS = 25_000  # per run
GITHUB_MAX_LOCATIONS = 10  # per result (displayed)


def github_problems(log: dict[str, Any]) -> list[str]:
    """What GitHub code scanning refuses or cannot display, from its SARIF support page and the
    GHAS rules of the SARIF multitool (GH1001 location with an artifact URI, GH1003 region.startLine,
    GH1004 array sizes, GH1005 relative or file: URIs, GH1007 messages without placeholders), plus
    ruleId on every result pointing at a declared rule, a tool name, fingerprints and a numeric
    security-severity."""
    problems: list[str] = []
    if log.get("version") != "2.1.0":
        problems.append("version is not 2.1.0")
    for r, run in enumerate(log.get("runs", [])):
        driver = run.get("tool", {}).get("driver", {})
        if not driver.get("name"):
            problems.append(f"run {r}: tool.driver.name missing")
        rules = driver.get("rules", [])
        ids = [rule.get("id") for rule in rules]
        for rule in rules:
            score = rule.get("properties", {}).get("security-severity")
            if score is not None and not (isinstance(score, str) and 0.0 <= float(score) <= 10.0):
                problems.append(f"rule {rule.get('id')}: security-severity {score!r} is not a string in 0.0-10.0")
            if "helpUri" in rule and not rule["helpUri"].startswith("https://"):
                problems.append(f"rule {rule.get('id')}: helpUri is not an absolute https URI")
        results = run.get("results", [])
        if len(results) > GITHUB_MAX_RESULTS:
            problems.append(f"run {r}: {len(results)} results, more than GitHub reads")
        for i, result in enumerate(results):
            where = f"run {r} result {i} ({result.get('ruleId')})"
            if not result.get("ruleId"):
                problems.append(f"{where}: no ruleId")
            elif result["ruleId"] not in ids:
                problems.append(f"{where}: ruleId not among tool.driver.rules")
            elif "ruleIndex" in result and ids[result["ruleIndex"]] != result["ruleId"]:
                problems.append(f"{where}: ruleIndex points at another rule")
            text = result.get("message", {}).get("text", "")
            if not text or re.search(r"\{\d+\}", text):
                problems.append(f"{where}: message.text missing or not formatted")
            if not result.get("partialFingerprints") and not result.get("suppressions"):
                problems.append(f"{where}: no partialFingerprints")
            locations = result.get("locations") or []
            if not locations:
                problems.append(f"{where}: no location")
            if len(locations) > GITHUB_MAX_LOCATIONS:
                problems.append(f"{where}: more than {GITHUB_MAX_LOCATIONS} locations")
            for loc in [*locations, *(result.get("relatedLocations") or [])]:
                physical = loc.get("physicalLocation", {})
                uri = physical.get("artifactLocation", {}).get("uri")
                if not uri:
                    problems.append(f"{where}: a location without artifactLocation.uri")
                elif _SCHEME.match(uri) and not uri.startswith("file:"):
                    problems.append(f"{where}: {uri!r} is neither relative nor a file: URI")
                elif uri.startswith("/") or uri in (".", "./"):
                    problems.append(f"{where}: {uri!r} is not a file of the repository")
                elif re.search(r"[ #%?\x00-\x1f\x7f-\uffff]", re.sub(r"%[0-9A-F]{2}", "", uri)):
                    problems.append(f"{where}: {uri!r} is not percent-encoded")
                if physical.get("region", {}).get("startLine", 0) < 1:
                    problems.append(f"{where}: region.startLine missing")
    return problems


def _sarif(report: Report) -> dict[str, Any]:
    log: dict[str, Any] = json.loads(render_sarif.render(report))
    return log


def _validate(log: dict[str, Any]) -> None:
    jsonschema.Draft4Validator(SCHEMA, format_checker=jsonschema.FormatChecker()).validate(log)


@pytest.fixture(scope="module")
def bare_report(tmp_path_factory: pytest.TempPathFactory) -> Report:
    return report_of(write_tree(tmp_path_factory.mktemp("bare"), BARE))


def test_schema_is_the_official_one() -> None:
    assert SCHEMA["id"].endswith("/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json")
    jsonschema.Draft4Validator.check_schema(SCHEMA)


@pytest.mark.parametrize("which", ["example", "bare"])
def test_sarif_is_valid_and_github_accepts_it(which: str, bare_report: Report) -> None:
    report = report_of(EXAMPLE) if which == "example" else bare_report
    log = _sarif(report)
    _validate(log)
    assert github_problems(log) == []
    assert len(log["runs"][0]["results"]) == len(report.findings) > 5


def test_the_github_checks_can_fail() -> None:
    """The old output (a repository-level result without a location, an unencoded path) is refused."""
    log = {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "archaudit", "rules": [{"id": "DOC001"}]}},
                                         "results": [{"ruleId": "DOC001", "message": {"text": "No README"},
                                                      "partialFingerprints": {"a": "b"}},
                                                     {"ruleId": "DOC001", "message": {"text": "x"},
                                                      "partialFingerprints": {"a": "b"},
                                                      "locations": [{"physicalLocation": {"artifactLocation": {
                                                          "uri": "my file.py"}}}]}]}]}
    _validate(log)  # valid SARIF all the same: the schema alone does not say what GitHub refuses
    assert github_problems(log) == ["run 0 result 0 (DOC001): no location",
                                    "run 0 result 1 (DOC001): 'my file.py' is not percent-encoded",
                                    "run 0 result 1 (DOC001): region.startLine missing"]


def test_repository_level_findings_point_at_the_file_that_shows_the_absence(bare_report: Report) -> None:
    by_rule = {f.rule: f for f in bare_report.findings}
    for rule in ("DOC001", "DX001", "DX002", "CI001", "TST003"):
        assert rule in by_rule, sorted(by_rule)
        f = by_rule[rule]
        assert f.evidence[0].path == "."  # the report still says "the repository"...
        assert (f.location.path, f.location.line) == ("pyproject.toml", 1)  # ...tools get a file
    results = {r["ruleId"]: r for r in _sarif(bare_report)["runs"][0]["results"]}
    region = results["DOC001"]["locations"][0]["physicalLocation"]
    assert region == {"artifactLocation": {"uri": "pyproject.toml", "uriBaseId": "SRCROOT"}, "region": {"startLine": 1}}
    finding = json_dict(bare_report)["findings"]
    assert next(f for f in finding if f["rule"] == "DOC001")["anchor"] == {"path": "pyproject.toml", "line": 1,
                                                                             "snippet": ""}
    assert "`pyproject.toml:1`" not in render_markdown(bare_report)  # the anchor is for tools, not a claim


def test_anchor_follows_the_rule_then_the_manifests(tmp_path: Path) -> None:
    """No pyproject: no-coverage points at the CI workflow the rule names; no-README at package.json."""
    root = write_tree(tmp_path, {"package.json": '{"name": "x", "scripts": {"test": "jest"}}\n',
                                 ".github/workflows/ci.yml": "on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n"
                                                             "    steps:\n      - run: pytest\n",
                                 "app/main.py": "import os\n", "tests/test_a.py": "def test_a():\n    pass\n"})
    by_rule = {f.rule: f.location for f in report_of(root).findings}
    assert by_rule["DOC001"].path == "package.json"
    assert by_rule["TST003"].path == ".github/workflows/ci.yml"


def test_paths_are_percent_encoded(bare_report: Report) -> None:
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            for r in _sarif(bare_report)["runs"][0]["results"]}
    assert "app/my%20m%C3%B3dule%20%231.py" in uris


def test_rules_carry_security_severity_help_and_levels() -> None:
    rules = {r["id"]: r for r in _sarif(report_of(EXAMPLE))["runs"][0]["tool"]["driver"]["rules"]}
    sec001 = rules["SEC001"]
    assert sec001["properties"]["security-severity"] == "8.0" and "security" in sec001["properties"]["tags"]
    assert sec001["defaultConfiguration"]["level"] == "error"
    assert sec001["help"]["markdown"].startswith("**") and "What to do" in sec001["help"]["text"]
    assert rules["DX001"]["properties"]["security-severity"] == "3.0"
    assert "security" not in rules["DX001"]["properties"]["tags"]
    assert rules["CFG004"]["defaultConfiguration"]["level"] == "warning"
    assert "helpUri" not in sec001  # archaudit declares no published documentation: no made-up URL


def test_help_uri_only_from_declared_metadata(monkeypatch: pytest.MonkeyPatch) -> None:
    def fake(urls: list[str]) -> Message:
        msg = Message()
        for u in urls:
            msg["Project-URL"] = u
        return msg

    monkeypatch.setattr(render_sarif.metadata, "metadata", lambda name: fake([]))
    assert render_sarif.rules_doc_url() is None
    monkeypatch.setattr(render_sarif.metadata, "metadata",
                        lambda name: fake(["Repository, https://github.com/acme/archaudit/"]))
    assert render_sarif.rules_doc_url() == "https://github.com/acme/archaudit/blob/HEAD/docs/rules.md"
    monkeypatch.setattr(render_sarif.metadata, "metadata",
                        lambda name: fake(["Homepage, https://example.org", "Rules, https://docs.example.org/rules"]))
    assert render_sarif.rules_doc_url() == "https://docs.example.org/rules"
    log = json.loads(render_sarif.render(report_of(EXAMPLE)))
    _validate(log)
    assert log["runs"][0]["tool"]["driver"]["rules"][0]["helpUri"].startswith("https://docs.example.org/rules#")


def test_invocation_and_automation_details_are_deterministic(bare_report: Report) -> None:
    run = _sarif(bare_report)["runs"][0]
    assert run["invocations"] == [{"executionSuccessful": True}]
    assert run["automationDetails"]["id"] == f"archaudit/{bare_report.root_name}/"
    assert _sarif(bare_report) == _sarif(bare_report)
    stamped = replace(bare_report, generated_at="2026-01-02T03:04:05+00:00")
    log = _sarif(stamped)
    _validate(log)
    assert log["runs"][0]["invocations"][0]["endTimeUtc"] == "2026-01-02T03:04:05Z"


def test_baseline_state_with_a_comparison(bare_report: Report) -> None:
    previous = json_dict(bare_report)
    kept = next(f for f in previous["findings"] if f["rule"] != "DOC001")
    previous["findings"] = [f for f in previous["findings"] if f["rule"] != "DOC001"]
    report = replace(bare_report)
    report.comparison = compare_with(report, previous, "old.json")
    log = _sarif(report)
    _validate(log)
    assert github_problems(log) == []
    states = {(r["ruleId"], r["baselineState"]) for r in log["runs"][0]["results"]}
    assert ("DOC001", "new") in states and (kept["rule"], "unchanged") in states
    assert _sarif(bare_report)["runs"][0]["results"][0].get("baselineState") is None  # no comparison, no state


def test_fixed_findings_are_absent_results_only_where_a_place_is_known(bare_report: Report) -> None:
    """GitHub needs a location: a fixed finding the comparison names with a place is an `absent` result;
    one known only by its fingerprint is not invented a place."""
    gone = {"rule": "SEC006", "title": "SQL built by string formatting", "message": "m",
            "fingerprint": "0123456789abcdef", "path": "app/old.py", "line": 3}  # as the history gives it
    from_report = {"rule": "SEC006", "title": "t", "message": "m", "fingerprint": "00000000000000ff",
                   "evidence": [{"path": "app/older.py", "line": 9}]}  # as a report's finding names it
    unplaced = {"rule": "OBS001", "title": "t", "message": "m", "fingerprint": "fedcba9876543210"}
    grown = bare_report.findings[0]
    report = replace(bare_report)
    report.comparison = Comparison(previous="old.json", new=(), fixed=(gone, from_report, unplaced), persisting=0,
                                   new_places=((grown, grown.evidence[0], "f" * 16),))
    log = _sarif(report)
    _validate(log)
    assert github_problems(log) == []
    results = log["runs"][0]["results"]
    absent = [r for r in results if r.get("baselineState") == "absent"]
    assert [(r["ruleId"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]) for r in absent] == [
        ("SEC006", "app/old.py"), ("SEC006", "app/older.py")]
    assert [r["baselineState"] for r in results[:2]] == ["updated", "unchanged"]  # a new place of a known finding


def test_anchor_without_any_manifest_is_the_first_file(tmp_path: Path) -> None:
    """Nothing the rule names and no manifest or README: the first file of the tree, never "."."""
    root = write_tree(tmp_path, {"src/b.py": "x = 1\n", "a.py": "y = 2\n"})
    report = report_of(root)
    located = {f.rule: (f.location.path, f.location.line) for f in report.findings if f.evidence[0].path == "."}
    assert located and set(located.values()) == {("a.py", 1)}
    log = _sarif(report)
    _validate(log)
    assert github_problems(log) == []
