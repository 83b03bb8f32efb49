"""Reverse proxies the repository's deployment shows in front of the application.

nginx refuses request bodies over `client_max_body_size` (1 MiB when the directive is absent), so an
nginx configuration in the repository, or an nginx image in a compose file, limits what reaches the
application (`body_limit_proxy`); Traefik, Caddy and cloud load balancers have no such default.
Any reverse proxy or ingress (nginx, Traefik, Caddy, HAProxy, Envoy, a Kubernetes Ingress) may route
by Host and terminate TLS (`front_proxy`): rules about Host checks and HTTPS then stay silent.
"""

from __future__ import annotations

import re

from archaudit.findings import Evidence
from archaudit.repo import Repo
from archaudit.resolve.context import Context, context_of

_NGINX_FILE = re.compile(r"(^|/)([^/]*nginx[^/]*(/[^/.]+)?|[^/]*\.conf|[^/]*\.conf\.template)$", re.IGNORECASE)
_COMPOSE = re.compile(r"(^|/)[^/]*compose[^/]*\.ya?ml$")
_NGINX_IMAGE = re.compile(r"^\s*image:\s*['\"]?(\S*/)?nginx\b", re.MULTILINE)
_LIMIT = re.compile(r"\bclient_max_body_size\b")
_SERVER_BLOCK = re.compile(r"\bserver\s*\{")


def body_limit_proxy(repo: Repo) -> Evidence | None:
    """Where the deployment shows nginx in front (a configuration with a server block or
    client_max_body_size, or an nginx image in a compose file), memoised; None when none is shown."""
    return repo.derived(_find)


def _find(repo: Repo) -> Evidence | None:
    for f in repo.files:
        if f.role == "test" or context_of(repo, f.path) not in (Context.PRODUCTION,):
            continue
        if not (_NGINX_FILE.search(f.path) or _COMPOSE.search(f.path)):
            continue
        text = repo.text(f.path) or ""
        for pattern in (_LIMIT, _SERVER_BLOCK) if not _COMPOSE.search(f.path) else (_NGINX_IMAGE,):
            m = pattern.search(text)
            if m:
                return Evidence(f.path, text.count("\n", 0, m.start()) + 1)
    return None


_PROXY_IMAGE = re.compile(r"^\s*image:\s*['\"]?(\S*/)?(nginx|traefik|caddy|haproxy|envoy)\b", re.MULTILINE)
_INGRESS = re.compile(r"^kind:\s*(Ingress|IngressRoute|HTTPRoute|Gateway)\b|traefik\.http\.routers", re.MULTILINE)
_PROXY_FILE = re.compile(r"(^|/)(Caddyfile|haproxy\.cfg|traefik\.ya?ml|envoy\.ya?ml)$")
_DEPLOY = re.compile(r"(^|/)(Dockerfile[^/]*|[^/]*compose[^/]*\.ya?ml|Procfile|fly\.toml|app\.ya?ml|render\.ya?ml|"
                     r"[^/]*\.service|supervisord\.conf|[^/]*\.ya?ml)$")
_DEPLOY_YAML = re.compile(r"^(kind:|services:)", re.MULTILINE)


def front_proxy(repo: Repo) -> Evidence | None:
    """Where the deployment shows a reverse proxy or ingress in front of the application (memoised)."""
    return repo.derived(_find_front)


def _find_front(repo: Repo) -> Evidence | None:
    nginx = body_limit_proxy(repo)
    if nginx is not None:
        return nginx
    for f in repo.files:
        if f.role == "test" or context_of(repo, f.path) is not Context.PRODUCTION:
            continue
        if _PROXY_FILE.search(f.path):
            return Evidence(f.path, 1)
        if not f.path.endswith((".yml", ".yaml")):
            continue
        text = repo.text(f.path) or ""
        m = _PROXY_IMAGE.search(text) or _INGRESS.search(text)
        if m:
            return Evidence(f.path, text.count("\n", 0, m.start()) + 1)
    return None


def deployment_files(repo: Repo) -> list[str]:
    """Production files that say how the application is deployed: Dockerfiles, compose files, Procfile,
    platform manifests, Kubernetes manifests, supervisor and systemd units (memoised)."""
    return repo.derived(_find_deploy)


