"""Outbound HTTP calls found from behaviour (the calls made), not from package names: which client
library sends them, whether a timeout is given, and the target host when the URL is a literal.

Each library's default timeout decides whether a call without `timeout=` can hang: requests,
urllib and urllib3 have none; httpx defaults to 5 s; aiohttp to 5 min in total (calls through
their sessions are not listed here: a session carries its own configuration).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from archaudit.languages.python.facts import Value, is_expr
from archaudit.repo import Repo
from archaudit.resolve.python_index import calls_named

_VERBS = ("get", "post", "put", "patch", "delete", "head", "options", "request")
# qualified callee -> (library, default timeout in words; "" when the library has none)
CLIENT_CALLS: dict[str, tuple[str, str]] = {
    **{f"requests.{v}": ("requests", "") for v in _VERBS},
    **{f"requests.api.{v}": ("requests", "") for v in _VERBS},
    **{f"httpx.{v}": ("httpx", "5 s") for v in (*_VERBS, "stream")},
    "urllib.request.urlopen": ("urllib", ""),
    "urllib3.request": ("urllib3", ""),
}


@dataclass(frozen=True, order=True)
class OutboundCall:
    path: str
    line: int
    func: str  # enclosing function qualname, "" at module level
    call: str  # the qualified callee, e.g. "requests.get"
    library: str
    timeout: str  # "given", "unknown" (keywords passed as **mapping), or "" when absent
    default_timeout: str  # the library's default in words, "" when it has none
    host: str  # the target host when the URL is a literal (or an f-string with a literal origin), else ""


def host_of(url: Value) -> str:
    """The host of a literal URL, or of an f-string whose scheme and host are written out."""
    text = url if isinstance(url, str) else url["$"][2:-1] if is_expr(url) and url["$"].startswith("f'") else ""
    if not text.startswith(("http://", "https://")):
        return ""
    origin = text.split("/", 3)[2]
    return "" if "{" in origin else (urlsplit("//" + origin).hostname or "")


def find_outbound_calls(repo: Repo) -> list[OutboundCall]:
    """Calls of the module-level request functions of requests, httpx, urllib and urllib3."""
    out = []
    for path, call, name in calls_named(repo, *CLIENT_CALLS):
        library, default = CLIENT_CALLS[name]
        kwargs = call["kwargs"]
        timeout = "given" if "timeout" in kwargs else "unknown" if call.get("star_kwargs") else ""
        if library == "urllib" and len(call["args"]) >= 3:  # urlopen(url, data, timeout)
            timeout = "given"
        url = call["args"][0] if call["args"] else kwargs.get("url")
        out.append(OutboundCall(path, call["line"], call["func"], name, library, timeout, default,
                                host_of(url) if url is not None else ""))
    return sorted(out)
