"""Rules measured below the precision bar on the ecosystem corpus run only with --preview, and the
report says which were held back."""

from __future__ import annotations

from pathlib import Path

import pytest

from archaudit.rules import base
from archaudit.run import Options, audit
from tests.conftest import write_tree

FILES = {"app/settings.py": 'import os\nSECRET_KEY = os.environ.get("SECRET_KEY", "dev-secret-123")\n'}


def _rules_fired(root: Path, preview: bool) -> tuple[set[str], list[str]]:
    report = audit(root, Options(use_cache=False, jobs=1, preview=preview))
    return {f.rule for f in report.findings}, [u.why for u in report.undetermined if u.topic == "rules in preview"]


def test_a_rule_below_the_bar_runs_only_in_preview(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_tree(tmp_path, FILES)
    monkeypatch.setattr(base, "measured_precision", dict)  # nothing measured: every rule runs
    fired, held = _rules_fired(root, preview=False)
    assert "CFG002" in fired and not held
    monkeypatch.setattr(base, "measured_precision", lambda: {"CFG002": {"judged": 20, "true": 10, "precision": 0.5}})
    fired, held = _rules_fired(root, preview=False)
    assert "CFG002" not in fired
    assert held and "CFG002" in held[0]
    fired, held = _rules_fired(root, preview=True)
    assert "CFG002" in fired and not held


def test_shipped_precision_figures_are_well_formed() -> None:
    for rule_id, figure in base.measured_precision().items():
        assert set(figure) == {"judged", "true", "precision"}, rule_id
        assert 0 <= int(figure["true"] or 0) <= int(figure["judged"] or 0)
