"""Request body limits a reverse proxy in the repository's deployment sets.

nginx refuses request bodies over `client_max_body_size` (1 MiB when the directive is absent), so an
nginx configuration in the repository, or an nginx image in a compose file, limits what reaches the
application. Traefik, Caddy and cloud load balancers have no such default and do not count.
"""

from __future__ import annotations

import re

from archaudit.findings import Evidence
from archaudit.repo import Repo
from archaudit.resolve.context import Context, context_of

_NGINX_FILE = re.compile(r"(^|/)([^/]*nginx[^/]*|[^/]*\.conf|[^/]*\.conf\.template)$", re.IGNORECASE)
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
