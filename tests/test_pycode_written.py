"""The written-name call lookups of detect/pycode.py agree with a scan of every call."""

from __future__ import annotations

from pathlib import Path

from archaudit.resolve.python_index import calls_written, first_call, qualified_names_ending, written_methods_ending
from tests.conftest import repo_of, write_tree

_FILES: dict[str, str | bytes] = {
    "app/__init__.py": "",
    "app/a.py": (
        "from sqlalchemy import create_engine as make_engine\n"
        "from myfw import FastAPI as MyFastAPI\n"
        "import logging\n"
        "engine = make_engine('sqlite://')\n"
        "app = MyFastAPI(debug=True)\n"
        "logging.basicConfig()\n"
        "@app.get('/')\n"
        "def home():\n"
        "    return create_engine('x')\n"
    ),
    "app/b.py": "from werkzeug import run as create_engine\ncreate_engine()\ndb.create_engine('y')\n",
    "app/c.py": "engine = (create_engine('a')\n          if settings.get('x')\n          else None)\n",
}


def test_calls_written_matches_a_scan(tmp_path: Path) -> None:
    repo = repo_of(write_tree(tmp_path, _FILES))
    got = sorted((p, c["line"], c["name"], q) for p, c, q in calls_written(repo, "create_engine", "make_engine"))
    assert got == [("app/a.py", 4, "make_engine", "sqlalchemy.create_engine"),
                   ("app/a.py", 9, "create_engine", "create_engine"),
                   ("app/b.py", 2, "create_engine", "werkzeug.run"),
                   ("app/b.py", 3, "db.create_engine", "db.create_engine"),
                   ("app/c.py", 1, "create_engine", "create_engine")]
    scan = sorted((p, c["line"]) for p, f in repo.python_items() for c in f["calls"]
                  if c["name"].rsplit(".", 1)[-1] in ("create_engine", "make_engine"))
    assert sorted((p, c["line"]) for p, c, _ in calls_written(repo, "create_engine", "make_engine")) == scan


def test_suffix_lookups(tmp_path: Path) -> None:
    repo = repo_of(write_tree(tmp_path, _FILES))
    assert written_methods_ending(repo, "FastAPI") == ["FastAPI", "MyFastAPI"]
    assert [(p, c["line"]) for p, c, _ in calls_written(repo, "MyFastAPI")] == [("app/a.py", 5)]
    assert qualified_names_ending(repo, "create_engine") == ["create_engine", "db.create_engine",
                                                              "sqlalchemy.create_engine"]


def test_first_call_follows_extraction_order(tmp_path: Path) -> None:
    repo = repo_of(write_tree(tmp_path, _FILES))
    refs = [r for r in calls_written(repo, "get", "create_engine") if r[0] == "app/c.py"]
    assert sorted(r[1]["line"] for r in refs) == [1, 2]
    # a conditional expression's test (line 2) is extracted before its body (line 1)
    first = first_call(repo, refs)
    assert first is not None and first[1]["line"] == 2
    assert first_call(repo, []) is None
