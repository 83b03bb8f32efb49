"""MOD004 (monolithic route module): CORS preflight (OPTIONS) declared beside each method is not an
endpoint of its own; a module with more than 25 real endpoints is still reported."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import report_of, write_tree


def _views(count: int, methods: str) -> str:
    head = "from flask import Blueprint\n\napi = Blueprint('api', __name__)\n"
    return head + "".join(f"\n\n@api.route('/alert/r{i}', methods=[{methods}])\ndef r{i}():\n    return 'x'\n"
                          for i in range(count))


def _mod004(root: Path) -> list[str]:
    return [f.evidence[0].ref for f in report_of(root).findings if f.rule == "MOD004"]


def test_mod004_options_beside_each_method_does_not_double_the_count(tmp_path: Path) -> None:
    write_tree(tmp_path, {"requirements.txt": "flask==3.0.0\n", "app/__init__.py": "",
                          "app/views.py": _views(20, "'OPTIONS', 'GET'")})
    assert _mod004(tmp_path) == []


def test_mod004_more_than_25_endpoints_is_reported(tmp_path: Path) -> None:
    write_tree(tmp_path, {"requirements.txt": "flask==3.0.0\n", "app/__init__.py": "",
                          "app/views.py": _views(26, "'OPTIONS', 'GET'")})
    assert _mod004(tmp_path) == ["app/views.py:7"]
