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


def test_mod004_names_the_largest_groups_and_counts_the_others(tmp_path: Path) -> None:
    """30 endpoints in 20 groups: the message names the 5 largest (groups of two first) and counts
    the 15 others; the endpoints inventory keeps all 30."""
    head = "from flask import Blueprint\n\napi = Blueprint('api', __name__)\n"
    paths = [f"/g{i:02}/a" for i in range(20)] + [f"/g{i:02}/b" for i in range(10)]
    body = "".join(f"\n\n@api.route('{p}')\ndef r{k}():\n    return 'x'\n" for k, p in enumerate(paths))
    write_tree(tmp_path, {"requirements.txt": "flask==3.0.0\n", "app/__init__.py": "", "app/views.py": head + body})
    report = report_of(tmp_path)
    (f,) = [f for f in report.findings if f.rule == "MOD004"]
    assert "in 20 groups by first path segment; the largest: g00 (2), g01 (2)" in f.message
    assert "g03 (2), g04 (2) and 15 more." in f.message and "g05" not in f.message
    api = next(s for s in report.sections if s.key == "api")
    assert len(next(t for t in api.tables if t.key == "endpoints").rows) == 30
