"""The audited repository's own settings ([tool.archaudit] / archaudit.toml) and inline suppressions."""

from __future__ import annotations

from pathlib import Path

import pytest

from archaudit.config import ConfigError, load_config
from tests.conftest import repo_of, report_of, write_tree


def test_defaults_without_configuration(tmp_path: Path) -> None:
    config = load_config(write_tree(tmp_path, {"a.py": "x = 1\n"}))
    assert (config.exclude, config.disable, config.source) == ((), frozenset(), "")


def test_exclude_and_disable_from_pyproject(tmp_path: Path) -> None:
    repo = write_tree(tmp_path, {
        "pyproject.toml": '[tool.archaudit]\nexclude = ["legacy/"]\ndisable = ["doc001"]\n',
        "legacy/old.py": "x = 1\n",
        "app/main.py": "x = 1\n",
    })
    assert sorted(repo_of(repo).python) == ["app/main.py"]
    assert "DOC001" not in {f.rule for f in report_of(repo).findings}


def test_archaudit_toml_wins_and_all_errors_are_reported_together(tmp_path: Path) -> None:
    write_tree(tmp_path, {"archaudit.toml": 'exclude = "x"\ndisable = [1]\ncolour = true\n'})
    with pytest.raises(ConfigError) as err:
        load_config(tmp_path)
    assert str(err.value) == ("archaudit.toml: unknown key 'colour'; exclude must be a list of strings; "
                              "disable must be a list of rule ids")


def test_unknown_rule_ids_are_rejected(tmp_path: Path) -> None:
    write_tree(tmp_path, {"archaudit.toml": 'disable = ["NOPE001"]\n'})
    with pytest.raises(ConfigError, match="unknown rule 'NOPE001'"):
        load_config(tmp_path, known_rules={"DOC001"})
