"""DX102 adhoc-test-script-at-root."""

from __future__ import annotations

import re
from collections.abc import Iterator

from archaudit.findings import Axis, Hit, Message, Severity
from archaudit.repo import Repo
from archaudit.resolve.context import ALL
from archaudit.resolve.typescript_index import ts_facts
from archaudit.rules.base import Rule

_PY_NAME = re.compile(r"^(test_\w*|\w+_test|tests?)\.py$")
_TS_NAME = re.compile(r"^(test[-_.]?\w*|\w+[-_.]test)\.[cm]?[jt]s$")
_TS_TEST_CALLS = frozenset({"describe", "it", "test", "suite", "t.test", "tap.test"})


def _python_script(repo: Repo, path: str) -> bool:
    """A module that defines no test (no `test*` function or method, no TestCase) but runs code."""
    facts = repo.python[path]
    if any(fn["name"].startswith("test") for fn in facts["functions"]):
        return False
    if any("TestCase" in b or b.endswith("Test") for c in facts["classes"] for b in c["bases"]):
        return False
    return any(not c["func"] for c in facts["calls"]) or bool(facts["main_block"])


def _ts_script(repo: Repo, path: str) -> bool:
    facts = repo.derived(ts_facts).get(path)
    if facts is None:
        return False
    callees = {c["callee"].split(".", 1)[0] for c in facts["calls"]}
    return not callees & _TS_TEST_CALLS and bool(facts["calls"])


def check(repo: Repo) -> Iterator[Hit]:
    """Looks at the repository root for files named like tests (`test_*.py`, `*_test.py`,
    `test.py`, `test-*.js`) that hold no test: no `test*` function or method, no TestCase, no
    `describe`/`it`/`test` call, but top-level code that runs (calls, a `__main__` block). Such a file is
    a script someone runs by hand against a server or a database; the test runner collects nothing
    from it, or fails on it. Test modules in a tests folder and root files that do define tests are
    silent."""
    for f in repo.files:
        if "/" in f.path:
            continue
        python = _PY_NAME.match(f.path) and f.path in repo.python and _python_script(repo, f.path)
        if python or (_TS_NAME.match(f.path) and _ts_script(repo, f.path)):
            yield Hit(f.path, 1, Message("{path} is named like a test but defines none: it is a script run by hand.",
                                         path=f.path),
                      key="adhoc-test")


RULE = Rule(
    id="DX102",
    name="adhoc-test-script-at-root",
    axis=Axis.DEVELOPER_EXPERIENCE,
    severity=Severity.LOW,
    title="Ad-hoc test scripts at the repository root",
    impact="What they check is run by hand, by whoever remembers them, never by CI; the test runner may collect "
           "them and fail, or skip them silently, and newcomers cannot tell them from the real suite.",
    action="Turn them into tests in the tests folder (assertions, fixtures instead of a live server), or move "
           "them to scripts/ with a name that says what they do.",
    check=check,
    aggregate="repository",
    contexts=ALL,
    example_bad="test_api.py   # import requests; print(requests.get('http://localhost:8000/users').json())",
    example_good="tests/test_api.py   # def test_list_users(client): assert client.get('/users').status_code == 200",
)
