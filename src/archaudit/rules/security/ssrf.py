"""SEC114 outbound-request-to-request-url."""

from __future__ import annotations

import re
from collections.abc import Iterator

from archaudit.findings import Axis, Hit, Message, Premise, Severity
from archaudit.repo import Repo
from archaudit.resolve.python_index import calls_within
from archaudit.resolve.typescript_index import ts_facts
from archaudit.rules.base import PYTHON, TYPESCRIPT, Rule
from archaudit.rules.security._sinks import (
    REQUEST,
    Input,
    may_reach_request,
    python_calls,
    python_input,
    ts_input,
    ts_sinks,
)

_METHODS = ("get", "post", "put", "patch", "delete", "head", "options", "request", "stream")
_CLIENTS = (*(f"{lib}.{m}" for lib in ("requests", "httpx", "urllib3") for m in _METHODS),
            "urllib.request.urlopen", "urllib.request.Request", "urllib.urlopen", "urllib2.urlopen")
# a check of the destination in the same function: credited as the allow-list
_GUARD = re.compile(r"(urlparse|urlsplit|hostname|netloc|allow|whitelist|is_safe_url|url_has_allowed_host|"
                    r"validate_?url|is_?valid_?url|ip_address|isAllowed|validateUrl|isSafeUrl|URL)$", re.I)
_FACT = Message("the destination URL comes from the request")
_NO_GUARD = Message("no check of the destination in the same function")


def _python(repo: Repo) -> Iterator[tuple[str, int, str, Input, bool]]:
    for path, call, name in python_calls(repo, *_CLIENTS):
        if not may_reach_request(repo, path, call):
            continue
        position = 1 if name.endswith(".request") and not name.startswith("urllib.") else 0
        found = python_input(repo, path, call, call["name"].rsplit(".", 1)[-1], position, ("url",), host_only=True)
        if found is None or found.state != REQUEST:
            continue
        scope = calls_within(repo, path, call["func"]) if call["func"] else []
        guarded = any(_GUARD.search(c["name"]) for c in scope)
        yield path, call["line"], name, found, guarded


def _typescript(repo: Repo) -> Iterator[tuple[str, int, str, Input, bool]]:
    facts = repo.derived(ts_facts)
    for path, s in ts_sinks(repo, "http"):
        found = ts_input(s)
        if found.state != REQUEST:
            continue
        guarded = any(_GUARD.search(c["callee"]) for c in facts[path]["calls"] if c["func"] == s["func"] and s["func"])
        yield path, s["line"], s["callee"], found, guarded


def check(repo: Repo) -> Iterator[Hit]:
    """Looks at outbound HTTP calls (requests, httpx, urllib; axios, got, fetch, http(s).request,
    NestJS HttpService) whose destination is taken from the request: the host-deciding part of
    the URL (the whole value, or the head of an f-string / template / concatenation) is followed
    one step to request data or a route handler's parameter. A URL whose literal head fixes the
    host (`https://api.example.com/{id}`) is silent, and so is any destination whose source is not
    established (most outbound clients build URLs from settings), and so is a call in a function
    that parses or checks the URL (urlparse, an allow-list helper): the guard is credited."""
    for path, line, callee, found, guarded in (*_python(repo), *_typescript(repo)):
        if not guarded:
            yield Hit(path, line, Message("{callee}() sends a request to a URL taken from {what}, and the function "
                                          "never checks the destination.",
                                          callee=callee, what=found.what),
                      key=callee, premises=(Premise(_FACT), Premise(_NO_GUARD)))


RULE = Rule(
    id="SEC114",
    name="outbound-request-to-request-url",
    axis=Axis.SECURITY,
    severity=Severity.HIGH,
    title="Outbound request to a URL taken from the request (SSRF)",
    impact="A caller can make the server reach internal services, cloud metadata endpoints or other hosts on "
           "its network, and read the answers.",
    action="Check the destination against an allow-list of hosts (after resolving it, refusing private and "
           "link-local addresses) before sending, or build the URL from an identifier on a fixed host.",
    check=check,
    languages=PYTHON | TYPESCRIPT,
    example_bad='requests.get(request.args["url"], timeout=5)',
    example_good='if urlparse(url).hostname not in ALLOWED_HOSTS: abort(400)\nrequests.get(url, timeout=5)',
)
