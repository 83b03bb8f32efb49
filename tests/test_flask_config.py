"""Production's Flask configuration (detect/config/flask_config.py) and the Flask hardening rules'
premises: what they claim when the configuration is known, "not determined" when it is not; the
reverse-proxy premise of the FastAPI/Starlette Host check (CFG115)."""

from __future__ import annotations

from pathlib import Path

from archaudit.detect.config.flask_config import flask_configs
from archaudit.repo import Repo
from archaudit.rules.config_security import flask_session_cookie, flask_upload_limit, starlette_trusted_host
from archaudit.rules.engine import run_rules
from tests.conftest import repo_of, write_tree

_CONFIG = ('import os\n\nclass Config:\n    SECRET_KEY = os.environ["SECRET_KEY"]\n'
           '    SESSION_COOKIE_SECURE = False\n\n'
           'class ProductionConfig(Config):\n    SESSION_COOKIE_SECURE = True\n\n'
           'class DevelopmentConfig(Config):\n    DEBUG = True\n')
_APP = 'from flask import Flask\nfrom flask_login import LoginManager\n{imports}\n\ndef create_app({params}):\n' \
       '    app = Flask(__name__)\n{body}    return app\n'


def _repo(tmp_path: Path, params: str, body: str, imports: str = "") -> Repo:
    return repo_of(write_tree(tmp_path, {"config.py": _CONFIG, "shop/__init__.py": _APP.format(
        imports=imports, params=params, body=body)}))


def test_a_factory_parameter_default_names_the_class(tmp_path: Path) -> None:
    repo = _repo(tmp_path, "config_class=Config", "    app.config.from_object(config_class)\n",
                 "from config import Config")
    [cfg] = flask_configs(repo)
    assert not cfg.unknown and cfg.values["SESSION_COOKIE_SECURE"].value is False
    findings, _ = run_rules(repo, [flask_session_cookie.RULE])
    assert [(f.rule, f.evidence[0].ref) for f in findings] == [("CFG105", "config.py:5")]


def test_the_production_subclass_wins_over_its_base(tmp_path: Path) -> None:
    repo = _repo(tmp_path, "", '    app.config.from_object("config.ProductionConfig")\n')
    [cfg] = flask_configs(repo)
    assert cfg.values["SESSION_COOKIE_SECURE"].line == 8
    assert run_rules(repo, [flask_session_cookie.RULE])[0] == []


def test_a_development_class_is_never_production(tmp_path: Path) -> None:
    repo = _repo(tmp_path, "", '    app.config.from_object("config.ProductionConfig")\n'
                               '    app.config.from_object("config.DevelopmentConfig")\n')
    [cfg] = flask_configs(repo)
    assert "DEBUG" not in cfg.values


def test_a_file_read_at_run_time_is_not_determined(tmp_path: Path) -> None:
    repo = _repo(tmp_path, "", '    app.config.from_object("config.ProductionConfig")\n'
                               '    app.config.from_envvar("SHOP_SETTINGS")\n')
    [cfg] = flask_configs(repo)
    assert "from_envvar" in cfg.unknown
    findings, unknown = run_rules(repo, [flask_session_cookie.RULE])
    assert findings == [] and [u.rule for u in unknown] == ["CFG105"]


def test_an_unresolved_argument_is_not_determined(tmp_path: Path) -> None:
    repo = _repo(tmp_path, "", "    app.config.from_object(load_settings())\n")
    assert flask_configs(repo)[0].unknown


def test_a_key_named_in_a_deployment_file_makes_absence_not_determined(tmp_path: Path) -> None:
    app = ('from flask import Flask, request\napp = Flask(__name__)\n\n@app.post("/f")\ndef f():\n'
           '    return request.files.get("f").filename\n')
    root = write_tree(tmp_path, {"app.py": app, "docker-compose.yml":
                                 "services:\n  web:\n    environment:\n      FLASK_MAX_CONTENT_LENGTH: '1048576'\n"})
    findings, unknown = run_rules(repo_of(root), [flask_upload_limit.RULE])
    assert findings == [] and [u.rule for u in unknown] == ["CFG107"]


def test_nginx_in_front_limits_the_body(tmp_path: Path) -> None:
    app = ('from flask import Flask, request\napp = Flask(__name__)\n\n@app.post("/f")\ndef f():\n'
           '    return request.files.get("f").filename\n')
    root = write_tree(tmp_path, {"app.py": app, "nginx/site.conf": "server {\n  listen 80;\n}\n"})
    assert run_rules(repo_of(root), [flask_upload_limit.RULE]) == ([], [])


def test_a_json_body_read_whole_needs_a_limit_too(tmp_path: Path) -> None:
    app = ('from flask import Flask, request\napp = Flask(__name__)\n\n@app.post("/list")\ndef titles():\n'
           '    return {"n": len(request.get_json().get("titles", []))}\n')
    test = 'from app import app\n\ndef test_list():\n    assert app.test_client().post("/list", json={})\n'
    findings, _ = run_rules(repo_of(write_tree(tmp_path / "bare", {"app.py": app})), [flask_upload_limit.RULE])
    assert [(f.rule, [e.ref for e in f.evidence]) for f in findings] == [("CFG107", ["app.py:2", "app.py:6"])]
    assert "reads JSON request bodies whole (app.py:6)" in findings[0].message
    limited = app.replace("app = Flask(__name__)\n",
                          "app = Flask(__name__)\napp.config['MAX_CONTENT_LENGTH'] = 2**20\n")
    assert run_rules(repo_of(write_tree(tmp_path / "limited", {"app.py": limited})), [flask_upload_limit.RULE]) == \
        ([], [])
    only_tests = {"app.py": app.replace("request.get_json()", "{}"), "tests/test_app.py": test.replace(
        "assert", "assert request.get_json() or")}
    assert run_rules(repo_of(write_tree(tmp_path / "tests", only_tests)), [flask_upload_limit.RULE]) == ([], [])


_FASTAPI = ('from fastapi import FastAPI, Request\napp = FastAPI()\n\n@app.get("/r")\n'
            'async def reset_password(request: Request):\n'
            '    return {"url": str(request.url_for("r"))}\n')


def test_a_proxy_in_the_compose_file_silences_the_host_check(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {"main.py": _FASTAPI, "docker-compose.yml":
                                 "services:\n  proxy:\n    image: traefik:v3.0\n  api:\n    build: .\n"})
    assert run_rules(repo_of(root), [starlette_trusted_host.RULE]) == ([], [])


def test_no_deployment_file_leaves_the_host_check_not_determined(tmp_path: Path) -> None:
    findings, unknown = run_rules(repo_of(write_tree(tmp_path, {"main.py": _FASTAPI})), [starlette_trusted_host.RULE])
    assert findings == [] and [u.rule for u in unknown] == ["CFG115"]


def test_a_redirect_back_to_the_client_is_not_a_link_sent_out(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {"main.py": _FASTAPI.replace("reset_password", "login_redirect"),
                                 "Dockerfile": 'FROM python:3.12\nCMD ["uvicorn", "main:app"]\n'})
    assert run_rules(repo_of(root), [starlette_trusted_host.RULE]) == ([], [])


def test_a_reset_link_behind_no_proxy_fires(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {"main.py": _FASTAPI, "Dockerfile": 'FROM python:3.12\nCMD ["uvicorn", "main:app"]\n'})
    findings, _ = run_rules(repo_of(root), [starlette_trusted_host.RULE])
    assert [(f.rule, f.evidence[0].ref) for f in findings] == [("CFG115", "main.py:6")]
