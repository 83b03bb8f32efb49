"""The trust side of the sink and hygiene rules that fixtures alone do not show: what becomes "not
determined" instead of a finding, every place of an aggregated finding, and the parse-time facts."""

from __future__ import annotations

from pathlib import Path

from archaudit.languages.typescript.extract import extract
from archaudit.rules.devex import runtime_artefact
from archaudit.rules.engine import run_rules
from archaudit.rules.security import shell_injection, ssrf, unescaped_html
from tests.conftest import FIXTURES, repo_of, write_tree


def _undetermined(root: Path, rule: object) -> list[tuple[str, int]]:
    findings, unknown = run_rules(repo_of(root), [rule])  # type: ignore[list-item]
    assert not findings
    return [(e.path, e.line) for u in unknown for e in u.evidence]


def test_helper_parameter_is_not_determined(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {"app/run.py": "import subprocess\n\n\ndef run(cmd):\n"
                                                "    subprocess.call(cmd, shell=True)\n"})
    assert _undetermined(root, shell_injection.RULE) == [("app/run.py", 5)]


def test_model_field_marked_safe_is_not_determined(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {"app/admin.py": "from django.utils.safestring import mark_safe\n\n\n"
                                                 "class UserAdmin:\n    def link(self, obj):\n"
                                                 "        return mark_safe(f'<a>{obj.name}</a>')\n"})
    assert _undetermined(root, unescaped_html.RULE) == [("app/admin.py", 6)]


def test_ssrf_is_silent_when_the_source_is_not_established(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {"app/client.py": "import requests\n\n\nclass Client:\n    def get(self, path):\n"
                                                  "        return requests.get(self.base + path, timeout=5)\n"})
    assert run_rules(repo_of(root), [ssrf.RULE]) == ([], [])


def test_every_artefact_is_listed_in_one_finding() -> None:
    findings, _ = run_rules(repo_of(FIXTURES / "rules/DX101/bad"), [runtime_artefact.RULE])
    assert [[e.path for e in f.evidence] for f in findings] == [["celerybeat-schedule", "db.sqlite3", "logs/app.log"]]


def test_typescript_sink_facts_follow_one_step() -> None:
    facts = extract("import { exec } from 'child_process';\n"
                    "export function run(req, res, other) {\n"
                    "  const { cmd } = req.body;\n"
                    "  exec(`ls ${cmd}`);\n"
                    "  exec(other);\n"
                    "  exec(req.user.name);\n"
                    "}\n", "a.ts")
    assert [(s["line"], s["origin"]) for s in facts["sinks"]] == [(4, "request"), (5, "param"), (6, "unknown")]


def test_typescript_env_fallbacks() -> None:
    facts = extract("const a = process.env.JWT_SECRET || 'dev';\nconst b = process.env.PORT ?? 3000;\n"
                    "const c = config.get('API_KEY') || `k`;\n", "a.ts")
    assert [(f["name"], f["line"], f["value"]) for f in facts["env_fallbacks"]] == [("JWT_SECRET", 1, "dev"),
                                                                                     ("API_KEY", 3, "k")]
