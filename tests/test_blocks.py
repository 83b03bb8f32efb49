"""Block contexts: documentation blocks and environment-guarded branches inside serving files."""

from __future__ import annotations

from pathlib import Path

import pytest

from archaudit.resolve.blocks import block_at, context_at
from archaudit.resolve.context import Context
from tests.conftest import repo_of, report_of, write_tree

# split so that this test file itself holds no token-shaped string
JWT = "eyJ" "hbGciOiJIUzI1NiJ9.eyJzdWIiOiJmYWtlLXVzZXIifQ.FAKEsignature0123456789"
GITHUB = "ghp" "_FAKEfake0123456789FAKEfake0123456789ab"

PY_GUARDS = '''\
import os
from django.conf import settings

if settings.DEBUG:
    a = 1
else:
    b = 2
if os.getenv("ENVIRONMENT") == "production":
    c = 3
else:
    d = 4
if ENV != "production":
    e = 5
if not settings.DEBUG:
    f = 6
if settings.TESTING:
    g = 7
if ENV in ("dev", "local") and x:
    h = 8
if settings.USE_S3:
    i = 9
if ENV == "staging":
    j = 10
'''

TS_GUARDS = '''\
if (process.env.NODE_ENV !== "production") {
  app.use(a);
} else {
  app.use(b);
}
const x = process.env.NODE_ENV === "development"
  ? devValue
  : prodValue;
const y = isProduction ? one : two;
if (config.isDev) {
  app.use(c);
}
'''


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> object:
    root = tmp_path_factory.mktemp("blocks")
    return repo_of(write_tree(root, {"app/settings.py": PY_GUARDS, "src/main.ts": TS_GUARDS}))


@pytest.mark.parametrize(("line", "expected"), [
    (5, Context.DEV), (7, Context.PRODUCTION),  # if settings.DEBUG / else
    (9, Context.PRODUCTION), (11, Context.DEV),  # if ENVIRONMENT == "production" / else
    (13, Context.DEV), (15, Context.PRODUCTION), (17, Context.TEST), (19, Context.DEV),
    (21, Context.PRODUCTION),  # a setting that is not about the environment
    (23, Context.DEV),  # staging is not production
    (4, Context.PRODUCTION),  # the condition line itself
])
def test_python_environment_guards(repo: object, line: int, expected: Context) -> None:
    assert context_at(repo, "app/settings.py", line) is expected  # type: ignore[arg-type]


@pytest.mark.parametrize(("line", "expected"), [
    (2, Context.DEV), (4, Context.PRODUCTION),  # if (NODE_ENV !== "production") {...} else {...}
    (7, Context.DEV), (8, Context.PRODUCTION),  # multi-line ternary on NODE_ENV
    (9, Context.PRODUCTION),  # one-line ternary: both branches share the line
    (11, Context.DEV),  # if (config.isDev)
])
def test_typescript_environment_guards(repo: object, line: int, expected: Context) -> None:
    assert context_at(repo, "src/main.ts", line) is expected  # type: ignore[arg-type]


def test_docstrings_and_api_doc_comments_are_docs(tmp_path: Path) -> None:
    repo = repo_of(write_tree(tmp_path, {
        "app/client.py": f'def f():\n    """Returns:\n\n    {{"token": "{JWT}"}}\n    """\n    return 1\n',
        "src/routes.js": f"/**\n * @swagger\n * example: {JWT}\n */\n// not a doc block: {JWT}\n"
                         "const a = '/api/**/x'; /* plain comment */\n",
    }))
    assert block_at(repo, "app/client.py", 4).context is Context.DOCS  # type: ignore[union-attr]
    assert context_at(repo, "app/client.py", 6) is Context.PRODUCTION
    assert context_at(repo, "src/routes.js", 3) is Context.DOCS
    assert context_at(repo, "src/routes.js", 5) is Context.PRODUCTION


def test_a_file_that_does_not_parse_keeps_its_context(tmp_path: Path) -> None:
    repo = repo_of(write_tree(tmp_path, {"app/x.py": 'if settings.DEBUG:\n    a = (\n'}))
    assert context_at(repo, "app/x.py", 2) is Context.PRODUCTION


def test_committed_secret_in_documentation_blocks_is_not_reported(tmp_path: Path) -> None:
    """A sample token in a @swagger JSDoc example or a docstring is documentation; the same token
    assigned in code, or in a plain comment, is still a committed secret (right file:line)."""
    write_tree(tmp_path, {
        "src/routes/auth.route.js": (
            "const router = require('express').Router();\n"
            "/**\n * @swagger\n * /auth/refresh:\n *   post:\n *     example:\n"
            f" *       refreshToken: {JWT}\n */\n"
            f"const TOKEN = '{GITHUB}';\n"
            "module.exports = router;\n"),
        "app/aws.py": f'def presign():\n    """\n    It looks like this: {{"token": "{JWT}"}}\n    """\n'
                      f'    return 1\n\n\nKEY = "{GITHUB}"\n',
    })
    found = {(f.rule, f.evidence[0].path, f.evidence[0].line) for f in report_of(tmp_path).findings
             if f.rule == "SEC008"}
    assert found == {("SEC008", "src/routes/auth.route.js", 9), ("SEC008", "app/aws.py", 8)}


def test_debug_default_inside_an_environment_guard_is_not_reported(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "app/__init__.py": "",
        "app/config.py": ("import os\nENV = os.getenv('APP_ENV', 'production')\n"
                          "if ENV == 'development':\n    DEBUG = True\n"),
        "other/__init__.py": "",
        "other/config.py": "import os\nif os.getenv('FEATURE'):\n    DEBUG = True\n",
    })
    found = {(f.evidence[0].path, f.evidence[0].line) for f in report_of(tmp_path).findings if f.rule == "CFG001"}
    assert found == {("other/config.py", 3)}


def test_prints_in_debug_branches_are_left_out_of_the_print_count(tmp_path: Path) -> None:
    """One OBS002 hit per file, at its first print: a print under `if DEBUG:` is dev output, so the
    file is reported at its first unguarded print, and a file whose prints are all guarded is not."""
    write_tree(tmp_path, {
        "app/__init__.py": "from flask import Flask\napp = Flask(__name__)\n",
        "app/importer.py": ("from app.settings import DEBUG\n\n\ndef load(x):\n    if DEBUG:\n"
                            "        print('testing', x)\n    try:\n        return int(x)\n"
                            "    except ValueError:\n        print('failed', x)\n"),
        "app/plugins.py": "from django.conf import settings\n\n\ndef load(p):\n    if settings.DEBUG:\n"
                          "        print('plugin', p)\n",
        "app/settings.py": "DEBUG = False\n",
    })
    found = {(f.evidence[0].path, f.evidence[0].line) for f in report_of(tmp_path).findings if f.rule == "OBS002"}
    assert found == {("app/importer.py", 10)}


def test_a_browser_google_key_is_public_by_design(tmp_path: Path) -> None:
    key = "AIz" "aFAKEfake0123456789FAKEfake012345678"
    write_tree(tmp_path, {
        "app/settings.py": f'# replace with your own key\nGOOGLE_MAP_API_KEY = "{key}"\n\n\n\n\n\n'
                           f'TRANSLATE_KEY = "{key}"\n',
    })
    found = {(f.evidence[0].path, f.evidence[0].line) for f in report_of(tmp_path).findings if f.rule == "SEC008"}
    assert found == {("app/settings.py", 8)}  # a server-side Google key stays a committed secret
