"""Shared helpers of the configuration rules: development-only settings, settings referenced from
code (`echo=settings.DEBUG`), enclosing `if` blocks, secret-looking names."""

from __future__ import annotations

import itertools
import re
from collections import defaultdict
from typing import Any

from archaudit.detect.config.settings import Setting, find_settings
from archaudit.languages.python.facts import expr_text, is_expr
from archaudit.repo import Repo

_DEV_PIECES = frozenset({"dev", "develop", "development", "local", "test", "tests", "testing", "example",
                         "examples", "sample", "demo", "ci"})
_NON_APP_FOLDERS = frozenset({"examples", "example", "samples", "sample", "demo", "demos", "docs", "fixtures",
                              "tests", "test"})
_DEV_CLASS = ("dev", "local", "test", "example", "sample", "demo")
_SECRET_PIECES = frozenset({"secret", "password", "passwd", "pwd", "token", "credentials", "passphrase",
                            "apikey", "secretkey"})
_KEY_OWNERS = frozenset({"api", "private", "access", "signing", "auth", "encryption", "master", "secret", "jwt"})
_NOT_SECRET_LAST = frozenset({"url", "uri", "path", "file", "dir", "name", "header", "algorithm", "alg", "scheme",
                              "algo", "hash", "length", "len", "min", "max", "expire", "expires", "minutes", "hours",
                              "seconds", "days", "ttl", "lifetime", "prefix", "type", "field", "param", "cookie",
                              "location", "env", "var", "id", "enabled", "required", "rounds", "backend", "endpoint"})


def pieces(name: str) -> list[str]:
    """`JWT_SECRET_KEY` / `jwtSecretKey` -> ["jwt", "secret", "key"]."""
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name)
    return [p for p in re.split(r"[_\-.\s]+", spaced.lower()) if p]


def is_secret_setting(name: str) -> bool:
    """Names of settings that hold a credential (narrower than redaction, which also masks URLs)."""
    parts = pieces(name)
    if not parts or parts[-1] in _NOT_SECRET_LAST:
        return False
    if any(p in _SECRET_PIECES for p in parts):
        return True
    return any(a in _KEY_OWNERS and b == "key" for a, b in itertools.pairwise(parts))


# services the application connects to: their password or key authenticates it to someone else
_OUTBOUND_PIECES = frozenset({"email", "smtp", "mail", "postgres", "postgresql", "mysql", "mariadb", "db", "database",
                              "redis", "rabbitmq", "amqp", "broker", "mongo", "mongodb", "ldap", "s3", "aws", "ftp"})
_GENERIC_OWNERS = frozenset({"api", "app", "application", "secret", "master", "admin", "auth", "internal", "jwt",
                             "access", "refresh", "private", "signing", "encryption", "session", "csrf", "service"})
_PLACEHOLDER = re.compile(
    r"^(?:demo|test|dummy|example|sample|placeholder|changeme|change[-_ ]?me|change[-_ ]?this|secret|password|"
    r"pass|passwd|postgres|mysql|root|admin|user|username|guest|none|null|todo|tbd|x{3,}|\*{3,}|\.{3,}|-{3,})"
    r"(?:[-_ ]?(?:key|token|secret|password|pass|api[-_]?key))?$|^<[^>]*>$|\byour[-_ ]|replace[-_ ]?me",
    re.IGNORECASE)


def is_outbound_credential(name: str) -> bool:
    """A credential the application presents to another service (SMTP, database, broker, a vendor's
    API: `EMAIL_HOST_PASSWORD`, `POSTGRES_PASSWORD`, `FDC_API_KEY`), not one it checks or signs
    with itself (`SECRET_KEY`, `JWT_SECRET`, `ADMIN_PASSWORD`, a bare `API_KEY`)."""
    parts = pieces(name)
    if any(p in _OUTBOUND_PIECES for p in parts):
        return True
    if (len(parts) >= 3 and parts[-2:] == ["api", "key"]) or (len(parts) >= 2 and parts[-1] in ("apikey", "token")):
        return parts[0] not in _GENERIC_OWNERS
    return False


