"""TS121 over a tsconfig chain that leaves the repository: the options it inherits are unknown, so an
unset noImplicitAny is "not determined", never a finding; an explicit false stays a finding."""

from __future__ import annotations

from pathlib import Path

from archaudit.rules.devex.typescript import implicit_any
from archaudit.rules.engine import run_rules
from tests.conftest import repo_of

_SERVER = "import express from 'express';\n\nconst app = express();\napp.listen(3000);\n"


def _repo(tmp_path: Path, tsconfig: str) -> Path:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "server.ts").write_text(_SERVER)
    (tmp_path / "package.json").write_text('{"name": "api", "dependencies": {"express": "^4.0.0"}}')
    (tmp_path / "tsconfig.json").write_text(tsconfig)
    return tmp_path


def test_external_base_makes_unset_flag_undetermined(tmp_path: Path) -> None:
    root = _repo(tmp_path, '{ "extends": "@tsconfig/node20/tsconfig.json", "compilerOptions": {"outDir": "dist"} }')
    findings, undetermined = run_rules(repo_of(root), [implicit_any.RULE])
    assert findings == []
    assert [u.rule for u in undetermined] == ["TS121"]
    assert "@tsconfig/node20" in str(undetermined[0].why)


def test_external_base_does_not_hide_explicit_false(tmp_path: Path) -> None:
    root = _repo(tmp_path, '{ "extends": "@tsconfig/node20/tsconfig.json",\n  "compilerOptions": {\n'
                           '    "noImplicitAny": false\n  }\n}')
    findings, undetermined = run_rules(repo_of(root), [implicit_any.RULE])
    assert [(f.rule, f.evidence[0].path, f.evidence[0].line) for f in findings] == [("TS121", "tsconfig.json", 3)]
    assert undetermined == []
