"""OBS002: prints the code means (debug branches, console prompts, `print_*` helpers, `# noqa: T201`)
are not findings, one cause repeated in many files (deprecation notices) is one finding, and a
plain print in serving code is still reported at its line."""

from __future__ import annotations

from pathlib import Path

from archaudit.rules import RULES_BY_ID
from archaudit.rules.engine import run_rules
from tests.conftest import repo_of, write_tree

_BASE = {"requirements.txt": "flask\n", "app/__init__.py": "",
         "app/main.py": "from flask import Flask\n\napp = Flask(__name__)\n"}


def findings(tmp_path: Path, files: dict[str, str]) -> list[tuple[str, int, str]]:
    found, failures = run_rules(repo_of(write_tree(tmp_path, {**_BASE, **files})), [RULES_BY_ID["OBS002"]])
    assert not failures
    return sorted((f.evidence[0].path, f.evidence[0].line, f.message) for f in found)


def test_prints_the_code_means_are_not_findings(tmp_path: Path) -> None:
    assert findings(tmp_path, {
        "app/provider.py": "from app.settings import DEBUG\n\n\ndef sync(path):\n    if DEBUG:\n"
                           "        print('checking', path)\n",
        "app/upgrade.py": "def confirm():\n    print('backup first!')\n    return input('go?') == 'y'\n",
        "app/qs.py": "def print_qs(qs):\n    print(qs)\n",
        "app/settings.py": "DEBUG = False\nprint('ephemeral key')  # noqa: T201\n",
    }) == []


def test_a_plain_print_in_serving_code_is_reported(tmp_path: Path) -> None:
    got = findings(tmp_path, {"app/importer.py": "def run(rows):\n    if not rows:\n        return\n"
                                                 "    print('failed to import', rows)\n"})
    assert [(p, line) for p, line, _ in got] == [("app/importer.py", 4)]


def test_deprecation_notices_in_many_files_are_one_finding(tmp_path: Path) -> None:
    shim = ("def old(x):\n    print('app.{0}.old is deprecated.')\n    print('Please switch to app.new')\n"
            "    return x\n")
    got = findings(tmp_path, {"app/a.py": shim.format("a"), "app/b.py": shim.format("b"),
                              "app/c.py": "def f(view):\n    print('Passing a list will be removed in 4.0')\n\n\n"
                                          "def g(view):\n    print('loaded', view)\n"})
    assert [(p, line) for p, line, _ in got] == [("app/a.py", 2), ("app/c.py", 6)]
    assert "5 deprecation notice(s)" in got[0][2] and "also in 2 other file(s): app/b.py, app/c.py" in got[0][2]
