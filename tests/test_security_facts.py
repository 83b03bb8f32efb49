"""Facts the security/observability rules rely on: extractor additions (.format / concatenated SQL
strings, local SQL variables, the `__main__` block) and the sensitive-endpoint classification."""

from __future__ import annotations

from pathlib import Path

import pytest

from archaudit.detect.api.endpoint import Endpoint
from archaudit.languages.python.extract import extract
from archaudit.languages.python.values import is_formatted_sql
from archaudit.resolve.python_index import import_places
from archaudit.rules.observability._signals import app_anchor, web_backend
from archaudit.rules.security.unguarded_sensitive_route import sensitive_reason
from tests.conftest import repo_of, write_tree

SOURCE = '''\
def find(cur, name, status):
    query = "SELECT id FROM t WHERE name = '" + name + "'"
    label = f"hello {name}"
    cur.execute("SELECT * FROM t WHERE s = '{}'".format(status))
    cur.execute(query)

if __name__ == "__main__":
    find(None, "a", "b")
'''


def test_extractor_records_sql_strings_and_main_block() -> None:
    facts = extract(SOURCE)
    assert [(a["target"], a["line"], a["func"], a["value"]) for a in facts["assigns"]] == [
        ("query", 2, "find", {"$": "+'SELECT id FROM t WHERE name = ''"}),
    ]  # `label` is not SQL: local assignments stay unrecorded
    assert facts["calls"][0]["args"] == [{"$": ".format'SELECT * FROM t WHERE s = '{}''"}]
    assert facts["main_block"] == [7, 8]
    assert extract("x = 1\n")["main_block"] == []


@pytest.mark.parametrize(("value", "expected"), [
    ({"$": "f'\n  select * from t where a = {}'"}, True),
    ({"$": "%'DELETE FROM t WHERE id = %s'"}, True),
    ({"$": "f'Hello {}'"}, False),
    ("SELECT 1", False),
    ({"$": "query"}, False),
])
def test_is_formatted_sql(value: object, expected: bool) -> None:
    assert is_formatted_sql(value) is expected


def _ep(method: str, path: str) -> Endpoint:
    return Endpoint(method=method, path=path, handler="h", file="a.py", line=1, handler_file="a.py",
                    handler_line=1, framework="fastapi", router="router", auth=False)


@pytest.mark.parametrize(("method", "path", "reason"), [
    ("GET", "/api/v1/admin/stats", "administration path"),
    ("DELETE", "/items/{item_id}", "deletes data"),
    ("PATCH", "/users/{user_id}", "modifies user accounts"),
    ("GET", "/users/", "lists user accounts"),
    ("GET", "/users/{user_id}", ""),
    ("POST", "/users/", ""),
    ("POST", "/users/login", ""),
    ("POST", "/auth/password-reset", ""),
    ("DELETE", "/auth/logout", ""),
    ("GET", "/items", ""),
])
def test_sensitive_reason(method: str, path: str, reason: str) -> None:
    assert sensitive_reason(_ep(method, path)) == reason


def test_web_backend_and_anchor_skip_tests(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "tests/test_app.py": "from fastapi.testclient import TestClient\n",
        "app/main.py": "import sentry_sdk\nfrom fastapi import FastAPI\n\napp = FastAPI()\n",
    })
    repo = repo_of(tmp_path)
    assert web_backend(repo) == ("app/main.py", 2)
    assert app_anchor(repo) == ("app/main.py", 4)
    places = repo.derived(import_places)
    assert places["fastapi"] == [("app/main.py", 2)]
    assert places["fastapi.FastAPI"] == [("app/main.py", 2)]
    assert places["sentry_sdk"] == [("app/main.py", 1)]
