"""SEC004: what a sensitive unguarded route is, and the look-alikes that expose nothing."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import report_of, write_tree

DECORATORS = '''\
import functools

from app.user import authed


def check_account_visibility(f):
    @functools.wraps(f)
    def _check(*args, **kwargs):
        if authed():
            return f(*args, **kwargs)
        return "forbidden", 403
    return _check


def timed(f):
    @functools.wraps(f)
    def _timed(*args, **kwargs):
        return f(*args, **kwargs)
    return _timed
'''

VIEWS = '''\
from flask import Blueprint, redirect, render_template, url_for
from flask_login import login_required

from app.decorators import check_account_visibility, timed
from app.user import is_admin

bp = Blueprint("views", __name__)


@bp.route("/admin")
def admin_entry():
    if is_admin():
        return redirect(url_for("views.stats"))
    return redirect(url_for("auth.login"))


@bp.route("/admin/stats")
def stats():
    return render_template("stats.html")


@bp.route("/users")
@check_account_visibility
def listing():
    return render_template("users.html")


@bp.route("/members")
@timed
def members():
    return render_template("members.html")


@bp.route("/users/create", methods=["POST"])
def create_user():
    return "created", 201


@bp.route("/users/<int:user_id>/update", methods=["POST"])
def update_user(user_id):
    return "updated"


@bp.route("/profile")
@login_required
def profile():
    return render_template("profile.html")
'''


def test_sensitive_routes_without_guard(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "app/__init__.py": "",
        "app/user.py": "def authed():\n    return True\n\n\ndef is_admin():\n    return False\n",
        "app/decorators.py": DECORATORS,
        "app/views.py": VIEWS,
    })
    found = {(f.evidence[0].path, f.evidence[0].line) for f in report_of(tmp_path).findings if f.rule == "SEC004"}
    assert found == {
        ("app/views.py", 17),  # /admin/stats renders the admin page with no guard
        ("app/views.py", 28),  # /members lists accounts: @timed checks nothing
        ("app/views.py", 39),  # any user updated by id
    }
