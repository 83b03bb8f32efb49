"""The layering of archaudit itself, enforced on its imports (read with `ast`, nothing imported):

    cli -> run -> assemble -> rules -> detect -> resolve -> repo -> languages, scan -> model, findings

Each layer may import only from the layers below it; report renderers import only the Report model.
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
    "model": ("languages", "scan", "repo", "resolve", "detect", "rules", "report", "assemble", "run", "cli"),
    "findings": ("languages", "scan", "repo", "resolve", "detect", "rules", "report", "model", "assemble", "run"),
    "config": ("languages", "scan", "repo", "resolve", "detect", "rules", "report", "assemble", "run", "cli"),
}
REPORT_MAY_IMPORT = {"model", "findings"}


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


def _layer(path: Path) -> str:
    rel = path.relative_to(SRC)
    return rel.parts[0].removesuffix(".py")


def _violations(path: Path) -> list[str]:
    layer = _layer(path)
    bad = []
    for line, target in _imports(path):
        if target == layer:
            continue
        if (layer == "report" and target not in REPORT_MAY_IMPORT) or target in FORBIDDEN.get(layer, ()):
            bad.append(f"{path.relative_to(SRC)}:{line} imports archaudit.{target}")
    return bad


def test_imports_follow_the_layers() -> None:
    sources = sorted(SRC.rglob("*.py"))
    assert len(sources) > 100
    bad = [v for path in sources for v in _violations(path)]
    assert not bad, "layering broken:\n" + "\n".join(bad)


def test_the_contract_catches_a_violation(tmp_path: Path) -> None:
    """The checker itself can fail: an upward import is seen."""
    bad = tmp_path / "x.py"
    bad.write_text("def f():\n    from archaudit.rules import RULES_BY_ID\n")
    assert _imports(bad) == [(2, "rules")]
    assert "rules" in FORBIDDEN["detect"] and "rules" in FORBIDDEN["config"]
