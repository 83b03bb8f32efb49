"""SEC003: a JWT decoded without verification is reported only when the token can come from outside."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import report_of, write_tree

AUTH = '''\
import jwt
import requests
from flask import request


def current_user(token):
    claims = jwt.decode(token, options={"verify_signature": False})
    return claims["sub"]


def from_header():
    raw = request.headers["Authorization"].split(" ")[1]
    return jwt.decode(raw, options={"verify_signature": False})


class GoogleTokens:
    def __init__(self, id_token):
        self.id_token = id_token

    def decode_id_token(self):
        id_token = self.id_token
        return jwt.decode(jwt=id_token, options={"verify_signature": False})


def peek_then_verify(token, key):
    header = jwt.decode(token, options={"verify_signature": False})
    return jwt.decode(token, key, algorithms=[header["alg"]])


def fetched():
    tokens = requests.post("https://oauth2.googleapis.com/token", data={}).json()
    return jwt.decode(tokens["id_token"], options={"verify_signature": False})
'''


def test_unverified_decode_of_an_outside_token_only(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app/__init__.py": "", "app/auth.py": AUTH})
    findings = [f for f in report_of(tmp_path).findings if f.rule == "SEC003"]
    assert {(e.path, e.line) for f in findings for e in f.evidence} == {("app/auth.py", 7), ("app/auth.py", 13)}
    assert any("token (parameter of current_user)" in f.message for f in findings)