def _find_deploy(repo: Repo) -> list[str]:
    out = []
    for f in repo.files:
        if f.role == "test" or context_of(repo, f.path) is not Context.PRODUCTION or not _DEPLOY.search(f.path):
            continue
        if f.path.endswith((".yml", ".yaml")) and not _COMPOSE.search(f.path) and \
                not _DEPLOY_YAML.search(repo.text(f.path) or ""):
            continue  # a YAML file that is neither a compose file nor a Kubernetes manifest
        out.append(f.path)
    return sorted(out)


_RATE_LIMIT_MARKERS = ("limit_req", "ratelimit", "rate-limit", "rate_limit", "throttle")
# an environment file sets variables for the application (RATE_LIMIT_REQUESTS=100): it limits nothing by
# itself, and code that reads those variables is named for the limiter (credited there)
_DOTENV = re.compile(r"(^|/)\.env([.\w-]*)$|\.env$")


def rate_limited_by_proxy(repo: Repo) -> bool:
    """A proxy or gateway rule limits request rates (nginx limit_req, Traefik/Kong rate-limit) in a
    deploy or config file: the one place both the Python and the TypeScript rate-limit rules ask."""
    return repo.derived(_rate_limited)


def _rate_limited(repo: Repo) -> bool:
    for f in repo.files:
        if (f.role in ("deploy", "config") or f.path.endswith(".conf")) and not _DOTENV.search(f.path):
            text = (repo.text(f.path) or "").lower()
            if any(m in text for m in _RATE_LIMIT_MARKERS):
                return True
    return False


# platforms that terminate TLS themselves and may redirect to HTTPS or add HSTS on their own domains
_TLS_PLATFORM = re.compile(r"(^|/)(vercel\.json|netlify\.toml|firebase\.json|fly\.toml|app\.ya?ml|now\.json|"
                           r"render\.ya?ml|railway\.(json|toml)|Procfile|heroku\.yml)$")
_SECURITY_HEADERS = ("strict-transport-security", "x-frame-options", "x-content-type-options",
                     "content-security-policy")


def tls_front(repo: Repo) -> Evidence | None:
    """Where the repository shows something in front of the application that may terminate TLS, redirect
    to HTTPS or add security headers: a reverse proxy or ingress (`front_proxy`), or a platform manifest
    (Vercel, Netlify, Firebase Hosting, Fly.io, App Engine, Render, Railway, Heroku), a CI job or
    script deploying to one, or a server started to trust a proxy's forwarded headers. Header and HTTPS
    rules are then not determined: the policy may live there (memoised)."""
    return repo.derived(_find_tls_front)


def _find_tls_front(repo: Repo) -> Evidence | None:
    proxy = front_proxy(repo)
    if proxy is not None:
        return proxy
    for f in repo.files:
        if f.role != "test" and _TLS_PLATFORM.search(f.path) and context_of(repo, f.path) is Context.PRODUCTION:
            return Evidence(f.path, 1)
    for f in repo.files:
        if f.role in ("ci", "deploy") or f.path.endswith(".sh"):
            text = repo.text(f.path) or ""
            m = _PLATFORM_DEPLOY.search(text) or _PROXY_HEADERS.search(text)
            if m:
                return Evidence(f.path, text.count("\n", 0, m.start()) + 1)
    return None


# a CI job or script deploying to a platform that terminates TLS, or a server told to trust a proxy's headers
_PLATFORM_DEPLOY = re.compile(r"\bheroku\b|\bflyctl\b|\bfly deploy\b|\brailway up\b|gcloud run deploy|"
                              r"gcloud app deploy|\bvercel (deploy|--prod)|\bnetlify deploy", re.IGNORECASE)
_PROXY_HEADERS = re.compile(r"--proxy-headers|--forwarded-allow-ips|FORWARDED_ALLOW_IPS", re.IGNORECASE)


def headers_in_config(repo: Repo, headers: tuple[str, ...] = _SECURITY_HEADERS) -> Evidence | None:
    """The first deploy/config file (or *.conf) that names one of `headers` (lower case): a proxy or
    platform configuration setting security headers itself."""
    for f in repo.files:
        if f.role in ("deploy", "config") or f.path.endswith(".conf"):
            text = (repo.text(f.path) or "").lower()
            for h in headers:
                at = text.find(h)
                if at >= 0:
                    return Evidence(f.path, text.count("\n", 0, at) + 1)
    return None
