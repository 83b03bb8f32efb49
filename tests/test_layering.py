"""The layering of archaudit itself, enforced on its imports (read with `ast`, nothing imported):

    cli -> run -> assemble -> rules -> detect -> resolve -> repo -> languages, scan -> model, findings

Each layer may import only from the layers below it; report renderers import only the Report model
and `redact` (the one redaction step every output passes, a leaf importing nothing of archaudit)
and the translator (i18n, a leaf over findings: the reports' languages).
A move that breaks a contract fails here, naming the file and the import."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "archaudit"

# package -> archaudit packages it must never import
FORBIDDEN: dict[str, tuple[str, ...]] = {
    "languages": ("scan", "repo", "resolve", "detect", "rules", "report", "model", "assemble", "run", "cli"),
    "scan": ("languages", "repo", "resolve", "detect", "rules", "report", "assemble", "run", "cli"),
    "resolve": ("detect", "rules", "report", "assemble", "run", "cli"),
    "detect": ("rules", "report", "assemble", "run", "cli", "strengths", "scoring"),
    "rules": ("report", "assemble", "run", "cli", "strengths", "scoring"),
    "architecture_doc": ("rules", "report", "assemble", "run", "cli", "strengths", "scoring"),
    "model": ("languages", "scan", "repo", "resolve", "detect", "rules", "report", "assemble", "run", "cli"),
    "findings": ("languages", "scan", "repo", "resolve", "detect", "rules", "report", "model", "assemble", "run"),
    "redact": ("languages", "scan", "repo", "resolve", "detect", "rules", "report", "model", "findings",
               "assemble", "run", "cli", "config"),
    "config": ("languages", "scan", "repo", "resolve", "detect", "rules", "report", "assemble", "run", "cli"),
    "store": ("languages", "repo", "resolve", "detect", "rules", "report", "assemble", "run", "cli", "recording"),
    "config_files": ("languages", "scan", "repo", "resolve", "detect", "rules", "report", "model", "findings",
                     "assemble", "run", "cli", "config"),
    "gate": ("languages", "scan", "repo", "resolve", "detect", "rules", "report", "assemble", "run", "cli"),
    "i18n": ("languages", "scan", "repo", "resolve", "detect", "rules", "report", "model", "assemble", "run", "cli",
             "config"),
}
REPORT_MAY_IMPORT = {"model", "findings", "redact", "i18n"}


def _imports(path: Path) -> list[tuple[int, str]]:
    """(line, first package under archaudit) of every archaudit import, at any depth."""
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names: list[str] = []
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] if node.module != "archaudit" else [f"archaudit.{a.name}" for a in node.names]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        for name in names:
            parts = name.split(".")
            if parts[0] == "archaudit" and len(parts) > 1:
                out.append((node.lineno, parts[1]))
    return out


def _layer(path: Path, root: Path = SRC) -> str:
    return path.relative_to(root).parts[0].removesuffix(".py")


def _violations(path: Path, root: Path = SRC) -> list[str]:
    layer = _layer(path, root)
    bad = []
    for line, target in _imports(path):
        if target == layer:
            continue
        if (layer == "report" and target not in REPORT_MAY_IMPORT) or target in FORBIDDEN.get(layer, ()):
            bad.append(f"{path.relative_to(root)}:{line} imports archaudit.{target}")
    return bad


def test_imports_follow_the_layers() -> None:
    sources = sorted(SRC.rglob("*.py"))
    assert len(sources) > 100
    bad = [v for path in sources for v in _violations(path)]
    assert not bad, "layering broken:\n" + "\n".join(bad)


def test_the_contract_catches_a_violation(tmp_path: Path) -> None:
    """The checker itself can fail: an upward import inside a function, and a renderer reaching
    past the model, are both reported."""
    (tmp_path / "detect").mkdir()
    (tmp_path / "report").mkdir()
    bad = tmp_path / "detect" / "x.py"
    bad.write_text("def f():\n    from archaudit.rules import RULES_BY_ID\n")
    assert _violations(bad, tmp_path) == ["detect/x.py:2 imports archaudit.rules"]
    renderer = tmp_path / "report" / "y.py"
    renderer.write_text("from archaudit.model import Report\nfrom archaudit.repo import Repo\n")
    assert _violations(renderer, tmp_path) == ["report/y.py:2 imports archaudit.repo"]
