"""CFG117 fastapi-http-hardening-missing."""

from __future__ import annotations

import re
from collections.abc import Iterator

from archaudit.detect.deploy.proxy import deployment_files, headers_in_config, tls_front
from archaudit.findings import Axis, Evidence, Hit, Message, Premise, Severity
from archaudit.repo import Repo
from archaudit.resolve.context import Context, context_of
from archaudit.resolve.python_index import modules_importing, name_readers
from archaudit.rules.base import Rule

_APPS = ("FastAPI", "fastapi.FastAPI", "Starlette", "starlette.applications.Starlette")
# packages that add security headers to an ASGI app (secure.py, Secweb, ...)
_HEADER_PACKAGES = ("secure", "secweb", "starlette_csp", "fastapi_security_headers", "fastapi_helmet",
                    "starlette_securityheaders", "asgi_csp")
_HEADERS = ("x-frame-options", "x-content-type-options", "content-security-policy", "strict-transport-security")
_HTTPS = frozenset({"HTTPSRedirectMiddleware"})
# code that trusts a proxy's X-Forwarded-* headers is written to run behind one
_PROXY_AWARE = re.compile(r"ProxyHeadersMiddleware|XForwarded|ProxyFix|forwarded_allow_ips|FORWARDED_ALLOW_IPS")


def _apps(repo: Repo) -> list[Evidence]:
    out: list[Evidence] = []
    for path, facts in repo.python_items():
        if context_of(repo, path) is Context.PRODUCTION:
            out.extend(Evidence(path, call["line"]) for call in facts["calls"] if call["name"] in _APPS)
    return out


def _asgi_code(repo: Repo) -> list[str]:
    """Production modules importing fastapi or starlette: where a header middleware would be written."""
    imp = repo.derived(modules_importing)
    paths = set(imp.get("fastapi", [])) | set(imp.get("starlette", []))
    return sorted(p for p in paths if context_of(repo, p) is Context.PRODUCTION)


def _headers_in_code(repo: Repo) -> bool:
    imp = repo.derived(modules_importing)
    if any(context_of(repo, p) is Context.PRODUCTION for pkg in _HEADER_PACKAGES for p in imp.get(pkg, [])):
        return True
    for path in _asgi_code(repo):
        text = (repo.text(path) or "").lower()
        if any(h in text for h in _HEADERS):
            return True
    return False


def _https_in_code(repo: Repo) -> bool:
    readers = repo.derived(name_readers)
    if any(context_of(repo, p) is Context.PRODUCTION for n in _HTTPS for p in readers.get(n, [])):
        return True
    return any("strict-transport-security" in (repo.text(p) or "").lower() for p in _asgi_code(repo))


def _proxy_aware(repo: Repo) -> Evidence | None:
    """Where production code trusts a proxy's forwarded headers (uvicorn's ProxyHeadersMiddleware, a
    X-Forwarded-Host middleware, FORWARDED_ALLOW_IPS): the application is meant to run behind one."""
    for name, paths in repo.derived(name_readers).items():
        if _PROXY_AWARE.search(name):
            for p in paths:
                if context_of(repo, p) is Context.PRODUCTION:
                    return Evidence(p, 0)
    return None


def check(repo: Repo) -> Iterator[Hit]:
    """Looks at FastAPI/Starlette applications created in production code when no production module
    importing fastapi/starlette writes a security header (X-Frame-Options, X-Content-Type-Options, CSP,
    HSTS), no header package is imported (secure, Secweb...), or no HTTPSRedirectMiddleware is named.
    Silent when a proxy or platform configuration in the tree sets those headers; not determined when the
    repository shows a reverse proxy, ingress or TLS-terminating platform in front (Traefik, nginx, a
    Kubernetes Ingress, Vercel, Fly.io, a CI job deploying to Heroku...: the policy may live there;
    code trusting a proxy's forwarded headers counts too) and when it holds no deployment files
    at all (the application is deployed behind something the repository does not show)."""
    apps = _apps(repo)
    if not apps or headers_in_config(repo) is not None:
        return
    missing = []
    if not _headers_in_code(repo):
        missing.append(Message("no security header is set (X-Frame-Options, X-Content-Type-Options, CSP)"))
    if not _https_in_code(repo):
        missing.append(Message("HTTPS is not enforced (no HTTPSRedirectMiddleware, no HSTS header)"))
    if not missing:
        return
    front, deploy = tls_front(repo) or _proxy_aware(repo), deployment_files(repo)
    if front is not None:
        shown = Premise.unknown(Message("nothing in front of the application adds headers or redirects to HTTPS"),
                                Message("the deployment shows a proxy or platform in front ({ref}) that may do it",
                                        ref=front.ref))
    elif deploy:
        shown = Premise(Message("the deployment in the repository shows no reverse proxy or TLS platform"),
                        evidence=tuple(Evidence(p, 0) for p in deploy))
    else:
        shown = Premise.unknown(Message("nothing in front of the application adds headers or redirects to HTTPS"),
                                Message("the repository holds no deployment files"))
    app = apps[0]
    yield Hit(app.path, app.line, Message("The FastAPI/Starlette application answers without HTTP hardening: "
                                          "{missing}.", missing=Message.joined("; ", missing)),
              key="http hardening", also=tuple(apps[1:6]),
              premises=(Premise(Message("a FastAPI/Starlette application is created here"), evidence=(app,)), shown))


RULE = Rule(
    id="CFG117",
    name="fastapi-http-hardening-missing",
    axis=Axis.CONFIG_SECURITY,
    severity=Severity.LOW,
    title="FastAPI/Starlette application without security headers or HTTPS enforcement",
    impact="Starlette adds no security header and serves plain HTTP as readily as HTTPS: pages and API "
           "answers can be framed or content-sniffed, and without a redirect or HSTS a client can be "
           "downgraded to HTTP, where its token or cookie is readable on the path.",
    action="Add a small middleware (or the `secure` package) setting X-Content-Type-Options: nosniff, "
           "X-Frame-Options: DENY and Strict-Transport-Security in production, and HTTPSRedirectMiddleware "
           "unless the TLS-terminating proxy redirects; keep the proxy configuration in the repository.",
    check=check,
    example_bad="app = FastAPI()\napp.add_middleware(CORSMiddleware, allow_origins=settings.CORS_ORIGINS)",
    example_good="app = FastAPI()\napp.add_middleware(HTTPSRedirectMiddleware)\n"
                 "@app.middleware('http')\nasync def headers(request, call_next):\n"
                 "    response = await call_next(request)\n"
                 "    response.headers['X-Content-Type-Options'] = 'nosniff'\n    return response",
)
