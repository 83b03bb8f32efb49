"""Which configuration and rules an audit uses: the file found upward to the repository root (never
above), `--config`, `--select`/`--ignore` by id or prefix, per-rule severity, case-insensitive
choices, `--exit-zero`, and the configuration stated in every report."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from archaudit.cli import main
from archaudit.config import ConfigError, load_config
from archaudit.config_files import rebase
from archaudit.findings import Severity
from archaudit.rules import RULES_BY_ID
from tests.conftest import report_of, write_tree

_OBS002 = Path(__file__).parent / "fixtures" / "rules" / "OBS002" / "bad" / "app"
PRINTS = {f"app/{rel}": (_OBS002 / rel).read_text() for rel in ("main.py", "services/orders.py")}


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def _json(*args: str) -> dict:  # type: ignore[type-arg]
    code, out, err = run("audit", *args, "--format", "json", "--no-cache", "--quiet")
    assert code == 0, err
    return json.loads(out)  # type: ignore[no-any-return]


def test_a_subfolder_uses_the_repository_roots_configuration(tmp_path: Path) -> None:
    repo = write_tree(tmp_path / "repo", {
        ".git/HEAD": "ref: refs/heads/main\n",
        "pyproject.toml": ('[tool.archaudit]\nexclude = ["services/api/generated/", "other/", "*.gen.py"]\n'
                           'disable = ["DOC001"]\n'),
        "services/api/pyproject.toml": '[project]\nname = "api"\n',  # no [tool.archaudit]: the search goes on
        "services/api/app/main.py": "x = 1\n",
        "services/api/generated/client.py": "x = 1\n",
        "services/api/app/models.gen.py": "x = 1\n",
    })
    config = load_config(repo / "services" / "api", known_rules=RULES_BY_ID)
    assert config.source == "../../pyproject.toml"
    assert config.exclude == ("/generated/", "other/", "*.gen.py")  # anchored ones rebased, the others kept
    data = _json(str(repo / "services" / "api"))
    assert data["configuration"]["source"] == "../../pyproject.toml"
    assert "DOC001" not in {f["rule"] for f in data["findings"]}
    assert data["summary"]["python_files"] == 1


def test_the_search_stops_at_the_repository_root(tmp_path: Path) -> None:
    write_tree(tmp_path, {"pyproject.toml": '[tool.archaudit]\ndisable = ["DOC001"]\n'})  # above the repository
    repo = write_tree(tmp_path / "repo", {".git/HEAD": "ref: refs/heads/main\n", "app/main.py": "x = 1\n"})
    assert load_config(repo / "app").source == ""
    no_git = write_tree(tmp_path / "loose", {"app/main.py": "x = 1\n"})  # outside any repository: itself only
    assert load_config(no_git / "app").source == ""


def test_the_nearest_configuration_wins(tmp_path: Path) -> None:
    repo = write_tree(tmp_path, {".git": "gitdir: /elsewhere\n",  # a worktree's .git file counts too
                                 "archaudit.toml": 'disable = ["DOC001"]\n',
                                 "svc/archaudit.toml": 'disable = ["DOC002"]\n'})
    assert load_config(repo / "svc").disable == {"DOC002"}
    assert load_config(repo).disable == {"DOC001"}


@pytest.mark.parametrize(("pattern", "prefix", "expected"), [
    ("legacy/**", "svc", None), ("svc/legacy/**", "svc", "/legacy/**"), ("/svc/gen/", "svc", "/gen/"),
    ("*.gen.py", "svc", "*.gen.py"), ("fixtures/", "svc", "fixtures/"), ("**/vendor/", "svc/api", "**/vendor/"),
    ("*/gen/", "svc", "/gen/"), ("svc/", "svc", "svc/"), ("svc/api", "svc/api", None),
    ("!svc/keep.py", "svc", "!/keep.py"),
    ("x/y", "", "x/y"),
])
def test_rebase_onto_the_audited_folder(pattern: str, prefix: str, expected: str | None) -> None:
    assert rebase(pattern, prefix) == expected


def test_an_unreadable_pyproject_that_mentions_archaudit_is_refused(tmp_path: Path) -> None:
    """Dropping its settings silently would audit with other rules than the team wrote: exit 2 with the
    reason. One that does not mention archaudit only costs a note (the project's own business)."""
    root = write_tree(tmp_path / "a", {"pyproject.toml": '[tool.archaudit]\ndisable = ["DOC001"\n',
                                       "app/main.py": "x = 1\n"})
    code, _, err = run("audit", str(root), "--no-cache", "--quiet")
    assert code == 2 and "pyproject.toml: not valid TOML" in err and "[tool.archaudit] settings cannot be read" in err
    other = write_tree(tmp_path / "b", {"pyproject.toml": "[project\nname = 1\n", "app/main.py": "x = 1\n"})
    data = _json(str(other))
    assert any(u["topic"] == "archaudit configuration" and "not valid TOML" in u["why"]
               for u in data["not_determined"])


def test_config_option_reads_another_file(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "repo", {"app/main.py": "x = 1\n"})
    settings = write_tree(tmp_path / "ci", {"pyproject.toml": '[tool.archaudit]\ndisable = ["DOC"]\n',
                                            "audit.toml": 'select = ["DOC001"]\n'})
    data = _json(str(root), "--config", str(settings / "pyproject.toml"))
    assert data["configuration"]["disable"] == ["DOC"]
    assert not any(f["rule"].startswith("DOC") for f in data["findings"])
    data = _json(str(root), "--config", str(settings / "audit.toml"))
    assert {f["rule"] for f in data["findings"]} == {"DOC001"}
    code, _, err = run("audit", str(root), "--config", str(tmp_path / "missing.toml"))
    assert code == 2 and "no such file" in err
    write_tree(settings, {"other/pyproject.toml": "[tool.black]\n"})
    code, _, err = run("audit", str(root), "--config", str(settings / "other" / "pyproject.toml"))
    assert code == 2 and "no [tool.archaudit] table in it" in err


def test_select_and_ignore_by_id_or_prefix(tmp_path: Path) -> None:
    root = write_tree(tmp_path, PRINTS)
    everything = {f["rule"] for f in _json(str(root))["findings"]}
    assert {"OBS002", "DOC001"} <= everything
    assert {f["rule"] for f in _json(str(root), "--select", "doc,obs002")["findings"]} == {
        r for r in everything if r.startswith("DOC") or r == "OBS002"}
    data = _json(str(root), "--select", "DOC", "--select", "OBS", "--ignore", "DOC001")
    assert "DOC001" not in {f["rule"] for f in data["findings"]} and "OBS002" in {f["rule"] for f in data["findings"]}
    assert data["configuration"]["select"] == ["DOC", "OBS"] and data["configuration"]["disable"] == ["DOC001"]
    scores = {s["axis"]: s["score"] for s in data["scores"]}
    assert scores["security"] is None  # no selected rule examined it: not evaluated, never 10/10


@pytest.mark.parametrize("args", [["--select", "NOPE"], ["--ignore", "SEC,XYZ9"]])
def test_unknown_rule_ids_on_the_command_line_exit_2(tmp_path: Path, args: list[str]) -> None:
    code, _, err = run("audit", str(write_tree(tmp_path, PRINTS)), *args)
    assert code == 2 and "unknown rule id or prefix" in err and "Traceback" not in err


def test_unknown_selectors_in_the_configuration_exit_2(tmp_path: Path) -> None:
    write_tree(tmp_path, {"archaudit.toml": 'select = ["ZZ"]\n[severity]\nNOPE001 = "low"\nOBS002 = "urgent"\n'})
    with pytest.raises(ConfigError) as err:
        load_config(tmp_path, known_rules=RULES_BY_ID)
    assert str(err.value) == ("archaudit.toml: unknown rule 'ZZ' in select; unknown rule 'NOPE001' in severity; "
                              "severity of OBS002 must be one of critical, high, medium, low, info, not 'urgent'")


def test_a_severity_override_rates_the_findings_and_the_gate(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {**PRINTS, "pyproject.toml": '[tool.archaudit.severity]\nOBS002 = "High"\n'})
    assert load_config(root, known_rules=RULES_BY_ID).severity == (("OBS002", Severity.HIGH),)
    [obs] = [f for f in report_of(root).findings if f.rule == "OBS002"]
    assert obs.severity is Severity.HIGH
    data = _json(str(root))
    assert data["configuration"]["severity"] == {"OBS002": "high"}
    code, _, err = run("audit", str(root), "--fail-on", "HIGH", "--no-cache", "--quiet", "--select", "OBS")
    assert code == 1 and "OBS002  app/services/orders.py:2" in err


def test_choices_are_case_insensitive(tmp_path: Path) -> None:
    root = write_tree(tmp_path, PRINTS)
    assert run("audit", str(root), "--fail-on", "CRITICAL", "--lang", "FR", "--format", "MD", "--no-cache")[0] == 0
    assert run("rules", "--format", "JSON")[0] == 0


def test_exit_zero_reports_but_never_fails(tmp_path: Path) -> None:
    root = write_tree(tmp_path, PRINTS)  # no README: DOC001 (medium)
    code, _, err = run("audit", str(root), "--fail-on", "medium", "--no-cache", "--quiet")
    assert code == 1 and "--fail-on medium failed" in err and "DOC001" in err
    code, _, err = run("audit", str(root), "--fail-on", "medium", "--exit-zero", "--no-cache", "--quiet")
    assert code == 0 and "DOC001" in err and "--exit-zero" in err
    assert run("audit", str(tmp_path / "missing"), "--exit-zero")[0] == 2  # usage errors still exit 2


def test_every_report_states_the_configuration(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {**PRINTS, "archaudit.toml": 'exclude = ["legacy/"]\ndisable = ["DOC002"]\n'})
    for fmt, expected in (("md", "- Settings: `archaudit.toml`"), ("html", "<code>archaudit.toml</code>")):
        code, out, _ = run("audit", str(root), "--format", fmt, "--no-cache", "--quiet")
        assert code == 0 and expected in out and "legacy/" in out and "DOC002" in out
    data = _json(str(root), "--preview")
    assert data["configuration"] == {"source": "archaudit.toml", "exclude": ["legacy/"], "select": [],
                                     "disable": ["DOC002"], "severity": {}, "preview": True, "suppress": []}
    assert _json(str(write_tree(tmp_path / "bare", {"a.py": "x = 1\n"})))["configuration"]["source"].startswith(
        "defaults")


def test_an_empty_directory_is_not_scored(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    data = _json(str(tmp_path / "empty"))
    assert all(s["score"] is None for s in data["scores"]), data["scores"]
    assert data["summary"]["average_score"] is None and data["summary"]["axes_evaluated"] == 0
    docs_only = _json(str(write_tree(tmp_path / "docs", {"notes/a.md": "# notes\n"})))
    scored = {s["axis"]: s["score"] for s in docs_only["scores"] if s["score"] is not None}
    assert scored == {"documentation": 9.0}  # only where a finding (no README) shows something was examined
