"""TS124 (fixed-500 Express error handler) and TS125 (no response compression): what they leave
"not determined" or silent when a premise is missing."""

from __future__ import annotations

from pathlib import Path

from archaudit.rules import ALL_RULES
from archaudit.rules.engine import run_rules
from tests.conftest import repo_of, write_tree

_RULES = {r.id: r for r in ALL_RULES}
_EXPRESS = '{"name": "api", "dependencies": {"express": "^4.19.0"}}'
_SERVER = "const express = require('express');\nconst app = express();\napp.listen(3000);\n"


def _outcome(root: Path, rule: str) -> tuple[list[str], list[str]]:
    findings, unknown = run_rules(repo_of(root), [_RULES[rule]])
    return ([f"{f.evidence[0].path}:{f.evidence[0].line}" for f in findings],
            [f"{u.evidence[0].path}:{u.evidence[0].line}" for u in unknown])


def test_compression_not_determined_when_the_deployment_shows_nothing_in_front(tmp_path: Path) -> None:
    write_tree(tmp_path, {"package.json": _EXPRESS, "src/server.js": _SERVER})
    assert _outcome(tmp_path, "TS125") == ([], ["src/server.js:2"])


def test_compression_not_determined_behind_a_platform_that_may_compress(tmp_path: Path) -> None:
    write_tree(tmp_path, {"package.json": _EXPRESS, "src/server.js": _SERVER, "fly.toml": "app = 'api'\n"})
    assert _outcome(tmp_path, "TS125") == ([], ["src/server.js:2"])


def test_compression_by_koa_compress_or_a_caddy_encode_is_credited(tmp_path: Path) -> None:
    write_tree(tmp_path, {"package.json": _EXPRESS, "src/server.js": _SERVER,
                          "deploy/Caddyfile": "api.example.com {\n  encode gzip\n  reverse_proxy api:3000\n}\n"})
    assert _outcome(tmp_path, "TS125") == ([], [])


def test_fixed_500_silent_with_a_nest_filter_or_an_unregistered_error_function(tmp_path: Path) -> None:
    handler = "app.use((err, req, res, next) => {\n  res.status(500).send('broke');\n});\n"
    write_tree(tmp_path, {"package.json": _EXPRESS, "src/server.js": _SERVER + handler,
                          "src/errors.js": "module.exports = function onError(err, req, res, next) {\n"
                                           "  res.status(err.status || 500).end();\n};\n"})
    assert _outcome(tmp_path, "TS124") == ([], [])  # onError may be registered under another name
    (tmp_path / "src/errors.js").unlink()
    assert _outcome(tmp_path, "TS124") == (["src/server.js:4"], [])
