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
        "app/main.py": "from flask import Flask\nfrom app.views import bp\n\napp = Flask(__name__)\n"
                       "app.register_blueprint(bp)\n",
    })
    found = {(f.evidence[0].path, f.evidence[0].line) for f in report_of(tmp_path).findings if f.rule == "SEC004"}
    assert found == {
        ("app/views.py", 17),  # /admin/stats renders the admin page with no guard
        ("app/views.py", 28),  # /members lists accounts: @timed checks nothing
        ("app/views.py", 39),  # any user updated by id
    }


def test_a_route_whose_router_is_never_mounted_is_not_determined_not_unguarded(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {
        "requirements.txt": "fastapi==0.110.0\n",
        "app/__init__.py": "",
        "app/main.py": "from fastapi import Depends, FastAPI\nfrom app.auth import user\napp = FastAPI()\n\n"
                       "@app.get('/me')\ndef me(u=Depends(user)):\n    return u\n",
        "app/auth.py": "def user():\n    return 1\n",
        "app/admin.py": "from fastapi import APIRouter\nrouter = APIRouter()\n\n"
                        "@router.delete('/admin/users/{uid}')\ndef drop(uid: int):\n    return uid\n",
    })
    report = report_of(root)
    assert not [f for f in report.findings if f.rule == "SEC004"]
    [claim] = [u for u in report.undetermined if u.rule == "SEC004"]
    assert claim.evidence[0].ref == "app/admin.py:4" and "not mounted" in claim.why


def test_an_unguarded_mounted_route_shows_its_chain_of_evidence(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {
        "requirements.txt": "fastapi==0.110.0\n",
        "app/__init__.py": "",
        "app/main.py": "from fastapi import Depends, FastAPI\nfrom app.auth import user\nfrom app.admin import router\n"
                       "app = FastAPI()\napp.include_router(router)\n\n"
                       "@app.get('/me')\ndef me(u=Depends(user)):\n    return u\n",
        "app/auth.py": "def user():\n    return 1\n",
        "app/admin.py": "from fastapi import APIRouter\nrouter = APIRouter()\n\n"
                        "@router.delete('/admin/users/{uid}')\ndef drop(uid: int):\n    return uid\n",
    })
    [finding] = [f for f in report_of(root).findings if f.rule == "SEC004"]
    assert finding.evidence[0].ref == "app/admin.py:4"
    facts = [p.fact for p in finding.premises]
    assert facts[0].startswith("the route is served by the application") and len(facts) == 3
    assert finding.premises[2].evidence[0].ref == "app/main.py:7"


SETUP = """from fastapi import APIRouter, FastAPI


def create_application(router: APIRouter) -> FastAPI:
    application = FastAPI()
    application.include_router(router)
    return application
"""
API = """from fastapi import APIRouter, Depends
from app.auth import user
router = APIRouter(prefix='/api')

@router.get('/me')
def me(u=Depends(user)):
    return u

@router.delete('/admin/users/{uid}')
def drop(uid: int):
    return uid
"""


def test_a_router_mounted_by_an_application_factory_is_followed_one_call_deep(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {
        "requirements.txt": "fastapi==0.110.0\n", "app/__init__.py": "", "app/setup.py": SETUP, "app/api.py": API,
        "app/auth.py": "def user():\n    return 1\n",
        "app/main.py": "from app.api import router\nfrom app.setup import create_application\n\n"
                       "app = create_application(router=router)\n",
    })
    report = report_of(root)
    assert [(f.evidence[0].ref) for f in report.findings if f.rule == "SEC004"] == ["app/api.py:9"]
    api = next(s for s in report.sections if s.key == "api")
    assert not [u for u in api.undetermined if "could not be resolved" in u]
