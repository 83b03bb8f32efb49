"""Error-handling inventory: which errors have registered handlers, and the custom exception classes."""

from __future__ import annotations

from pathlib import Path

from archaudit.detect.api.error_handlers import (
    ErrorHandler,
    error_facts,
    find_error_handlers,
    find_exception_classes,
)
from tests.conftest import repo_of, write_tree

_FLASK = '''from flask import Flask, jsonify

app = Flask(__name__)


class AppError(Exception):
    pass


class NotFound(AppError):
    pass


class Conflict(AppError):
    pass


@app.errorhandler(404)
def not_found(e):
    return jsonify(error="not found"), 404


@app.errorhandler(AppError)
def app_error(e):
    return jsonify(error=str(e)), 400


app.register_error_handler(500, lambda e: ("boom", 500))
for code in (401, 403):
    app.register_error_handler(code, not_found)
'''

_FASTAPI = '''from fastapi import FastAPI, HTTPException
from fastapi.exceptions import RequestValidationError

app = FastAPI()


@app.exception_handler(RequestValidationError)
async def invalid(request, exc):
    return {"detail": "invalid"}
'''


def test_handlers_of_flask_fastapi_django_drf_and_nest(tmp_path: Path) -> None:
    repo = repo_of(write_tree(tmp_path, {
        "shop/app.py": _FLASK, "api/main.py": _FASTAPI,
        "site/urls.py": "from django.urls import path\n\nhandler404 = 'site.views.missing'\nurlpatterns = []\n",
        "site/settings.py": "REST_FRAMEWORK = {'EXCEPTION_HANDLER': 'site.errors.handler'}\n",
        "nest/src/http.filter.ts": "import { Catch, HttpException } from '@nestjs/common';\n\n"
                                   "@Catch(HttpException)\nexport class HttpFilter {}\n",
        "tests/test_app.py": "from shop.app import app\n\n\n@app.errorhandler(418)\ndef teapot(e):\n    return ''\n",
    }))
    assert find_error_handlers(repo) == [
        ErrorHandler("api/main.py", 7, "FastAPI/Starlette", "RequestValidationError"),
        ErrorHandler("nest/src/http.filter.ts", 3, "NestJS", "HttpException"),
        ErrorHandler("shop/app.py", 18, "Flask", "404"),
        ErrorHandler("shop/app.py", 23, "Flask", "AppError"),
        ErrorHandler("shop/app.py", 28, "Flask", "500"),
        ErrorHandler("shop/app.py", 30, "Flask", "not determined (code)"),
        ErrorHandler("site/settings.py", 1, "Django REST framework", "every API exception (site.errors.handler)"),
        ErrorHandler("site/urls.py", 3, "Django", "404"),
    ]  # the test module's handler for 418 is not the application's
    assert [(c.name, c.base, c.line) for c in find_exception_classes(repo)] == [
        ("AppError", "Exception", 6), ("NotFound", "AppError", 10), ("Conflict", "AppError", 14)]
    texts = [t for t, _ in error_facts(repo, True)]
    assert texts[1] == "3 custom exception classes under 1 root class: AppError (2 direct subclasses)"
    assert "Flask: 404, 500, AppError, not determined (code)" in texts[0]


def test_no_custom_exception_is_stated_only_for_a_served_api(tmp_path: Path) -> None:
    repo = repo_of(write_tree(tmp_path, {"api/main.py": _FASTAPI.replace("@app.exception_handler", "@app.get")}))
    assert find_error_handlers(repo) == []
    assert error_facts(repo, True) == [("No custom exception class is defined in production Python code", [])]
    assert error_facts(repo, False) == []


def test_an_unparsed_module_leaves_the_absence_not_determined(tmp_path: Path) -> None:
    repo = repo_of(write_tree(tmp_path, {"api/main.py": _FASTAPI.replace("@app.exception_handler", "@app.get"),
                                         "api/errors.py": "class Broken(Exception:\n    pass\n"}))
    assert error_facts(repo, True) == [("Whether custom exception classes exist is not determined: 1 Python "
                                        "file(s) could not be parsed", [("api/errors.py", 0)])]


def test_express_error_middleware_inline_and_registered_by_name(tmp_path: Path) -> None:
    repo = repo_of(write_tree(tmp_path, {
        "package.json": '{"name": "api", "dependencies": {"express": "^4.19.0"}}',
        "src/server.js": "const express = require('express');\nconst app = express();\n"
                         "app.use((err, req, res, next) => {\n  res.status(500).send('broke');\n});\n"
                         "app.use(onError);\n",
        "src/errors.js": "function onError(err, req, res, next) {\n"
                         "  res.status(err.statusCode || 500).json({ message: err.message });\n}\n"
                         "function unused(err, req, res, next) { res.sendStatus(404); }\n"
                         "function other(event, a, b, c) {}\nmodule.exports = { onError, unused, other };\n",
        "test/app.test.js": "app.use((err, req, res, next) => res.status(418).end());\n",
    }))
    handlers = find_error_handlers(repo)
    assert [(h.path, h.line, h.framework, str(h.handles)) for h in handlers] == [
        ("src/errors.js", 1, "Express", "every error (answers err.status)"),
        ("src/server.js", 3, "Express", "every error (answers 500)"),
    ]  # `unused` is never passed to .use(); `other` has no (err, req, res, next) signature; tests are left out
