"""CFG115 starlette-host-header-trusted."""

from __future__ import annotations

import re
from collections.abc import Iterator

from archaudit.detect.deploy.proxy import deployment_files, front_proxy
from archaudit.findings import Axis, Evidence, Hit, Message, Premise, Severity
from archaudit.languages.python.facts import expr_text, is_expr
from archaudit.repo import Repo
from archaudit.resolve.context import Context, context_of
from archaudit.resolve.python_index import modules_importing
from archaudit.rules.base import Rule

_APPS = ("FastAPI", "fastapi.FastAPI", "Starlette", "starlette.applications.Starlette")
_HOST_CHECKS = frozenset({"TrustedHostMiddleware"})


_SENT_OUT = re.compile(r"forgot|reset|invit|activat|password|magic_link|send_", re.IGNORECASE)


def _absolute_urls(repo: Repo) -> list[Evidence]:
    """Where production code builds an absolute URL from the request: `request.url_for(...)`, a helper
    given the request (`tenant.url_for(request, ...)`), or `request.base_url` passed on, in a function
    whose name says the link leaves the request (a password-reset, invitation or activation e-mail):
    there a poisoned Host reaches another user; in a redirect it only misleads the client that sent it."""
    out: list[tuple[str, int]] = []
    for path, facts in repo.python_items():
        if context_of(repo, path) is not Context.PRODUCTION:
            continue
        for call in facts["calls"]:
            args = [expr_text(a) for a in call["args"] if is_expr(a)]
            from_request = call["name"] == "request.url_for" or any(a.startswith("request.base_url") for a in args) \
                or (call["name"].endswith(".url_for") and "request" in args[:1])
            if from_request and _SENT_OUT.search(call["func"]):
                out.append((path, call["line"]))
    return [Evidence(path, line) for path, line in sorted(out)]


def _app(repo: Repo) -> Evidence | None:
    for path, facts in repo.python_items():
        if context_of(repo, path) is Context.PRODUCTION:
            for call in facts["calls"]:
                if call["name"] in _APPS:
                    return Evidence(path, call["line"])
    return None


def check(repo: Repo) -> Iterator[Hit]:
    """Looks at FastAPI/Starlette applications that build links sent out of the request from the
    request (`request.url_for`, `request.base_url` in a forgot-password, invitation or activation
    function: the Host header decides the domain of the link) while no
    production code names TrustedHostMiddleware. Silent when the deployment in the repository shows a
    reverse proxy or ingress (nginx, Traefik, Caddy, HAProxy, Envoy, a Kubernetes Ingress), which may
    route by Host; not determined when the repository holds no deployment files at all."""
    if not repo.derived(modules_importing).get("fastapi") and not repo.derived(modules_importing).get("starlette"):
        return
    app = _app(repo)
    places = _absolute_urls(repo) if app else []
    if app is None or not places or front_proxy(repo) is not None:
        return
    if any(_HOST_CHECKS.intersection(facts["names"]) for path, facts in repo.python_items()
           if repo.by_path[path].role != "test"):
        return
    deploy = deployment_files(repo)
    shown = Premise(Message("the deployment in the repository shows no reverse proxy routing by Host"),
                    evidence=tuple(Evidence(p, 0) for p in deploy)) if deploy else \
        Premise.unknown(Message("the deployment shows no reverse proxy routing by Host"),
                        Message("the repository holds no deployment files"))
    built = places[0]
    yield Hit(built.path, built.line, Message("A link sent out of the request is built from the request ({ref}) and "
                                              "no TrustedHostMiddleware checks the Host header: it points wherever "
                                              "the client's Host says.",
                                              ref=built.ref),
              key="trusted host", also=tuple(places[1:6]),
              premises=(Premise(Message("a FastAPI/Starlette application serves it"), evidence=(app,)), shown))


RULE = Rule(
    id="CFG115",
    name="starlette-host-header-trusted",
    axis=Axis.CONFIG_SECURITY,
    severity=Severity.LOW,
    title="A FastAPI/Starlette application builds e-mailed links from an unchecked Host header",
    impact="Starlette accepts any Host: a password-reset or invitation link built with request.url_for / "
           "request.base_url can be made to point at an attacker's domain, and the victim's click hands "
           "over the token (Host header poisoning).",
    action="Add TrustedHostMiddleware(allowed_hosts=[...]) from a setting, or build external links from a "
           "configured base URL; at a proxy, route only the known Host names to the application.",
    check=check,
    example_bad='reset_url = request.url_for("reset_password")  # no TrustedHostMiddleware',
    example_good='app.add_middleware(TrustedHostMiddleware, allowed_hosts=settings.ALLOWED_HOSTS)',
)
