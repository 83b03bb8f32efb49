"""Front/back API contract check: the HTTP calls front-end code makes (axios, fetch, ky, api
clients) against the endpoints the backends declare (Python `find_endpoints` + TypeScript
`find_ts_endpoints`).

Paths are normalised before comparing: host and `${BASE_URL}` prefixes dropped, query strings cut,
every parameter (`${id}`, `:id`, `{id}`, `<int:id>`) becomes `{}`. A call matches an endpoint when
the methods agree (or either is ANY) and the endpoint path ends with the call path on a segment
boundary (a client `baseURL` such as `/api/v1` is often set once, elsewhere). The check only runs
when both sides are known, and it says so otherwise.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from archaudit.detect.api.endpoint import Endpoint
from archaudit.detect.api.section import find_endpoints
from archaudit.detect.frontend.packages import front_packages
from archaudit.detect.typescript_backends import find_ts_endpoints
from archaudit.findings import Message
from archaudit.languages.typescript.facts import TsFacts, is_template, template_text
from archaudit.model import Fact, Table
from archaudit.repo import Repo
from archaudit.resolve.typescript_index import is_ts_test, package_of, ts_facts

_VERBS = ("get", "post", "put", "patch", "delete")
_CLIENT_WORDS = re.compile(r"api|http|client|axios|ky|fetcher|request", re.IGNORECASE)
_PARAM = re.compile(r"\$\{[^{}]*+\}|:[A-Za-z_]\w*|\{[^{}]*+\}|<[^<>]*+>")  # no nested brackets: linear


@dataclass(frozen=True, order=True)
class ClientCall:
    path: str  # normalised: /users/{}
    method: str
    raw: str
    file: str
    line: int


def normalize(path: str) -> str:
    """Comparable form of a route or a client URL (see module docstring)."""
    path = re.sub(r"^[a-z]+://[^/]+", "", path.strip())
    path = re.sub(r"^(\$\{[^}]*\})+", "", path)  # ${API_URL}/users -> /users
    path = path.split("?", 1)[0].split("#", 1)[0]
    path = _PARAM.sub("{}", path)
    path = "/" + "/".join(p for p in path.split("/") if p)
    return path


def _url(value: object) -> str | None:
    if isinstance(value, str):
        text = value
    elif is_template(value):
        text = template_text(value)
    else:
        return None
    stripped = re.sub(r"^(\$\{[^}]*\})+", "", text)
    return text if stripped.startswith("/") or re.match(r"^https?://", text) else None


def _calls(path: str, facts: TsFacts) -> list[ClientCall]:
    out = []
    for call in facts["calls"]:
        callee, args = call["callee"], call["args"]
        if not args:
            continue
        base = callee.rsplit(".", 1)[-1]
        receiver = callee[: -len(base) - 1] if "." in callee else ""
        if base in _VERBS and receiver and _CLIENT_WORDS.search(receiver.rsplit(".", 1)[-1]):
            method = base.upper()
        elif callee in ("fetch", "window.fetch", "$fetch", "ofetch", "ky", "axios"):
            opts = args[1] if len(args) > 1 and isinstance(args[1], dict) else {}
            method = str(opts.get("method", "GET")).upper() if isinstance(opts.get("method", "GET"), str) else "ANY"
        else:
            continue  # not an HTTP client call: its first argument is not looked at
        url = _url(args[0])
        if url is None:
            continue
        out.append(ClientCall(normalize(url), method, url, path, call["line"]))
    return out


def find_client_calls(repo: Repo) -> list[ClientCall]:
    """HTTP calls with a literal/template path in front-end packages (tests excluded), sorted."""
    fronts = {pkg.folder for pkg, _ in front_packages(repo)}
    out: list[ClientCall] = []
    for path, facts in repo.derived(ts_facts).items():
        pkg = package_of(repo, path)
        if pkg is not None and pkg.folder in fronts and not is_ts_test(path):
            out += _calls(path, facts)
    return sorted(set(out))


def all_endpoints(repo: Repo) -> list[Endpoint]:
    """Python and TypeScript endpoints together."""
    eps = set(find_ts_endpoints(repo)) | set(find_endpoints(repo))
    return sorted(eps, key=lambda e: e.sort_key)


def _matches(call: ClientCall, ep_path: str, ep_method: str) -> bool:
    if call.method not in ("ANY", ep_method) and ep_method != "ANY":
        return False
    return ep_path == call.path or (ep_path.endswith(call.path) and call.path != "/")


def contract_tables(repo: Repo) -> tuple[list[Fact], tuple[Table, ...]]:
    """Facts and tables of the contract check, or a statement of why it could not run."""
    calls = repo.derived(find_client_calls)
    endpoints = [e for e in all_endpoints(repo) if e.method != "WS"]
    if not calls or not endpoints:
        side = Message("no front-end HTTP call with a literal path") if not calls else Message("no backend endpoint")
        return [Fact(Message("API contract check not run: {side} was found",
                             side=side))], ()
    normalized = [(normalize(e.path), e) for e in endpoints]
    unmatched = [c for c in calls if not any(_matches(c, p, e.method) for p, e in normalized)]
    called = {id(e) for p, e in normalized if any(_matches(c, p, e.method) for c in calls)}
    uncalled = [e for _, e in normalized if id(e) not in called]
    fact = Fact(
        Message("API contract: {n} front-end calls checked against {n2} endpoints; {n3} calls match no endpoint, "
                "{n4} endpoints are called by no front end",
                n=len(calls), n2=len(endpoints), n3=len(unmatched), n4=len(uncalled))
    )
    return [fact], (
        Table(
            "contract_unmatched_calls",
            "Front-end calls matching no endpoint",
            ("method", "url"),
            tuple({"method": c.method, "url": c.raw, "file": c.file, "line": c.line} for c in unmatched),
        ),
        Table(
            "contract_uncalled_endpoints",
            "Endpoints no front end calls",
            ("method", "path", "framework"),
            tuple(
                {"method": e.method, "path": e.path, "framework": e.framework, "file": e.file, "line": e.line}
                for e in uncalled
            ),
        ),
    )
