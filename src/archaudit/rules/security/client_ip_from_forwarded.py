"""SEC118 client-ip-from-forwarded-header."""

from __future__ import annotations

import re
from collections.abc import Iterator

from archaudit.findings import Axis, Hit, Message, Severity
from archaudit.languages.typescript.facts import TsFacts
from archaudit.repo import Repo
from archaudit.resolve.context import Context, context_of
from archaudit.resolve.python_index import is_app_code
from archaudit.resolve.typescript_index import is_ts_test, ts_facts
from archaudit.rules.base import PYTHON, TYPESCRIPT, Rule

_HEADER = frozenset({"x-forwarded-for", "http-x-forwarded-for"})
_PY_GETTERS = frozenset({"get", "getlist", "getheader", "get_header", "getall"})
_TS_GETTERS = frozenset({"get", "header", "getHeader", "headers.get"})
# the address of the connection itself: a function reading both is deciding what the client's IP is
_PY_SOCKET = re.compile(r"REMOTE_ADDR|remote_addr|\bclient\.host\b|get_remote_address|peername")
_TS_SOCKET = re.compile(r"remoteAddress|\b(req|request|ctx|ctx\.request)\.ip\b|socket\.remote|connection\.remote")
# signs the function already chooses which entry to trust: the one the nearest proxy appended, a
# configured proxy count or list, a library that applies one
_TRUSTED = re.compile(r"\[\s*-\s*\d+\s*\]|\.pop\(\s*\)|\.at\(\s*-\s*\d|length\s*-\s*\d|trust|NUM_PROXIES|num_proxies|"
                      r"proxy_count|proxies|ProxyFix|ipware|proxy-addr|proxyaddr", re.IGNORECASE)
_MAX_SPAN = 200
# where the address decides something: a helper whose job is the client's IP (what the rest of the code
# trusts as such), or throttling, sign-in and lockout code; an address only passed on or printed is not judged
_IP_HELPER = re.compile(r"(^|_)(client_|remote_|real_|request_|user_)?ip(_?addr(ess)?)?$|"
                        r"(?-i:[a-z](Ip|IP)(Addr(ess)?)?$)|^(client|remote|real|request|user)_?(ip|addr)",
                        re.IGNORECASE)
_DECIDES = re.compile(r"throttl|limiter|rate_?limit|sign_?in|log_?in|lockout|brute|(^|[_./-])auth(?!or)", re.IGNORECASE)
_TS_INDEX = re.compile(r"headers\??\.?\[\s*['\"`]x-forwarded-for", re.IGNORECASE)  # req.headers['x-forwarded-for']
_COMMENT = re.compile(r"(^|\s)(//|#).*$")


def _names_header(value: object) -> bool:
    return isinstance(value, str) and value.strip().lower().replace("_", "-") in _HEADER


def _span_text(repo: Repo, path: str, first: int, last: int) -> str:
    """The function's code, line comments left out (a comment naming `req.ip` reads nothing)."""
    return "\n".join(_COMMENT.sub("", text) for text in repo.lines(path)[first - 1:min(last, first + _MAX_SPAN)])


def _decides(path: str, func: str) -> bool:
    """The function is a client-IP helper, or throttling / sign-in code (by its name or its module's)."""
    name = func.rsplit(".", 1)[-1]
    return bool(_IP_HELPER.search(name) or _DECIDES.search(func) or _DECIDES.search(path.rsplit("/", 1)[-1]))


def _judged(repo: Repo, path: str, first: int, last: int, socket: re.Pattern[str]) -> bool:
    """The function holding the read decides the client's IP (it also reads the connection's address)
    and nothing in it picks a trusted entry."""
    body = _span_text(repo, path, first, last)
    return bool(socket.search(body)) and not _TRUSTED.search(body)


def _python(repo: Repo) -> Iterator[Hit]:
    for path, facts in repo.python_items():
        if not is_app_code(repo, path) or context_of(repo, path) is not Context.PRODUCTION:
            continue
        spans = {f["qualname"]: (f["line"], f["end"]) for f in facts["functions"]}
        seen: set[str] = set()
        for call in facts["calls"]:
            if call["name"].rsplit(".", 1)[-1] not in _PY_GETTERS or not call["args"] or call["func"] in seen:
                continue
            if not _names_header(call["args"][0]) or call["func"] not in spans:
                continue
            if _decides(path, call["func"]) and _judged(repo, path, *spans[call["func"]], _PY_SOCKET):
                seen.add(call["func"])
                yield _hit(path, call["line"], call["func"])


