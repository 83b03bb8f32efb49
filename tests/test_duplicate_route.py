"""MOD005: two Flask registrations of one rule are a duplicate, unless the second is an alias the
code builds URLs for (url_for with its endpoint name)."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import report_of, write_tree

VIEWS = '''from flask import Blueprint, Flask, url_for

views = Blueprint("views", __name__)


@views.route("/themes/<theme>/static/<path:path>")
def themes(theme, path):
    return path


@views.route("/themes/<theme>/static/<path:path>")
def themes_beta(theme, path):
    return path


def asset(theme, path):
    return url_for({endpoint!r}, theme=theme, path=path)


app = Flask(__name__)
app.register_blueprint(views)
'''


def _mod005(tmp_path: Path, endpoint: str) -> list[tuple[str, int]]:
    root = write_tree(tmp_path, {"app.py": VIEWS.format(endpoint=endpoint), "requirements.txt": "flask==3.0.0\n"})
    return [(f.evidence[0].path, f.evidence[0].line) for f in report_of(root).findings if f.rule == "MOD005"]


def test_a_second_registration_nobody_builds_urls_for_is_a_duplicate(tmp_path: Path) -> None:
    assert _mod005(tmp_path, "views.themes") == [("app.py", 11)]


def test_a_second_registration_kept_as_a_url_for_alias_is_not_reported(tmp_path: Path) -> None:
    assert _mod005(tmp_path, "views.themes_beta") == []
