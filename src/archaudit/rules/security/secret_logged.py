"""SEC101 secret-written-to-logs."""

from __future__ import annotations

import re
from collections.abc import Iterator

from archaudit.findings import Axis, Hit, Message, Severity
from archaudit.languages.python.facts import expr_text, is_expr
from archaudit.repo import Repo
from archaudit.resolve.python_index import is_app_code
from archaudit.resolve.typescript_index import is_ts_test, ts_facts
from archaudit.rules.base import PYTHON, TYPESCRIPT, Rule

# the last name of a read that holds a credential (snake_case; camelCase is folded first)
_SECRET = re.compile(r"(^|_)(secret(_key)?|password|passwd|api_?key|private_?key|access_?key|client_?secret|"
                     r"signing_?key|jwt_?secret|(access|refresh|auth|bearer|id|api|reset|session|jwt)_token)$")
_NOT_SECRET = re.compile(r"^(has|is|use|needs?|requires?|check|valid|min|max|num|show|hide|count|len|csrf|xsrf|"
                         r"expected|with|without|no|allow|enable|disable)_|(^|_)csrf(_|$)")
_REQUEST = re.compile(r"^(self\.)?(request|req|ctx|ctx\.request|flask\.request)\.(headers|META)$")
_TS_LOG = re.compile(r"^(console|(this\.)?_?logger|(this\.)?log|Logger|logging|winston|pino|fastify\.log|app\.log|"
                     r"req\.log|request\.log)\.(log|info|warn|warning|error|debug|verbose|trace|fatal)$")
_SUBSTITUTION = re.compile(r"\$\{\s*([\w$.\[\]'\"]{1,120})\s*\}")
_WRAPPED = re.compile(r"^(data|value|val)$")


def _snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()


def what_is_secret(read: str) -> str:
    """What a logged read reveals ("" when nothing secret): the Authorization header, the request
    headers (they carry it), or a value whose name says it is a credential (SECRET_KEY, password)."""
    if _REQUEST.match(read):
        return Message("every request header (Authorization and cookies included)")
    parts = [p for p in re.split(r"[.\[\]'\"]+", read) if p]
    header = parts[-1].lower().removeprefix("http_") if parts else ""
    if header in ("authorization", "cookie") and len(parts) > 1:
        return Message("the Authorization header") if header == "authorization" else Message("the Cookie header")
    if not parts or (parts[0] in ("self", "this") and len(parts) == 1):
        return ""
    last = parts[-1]
    if _WRAPPED.match(last) and len(parts) > 1:  # form.password.data
        last = parts[-2]
    name = _snake(last)
    if _SECRET.search(name) and not _NOT_SECRET.search(name):
        return last
    return ""


def _python(repo: Repo) -> Iterator[Hit]:
    for path, facts in repo.python_items():
        if not is_app_code(repo, path):
            continue
        for log in facts.get("logs", ()):
            secrets = sorted({w for r in log["reads"] if (w := what_is_secret(r))})
            if secrets:
                yield Hit(path, log["line"], Message("{call}() writes {names} to the output.",
                                                     call=log['call'], names=Message.joined(", ", secrets)),
                          key=log["call"] + ":" + ",".join(secrets))


def _ts_reads(value: object) -> list[str]:
    if isinstance(value, dict) and not is_expr(value):
        return [r for v in value.values() for r in _ts_reads(v)]
    if isinstance(value, list):
        return [r for v in value for r in _ts_reads(v)]
    text = expr_text(value)
    if text.startswith("`"):
        return _SUBSTITUTION.findall(text)
    return [text] if text and "(" not in text else []


def _typescript(repo: Repo) -> Iterator[Hit]:
    for path, facts in sorted(repo.derived(ts_facts).items()):
        if is_ts_test(path):
            continue
        for call in facts["calls"]:
            if not _TS_LOG.match(call["callee"]):
                continue
            secrets = sorted({w for a in call["args"] for r in _ts_reads(a) if (w := what_is_secret(r))})
            if secrets:
                yield Hit(path, call["line"], Message("{callee}() writes {names} to the logs.",
                                                      callee=call['callee'], names=Message.joined(", ", secrets)),
                          key=call["callee"] + ":" + ",".join(secrets))


def check(repo: Repo) -> Iterator[Hit]:
    """Looks at logging and print calls (`logger.info`, `print`, `console.log`, a NestJS `Logger`)
    whose arguments read a credential: a value named like one (`settings.SECRET_KEY`,
    `os.environ["API_KEY"]`, `process.env.JWT_SECRET`, `password`, `access_token`; a bare `token` is
    too often a public value, such as an ACME challenge, to count), the Authorization or Cookie
    header, or the whole request headers. A length, a prefix slice
    (`token[:6]`), a mask or hash helper is not the value and is silent, and so are names that
    only describe one (`token_url`, `password_reset_enabled`, `csrf_token`). Tests, scripts and
    management commands (which print a generated credential on purpose) are not judged."""
    yield from _python(repo)
    yield from _typescript(repo)


RULE = Rule(
    id="SEC101",
    name="secret-written-to-logs",
    axis=Axis.SECURITY,
    severity=Severity.MEDIUM,
    title="A secret or the Authorization header is written to the logs",
    impact="Logs are kept, shipped and read by more people and systems than the secret store: whoever reads them "
           "gets a working credential or a session.",
    action="Log an identifier instead (user id, key name, the last characters), or mask the value with the "
           "logging filter every handler uses.",
    check=check,
    languages=PYTHON | TYPESCRIPT,
    example_bad='logger.info("login %s with %s", email, password)',
    example_good='logger.info("login %s", email)',
)