def _ts_spans(facts: TsFacts) -> list[tuple[int, int, str]]:
    spans = [(f["line"], f["end"], f["name"]) for f in facts["functions"]]
    spans += [(m["line"], m["end"], f"{c['name']}.{m['name']}") for c in facts["classes"] for m in c["methods"]]
    return spans


def _enclosing(spans: list[tuple[int, int, str]], line: int) -> tuple[int, int, str] | None:
    inside = [s for s in spans if s[0] <= line <= s[1]]
    return min(inside, key=lambda s: s[1] - s[0]) if inside else None


def _ts_reads(repo: Repo, path: str, facts: TsFacts) -> list[int]:
    """Lines reading the header: `req.get('x-forwarded-for')`, `req.header(...)`, `headers.get(...)`,
    `req.headers['x-forwarded-for']` (a header literal indexing `headers`)."""
    lines = [c["line"] for c in facts["calls"]
             if c["args"] and _names_header(c["args"][0])
             and (c["callee"].rsplit(".", 1)[-1] in _TS_GETTERS or c["callee"].endswith("headers.get"))]
    for h in facts["headers"]:
        if _names_header(h["name"]) and _TS_INDEX.search(repo.line(path, h["line"])):
            lines.append(h["line"])
    return sorted(set(lines))


def _typescript(repo: Repo) -> Iterator[Hit]:
    for path, facts in sorted(repo.derived(ts_facts).items()):
        if is_ts_test(path) or context_of(repo, path) is not Context.PRODUCTION:
            continue
        reads = _ts_reads(repo, path, facts)
        if not reads:
            continue
        spans, seen = _ts_spans(facts), set()
        for line in reads:
            span = _enclosing(spans, line)
            if span is None or span[2] in seen:
                continue
            if _decides(path, span[2]) and _judged(repo, path, span[0], span[1], _TS_SOCKET):
                seen.add(span[2])
                yield _hit(path, line, span[2])


def _hit(path: str, line: int, func: str) -> Hit:
    return Hit(path, line, Message("{func} takes the client's IP address from the X-Forwarded-For header, which the "
                                   "client writes, before the connection's own address, and picks no trusted "
                                   "entry.", func=func), key=func)


def check(repo: Repo) -> Iterator[Hit]:
    """Looks at functions of production code that read the X-Forwarded-For header
    (`request.META.get("HTTP_X_FORWARDED_FOR")`, `request.headers.get("X-Forwarded-For")`,
    `req.headers['x-forwarded-for']`, `req.get(...)`) and also the connection's address (REMOTE_ADDR,
    `request.remote_addr`, `request.client.host`, `req.ip`, `socket.remoteAddress`): the function decides
    what the client's IP is, and prefers a value the client can write. Judged where the address decides
    something: a helper named for the client's IP (`get_client_ip`, `clientIp`), whose callers trust it,
    or throttling, rate-limit, sign-in and lockout code (by function or module name); an address only
    passed on or printed elsewhere is not. Silent when the function picks a
    trusted entry: the last one (`[-1]`, `.pop()`, `.at(-1)`), a configured proxy count or list, ProxyFix,
    django-ipware, Express's `trust proxy`. Whether the proxy in front overwrites the header is not
    visible in code; the finding says what the code trusts. Tests and scripts are not judged."""
    yield from _python(repo)
    yield from _typescript(repo)


RULE = Rule(
    id="SEC118",
    name="client-ip-from-forwarded-header",
    axis=Axis.SECURITY,
    severity=Severity.MEDIUM,
    title="The client's IP address is taken from X-Forwarded-For",
    impact="Any client can send its own X-Forwarded-For: per-IP rate limits, lockouts and allow-lists keyed on it "
           "are bypassed by changing the header, and audit logs record the address the client chose.",
    action="Trust only the entries your own proxies add: configure the number of proxies (Express `trust proxy`, "
           "Werkzeug ProxyFix, django-ipware) and read the address the framework derives, or take the last entry.",
    check=check,
    languages=PYTHON | TYPESCRIPT,
    example_bad="ip = request.META.get('HTTP_X_FORWARDED_FOR', '').split(',')[0] or request.META['REMOTE_ADDR']",
    example_good="app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1)  # then use request.remote_addr",
)
