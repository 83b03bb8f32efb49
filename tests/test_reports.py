"""Both report formats: schema-valid JSON, complete Markdown, determinism, redaction, timestamps."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from archaudit.report import render_html, render_json, render_markdown
from tests.conftest import repo_of, report_of, write_tree

SCHEMA = json.loads((Path(__file__).parents[1] / "src/archaudit/report/schema.json").read_text())
EXAMPLE = Path(__file__).parents[1] / "examples" / "shop-api"
FAKE_SECRET = "s3cr3t-Value-that-must-never-leak"


def test_json_report_matches_the_published_schema() -> None:
    data = json.loads(render_json.render(report_of(EXAMPLE)))
    jsonschema.validate(data, SCHEMA)
    assert data["schema_version"] == SCHEMA["properties"]["schema_version"]["const"]


def test_endpoints_are_objects_with_method_path_handler_file_line() -> None:
    data = json.loads(render_json.render(report_of(EXAMPLE)))
    endpoints = data["inventory"]["api"]["tables"]["endpoints"]
    assert {"method": "DELETE", "path": "/api/v1/admin/users/{user_id}", "handler": "delete_user",
            "file": "app/api/v1/admin.py", "line": 12}.items() <= next(
        e for e in endpoints if e["handler"] == "delete_user").items()


def test_markdown_report_puts_the_verdict_first_then_findings_scores_and_the_inventory() -> None:
    md = render_markdown.render(report_of(EXAMPLE))
    order = ["## Verdict", "**Main risks**", "**Coverage and confidence**", "## Findings", "### Action plan",
             "### Details", "## Scores", "## Strengths", "## Inventory", "Repository structure", "## Appendix",
             "### Skipped files", "### Not determined"]
    positions = [md.index(heading) for heading in order]
    assert positions == sorted(positions)
    assert "| Priority | Area | Finding | Places | Evidence |" in md
    assert "```mermaid\nflowchart LR" in md


def test_each_rules_advice_is_written_once() -> None:
    report = report_of(EXAMPLE)
    md = render_markdown.render(report)
    for f in report.findings:
        assert md.count(f.action) == 1, f.rule


def test_inventory_tables_show_the_notable_rows_and_the_count(tmp_path: Path) -> None:
    """40 guarded endpoints and 2 open ones: the Markdown keeps the open ones (wherever they are in the table)
    and says how many rows it leaves to JSON and HTML; the JSON keeps all 42."""
    guarded = "".join(f"@app.get('/r{i}')\ndef r{i}(user=Depends(current_user)):\n    return {{}}\n\n"
                      for i in range(40))
    open_ = "".join(f"@app.get('/open{i}')\ndef open{i}():\n    return {{}}\n\n" for i in range(2))
    root = write_tree(tmp_path, {
        "main.py": "from fastapi import Depends, FastAPI\napp = FastAPI()\n\n\ndef current_user():\n    return 1\n\n\n"
                   + guarded + open_,
        "requirements.txt": "fastapi==0.110.0\n"})
    report = report_of(root)
    endpoints = json.loads(render_json.render(report))["inventory"]["api"]["tables"]["endpoints"]
    assert len(endpoints) == 42
    md = render_markdown.render(report)
    inventory = md.split("## Inventory", 1)[1].split("## Appendix", 1)[0]
    shown = [line for line in inventory.splitlines() if line.startswith("| GET | /")]
    assert [line.split(" | ")[1] for line in shown] == ["/open0", "/open1"]
    assert "Notable (2): endpoints with no authentication found, or not determined." in inventory
    assert "40 more rows in the JSON and HTML reports." in inventory


def test_many_notable_rows_are_capped(tmp_path: Path) -> None:
    routes = "".join(f"@app.get('/r{i}')\ndef r{i}():\n    return {{}}\n\n" for i in range(40))
    root = write_tree(tmp_path, {"main.py": "from fastapi import FastAPI\napp = FastAPI()\n\n" + routes,
                                 "requirements.txt": "fastapi==0.110.0\n"})
    md = render_markdown.render(report_of(root))
    inventory = md.split("## Inventory", 1)[1].split("## Appendix", 1)[0]
    rows = [line for line in inventory.splitlines() if line.startswith("| GET | /r")]
    assert len(rows) == render_markdown.MAX_ROWS
    assert f"{40 - render_markdown.MAX_ROWS} more rows in the JSON and HTML reports." in inventory


def test_trivial_ci_steps_are_folded(tmp_path: Path) -> None:
    workflow = ("on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n"
                "      - uses: actions/checkout@v4\n      - uses: actions/setup-python@v5\n"
                "      - uses: actions/cache@v4\n      - run: pytest -q\n")
    root = write_tree(tmp_path, {"app.py": "x = 1\n", ".github/workflows/ci.yml": workflow})
    report = report_of(root)
    md = render_markdown.render(report)
    inventory = md.split("## Inventory", 1)[1].split("## Appendix", 1)[0]
    assert "3 trivial steps (checkout, setup-*, cache) folded" in inventory
    assert "| pytest -q |" in inventory
    assert "actions/checkout" not in inventory
    steps = json.loads(render_json.render(report))["inventory"]["cicd"]["tables"]["ci_steps"]
    assert len(steps) == 4


def test_same_input_same_output() -> None:
    first, second = report_of(EXAMPLE), report_of(EXAMPLE)
    assert render_json.render(first) == render_json.render(second)
    assert render_markdown.render(first) == render_markdown.render(second)
    assert "generated_at" not in json.loads(render_json.render(first))


def test_timestamp_only_when_asked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from archaudit.cli import _timestamp

    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    assert _timestamp(False) is None
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert _timestamp(False) == "2023-11-14T22:13:20+00:00"


def test_secrets_never_appear_in_any_output(tmp_path: Path) -> None:
    repo = write_tree(tmp_path, {
        "app/settings.py": f'SECRET_KEY = "{FAKE_SECRET}"\nDEBUG = True\n',
        "app/main.py": f'API_TOKEN = "{FAKE_SECRET}"\nprint(API_TOKEN)\n',
        ".env": f"DATABASE_URL=postgresql://app:{FAKE_SECRET}@db/app\nSECRET_KEY={FAKE_SECRET}\n",
        "README.md": "# x\n",
    })
    report = report_of(repo)
    assert FAKE_SECRET not in render_json.render(report)
    assert FAKE_SECRET not in render_markdown.render(report)


def test_scores_show_their_formula() -> None:
    report = report_of(EXAMPLE)
    for s in report.scores:
        assert 0 <= s.score <= 10
        assert s.formula.endswith(f"= {s.score:g}") or s.formula.startswith("10 (no finding")


def test_fingerprints_survive_moved_lines() -> None:
    from archaudit.findings import fingerprint

    a = fingerprint("CFG003", "app/settings.py", "CORS_ORIGINS configures CORS at app/main.py:13 (line 13)")
    b = fingerprint("CFG003", "app/settings.py", "CORS_ORIGINS configures CORS at app/main.py:42 (line 42)")
    assert a == b
    assert a != fingerprint("CFG003", "app/other.py", "CORS_ORIGINS configures CORS at app/main.py:13")


def test_sarif_report_for_code_scanning(tmp_path: Path) -> None:
    from archaudit.report import render_sarif

    report = report_of(EXAMPLE)
    sarif = json.loads(render_sarif.render(report))
    run = sarif["runs"][0]
    assert sarif["version"] == "2.1.0" and run["tool"]["driver"]["name"] == "archaudit"
    assert len(run["results"]) == len(report.findings)
    rule_ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert rule_ids == sorted({f.rule for f in report.findings})
    sql = next(r for r in run["results"] if r["ruleId"] == "SEC006")
    assert sql["level"] == "error" and rule_ids[sql["ruleIndex"]] == "SEC006"
    assert sql["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "app/api/v1/products.py"
    assert sql["locations"][0]["physicalLocation"]["region"]["startLine"] == 25
    assert all(r.get("partialFingerprints", {}).get("archaudit/v1") for r in run["results"])
    # an archaudit SARIF file may be replaced by the next run without --force
    from archaudit.cli import _ours

    target = tmp_path / "report.sarif"
    target.write_text(render_sarif.render(report))
    assert _ours(target)


def _prints(tmp_path: Path, n: int) -> Path:
    files = {f"app/mod{i}.py": f"def run{i}():\n    print('step {i}')\n    return {i}\n" for i in range(n)}
    files.update({"app/__init__.py": "", "requirements.txt": "fastapi==0.110.0\n",
                  "app/main.py": "from fastapi import FastAPI\napp = FastAPI()\n"})
    return write_tree(tmp_path, files)


def test_a_rules_places_after_the_first_are_one_line_each_and_capped(tmp_path: Path) -> None:
    """9 print() findings: the first in full with its snippet, the next MAX_PLACES one line each (only what
    their message adds), the rest counted; the JSON keeps all 9, message and evidence."""
    report = report_of(_prints(tmp_path, 9))
    fs = dict(report.findings_by_rule())["OBS002"]
    assert len(fs) == 9
    block = render_markdown.render(report).split("\n#### OBS002: ", 1)[1].split("\n#### ", 1)[0]
    block = block.split("\n## ", 1)[0]
    assert f"1. {fs[0].message}\n   - `{fs[0].evidence[0].ref}`: `print('step 0')`" in block
    places = [line for line in block.splitlines() if line[:1].isdigit() and not line.startswith("1. ")]
    assert len(places) == render_markdown.MAX_PLACES
    for i, (line, f) in enumerate(zip(places, fs[1:], strict=False), start=2):
        assert line.startswith(f"{i}. `{f.evidence[0].ref}`"), line
        assert f.message not in line and f.evidence[0].path in line
    assert f"_{9 - 1 - render_markdown.MAX_PLACES} more places in the JSON and HTML reports._" in block
    assert block.count("print('step") == 1  # one snippet per rule
    found = [f for f in json.loads(render_json.render(report))["findings"] if f["rule"] == "OBS002"]
    assert sorted(f["message"] for f in found) == sorted(f.message for f in fs)


def test_the_difference_keeps_what_a_message_adds() -> None:
    first = "`six` is declared but no Python file of the repository imports it."
    assert render_markdown.difference(first, first) == ""
    assert render_markdown.difference("`stripe` is declared but no Python file of the repository imports it.",
                                      first) == "`stripe` …"
    assert render_markdown.difference("Handler `b` holds 66 statements", "Handler `a` holds 44 statements") == \
        "… `b` holds 66 …"
    assert render_markdown.difference("something else entirely", first) == "something else entirely"
    # a cut that would leave a code span open: the whole message
    assert render_markdown.difference("x `a b` y z", "x `a c` y z") == "x `a b` y z"


def test_rule_details_say_the_advice_once_without_repeating_the_table(tmp_path: Path) -> None:
    """The findings table already gives priority, area and places: a rule's details repeat none of it.
    A low rule shows what to do (its why is in the JSON and HTML); medium and above show both."""
    report = report_of(_prints(tmp_path, 2))
    md = render_markdown.render(report)
    block = md.split("\n#### OBS002: ", 1)[1].split("\n#### ", 1)[0].split("\n## ", 1)[0]
    f = dict(report.findings_by_rule())["OBS002"][0]
    assert f"- What to do: {f.action}\n" in block and "Why it matters" not in block
    assert "· rule `" not in block and "Low ·" not in block
    assert f.impact in render_html.render(report)
    example = report_of(EXAMPLE)
    medium = next(fs for _rule, fs in example.findings_by_rule() if fs[0].severity.value == "medium")
    detail = render_markdown.render(example).split(f"\n#### {medium[0].rule}: ", 1)[1].split("\n#### ", 1)[0]
    assert f"- Why it matters: {medium[0].impact}\n- What to do: {medium[0].action}\n" in detail
    assert "Medium ·" not in detail and "· rule `" not in detail


def test_claims_of_rules_with_no_finding_are_one_coverage_line(tmp_path: Path) -> None:
    """Not determined claims of a rule that found nothing: not listed in the Markdown, counted with their
    rules in the coverage; the JSON lists each. Those of a rule with findings stay beside it."""
    from archaudit.findings import Evidence, Undetermined
    from archaudit.verdict import coverage

    report = report_of(_prints(tmp_path, 1))
    claims = [Undetermined("perf", f"loop number {i} may query per row", "PERF130", (Evidence("app/mod0.py", 1),))
              for i in range(4)] + [Undetermined("print", "a print in a plugin", "OBS002")]
    lines = [str(x) for x in coverage(repo_of(tmp_path), list(report.sections), claims, list(report.scores),
                                      {"OBS002"})]
    assert "5 claim(s) of the rules are not determined: 1 listed beside their rule's findings, 4 of rules with no " \
           "finding (PERF130) in the JSON and HTML reports" in lines
    alone = [str(x) for x in coverage(repo_of(tmp_path), [], claims[:4], [], set())]
    assert alone == ["4 claim(s) not determined (rules PERF130); listed in the JSON and HTML reports"]
    report.undetermined = [*report.undetermined, *claims]
    md = render_markdown.render(report)
    assert "loop number" not in md and "PERF130: not determined" not in md
    assert "a print in a plugin" in md.split("\n#### OBS002: ", 1)[1]
    listed = json.loads(render_json.render(report))["not_determined"]
    assert sum("loop number" in u["why"] for u in listed) == 4


def test_inventory_facts_are_capped_per_section() -> None:
    """A section of 10 facts: the Markdown shows the first MAX_FACTS and counts the rest; the JSON keeps 10."""
    from dataclasses import replace

    from archaudit.model import Fact

    report = report_of(EXAMPLE)
    facts = tuple(Fact(f"fact number {i} of ten") for i in range(10))
    report.sections = [replace(report.sections[0], facts=facts), *report.sections[1:]]
    md = render_markdown.render(report)
    shown = [i for i in range(10) if f"fact number {i} of ten" in md]
    assert shown == list(range(render_markdown.MAX_FACTS))
    assert f"{10 - render_markdown.MAX_FACTS} more facts in the JSON and HTML reports." in md
    section = json.loads(render_json.render(report))["inventory"][report.sections[0].key]
    assert [f["text"] for f in section["facts"]] == [f.text for f in facts]


def test_skipped_files_are_listed_once_per_reason(tmp_path: Path) -> None:
    """7 binary files: one line for their reason naming MAX_LISTED of them, the others counted; the JSON
    lists all 7."""
    files = {f"static/b{i}.py": "x = 1\0\n" for i in range(7)}
    files.update({"app.py": "x = 1\n"})
    report = report_of(write_tree(tmp_path, files))
    assert len(report.skipped) == 7
    appendix = render_markdown.render(report).split("### Skipped files", 1)[1].split("### Not determined", 1)[0]
    lines = [line for line in appendix.splitlines() if line.startswith("- skipped: ")]
    assert len(lines) == 1 and lines[0].count("`static/b") == render_markdown.MAX_LISTED
    assert f"… and {7 - render_markdown.MAX_LISTED} more skipped files (JSON and HTML list them all)." in appendix
    assert len(json.loads(render_json.render(report))["skipped"]) == 7
