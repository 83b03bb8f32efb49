"""CORS premises: credentials matter only when the browser holds cookies or a session; Django CORS
limited by CORS_URLS_REGEX and an unbound flask-cors extension are not "every origin"."""

from __future__ import annotations

from pathlib import Path

from archaudit.rules.config_security import wildcard_cors, wildcard_cors_credentials
from archaudit.rules.engine import run_rules
from tests.conftest import repo_of, write_tree

MAIN = ("from fastapi import FastAPI\nfrom fastapi.middleware.cors import CORSMiddleware\n\napp = FastAPI()\n"
        "app.add_middleware(CORSMiddleware, allow_origins=['*'], allow_credentials=True)\n")


def _rules(root: Path, files: dict[str, str]) -> list[tuple[str, str]]:
    findings, _ = run_rules(repo_of(write_tree(root, files)), [wildcard_cors.RULE, wildcard_cors_credentials.RULE])
    return sorted((f.rule, f.evidence[0].ref) for f in findings)


def test_credentials_with_cookies_is_cfg009(tmp_path: Path) -> None:
    auth = "from fastapi import Response\n\ndef login(response: Response):\n    response.set_cookie('sid', 'x')\n"
    assert _rules(tmp_path, {"app/main.py": MAIN, "app/auth.py": auth}) == [("CFG009", "app/main.py:5")]


def test_credentials_without_cookies_is_only_a_wildcard(tmp_path: Path) -> None:
    auth = "def current_user(authorization: str):\n    return authorization.removeprefix('Token ')\n"
    assert _rules(tmp_path, {"app/main.py": MAIN, "app/auth.py": auth}) == [("CFG003", "app/main.py:5")]


def test_django_cors_limited_by_urls_regex(tmp_path: Path) -> None:
    base = {"manage.py": "import django\n", "shop/__init__.py": ""}
    wild = "CORS_ALLOW_ALL_ORIGINS = True\n"
    assert _rules(tmp_path / "a", {**base, "shop/settings.py": wild}) == [("CFG003", "shop/settings.py:1")]
    limited = wild + "CORS_URLS_REGEX = r'^/api/bookmarklet-import.*$'\n"
    assert _rules(tmp_path / "b", {**base, "shop/settings.py": limited}) == []


def test_unbound_flask_cors_extension(tmp_path: Path) -> None:
    ext = "from flask_cors import CORS\n\ncors = CORS()\n"
    assert _rules(tmp_path / "a", {"app/extensions.py": ext}) == []
    bound = "from flask import Flask\nfrom flask_cors import CORS\n\napp = Flask(__name__)\nCORS(app)\n"
    assert _rules(tmp_path / "b", {"app/main.py": bound}) == [("CFG003", "app/main.py:5")]


def test_the_fast_ambient_credentials_search_finds_what_the_case_insensitive_regex_finds() -> None:
    """`_ambient_in` (lower-case search, non-ASCII characters dropped) agrees with `_AMBIENT.search`,
    also on the four non-ASCII characters IGNORECASE matches to an ASCII letter."""
    from archaudit.rules.config_security._cors import _AMBIENT, _ambient_in

    texts = ["app.use(Cookie())", "EXPRESS-SESSION", "passport.Session()", "cookié", "é cookie", "coo\u212aie",
             "\u017fessionmiddleware", "flask_log\u0130n", "flask_log\u0131n", "no credentials here", "ses sion",
             "django.contrib.sessions", "django_contrib_sessions", "", "ünïcode only"]
    for text in texts:
        assert _ambient_in(text) == bool(_AMBIENT.search(text)), text
    assert _ambient_in("coo\u212aie") and not _ambient_in("cookié".replace("k", "q"))