def is_placeholder(value: str) -> bool:
    """A value that stands for "put the real one here" (`DEMO_KEY`, `password`, `changeme`, `<your-key>`)."""
    return bool(_PLACEHOLDER.search(value.strip()))


def is_dev_path(path: str) -> bool:
    """A file meant for development only (settings/dev.py, config/local.py, test_settings.py), or
    living in an examples/, docs/, fixtures/ or tests/ folder."""
    folders = path.split("/")[:-1]
    if any(f.lower() in _NON_APP_FOLDERS for f in folders):
        return True
    stem = path.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    return any(p in _DEV_PIECES for p in pieces(stem))


def is_dev(setting: Setting) -> bool:
    """Declared for development only: in a dev/test settings file or a DevelopmentConfig-like class."""
    if is_dev_path(setting.file):
        return True
    return setting.kind in ("config-class", "pydantic") and setting.source.lower().startswith(_DEV_CLASS)


def not_in_production(setting: Setting) -> bool:
    """Not the value production runs with: declared for development only, re-assigned by a
    production settings module that star-imports this one (`Setting.overridden`), or a field of a
    settings class nothing uses (`Setting.unused`)."""
    return is_dev(setting) or setting.overridden is not None or setting.unused


def _by_name(repo: Repo) -> dict[str, list[Setting]]:
    out: dict[str, list[Setting]] = defaultdict(list)
    for s in find_settings(repo):
        out[s.name].append(s)
    return dict(out)


def settings_named(repo: Repo, name: str) -> list[Setting]:
    return repo.derived(_by_name).get(name, [])


def referenced_setting(repo: Repo, value: Any) -> Setting | None:
    """The declared setting an expression reads (`settings.DEBUG`, `config.CORS_ORIGINS`), if any."""
    text = expr_text(value) if is_expr(value) else ""
    if not re.fullmatch(r"[A-Za-z_][\w.]*", text):
        return None
    candidates = [s for s in settings_named(repo, text.rsplit(".", 1)[-1])
                  if s.kind != "env" and not not_in_production(s)]
    return candidates[0] if candidates else None


def enclosing_header(repo: Repo, path: str, line: int) -> str:
    """The header (`if __name__ == "__main__":`, `def main():`...) of the block holding `line`, or ""
    when the line is at the top level of the module."""
    lines = repo.lines(path)
    if not 0 < line <= len(lines):
        return ""
    own = len(lines[line - 1]) - len(lines[line - 1].lstrip())
    if own == 0:
        return ""
    for raw in reversed(lines[: line - 1]):
        stripped = raw.strip()
        if stripped and not stripped.startswith("#") and len(raw) - len(raw.lstrip()) < own:
            return stripped
    return ""


_OPT_IN = re.compile(r"^if\b.*\b(?:environ|getenv|env)\b.*['\"]((?:ENABLE|USE)_\w+|\w+_(?:ENABLED|ENABLE))['\"]")


def opt_in_block(repo: Repo, path: str, line: int) -> str:
    """The environment switch (`BASIC_AUTH_ENABLED`) of the module-level `if` holding `line`, when the
    line is only run once an operator turns a feature on; "" otherwise."""
    m = _OPT_IN.search(enclosing_header(repo, path, line))
    return m.group(1) if m else ""


def call_text(repo: Repo, path: str, line: int, limit: int = 40) -> str:
    """The source of a call starting on `line`, up to its closing parenthesis (bounded)."""
    lines = repo.lines(path)[line - 1 : line - 1 + limit]
    out, depth = [], 0
    for raw in lines:
        out.append(raw)
        depth += raw.count("(") - raw.count(")")
        if depth <= 0 and "(" in "".join(out):
            break
    return "\n".join(out)
