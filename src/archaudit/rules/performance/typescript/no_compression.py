"""TS125 ts-no-response-compression.

JSON lists and pages compress five to ten times; a Node server sends them as they are unless a
middleware (compression, @fastify/compress, koa-compress) or something in front (an nginx with
`gzip on`, Caddy's `encode`, a Traefik `compress` middleware, a CDN) compresses them. What stands in
front is often outside the repository: when the deployment shows no proxy, the claim is "not
determined" rather than a finding.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from archaudit.detect.api.ts_apps import find_ts_apps, importers
from archaudit.detect.deploy.proxy import front_proxy, tls_front
from archaudit.findings import Axis, Evidence, Hit, Message, Premise, Severity
from archaudit.repo import Repo
from archaudit.rules.base import Rule

COMPRESSION_MODULES = ("compression", "@fastify/compress", "fastify-compress", "koa-compress", "shrink-ray-current",
                       "@koa/compress", "express-static-gzip", "zlib", "node:zlib")
# a proxy or platform configuration that compresses: nginx gzip/brotli, Caddy encode, Traefik compress
_PROXY_COMPRESSES = re.compile(r"^\s*(gzip|brotli)\s+on\b|^\s*encode\s+(gzip|zstd|br)\b|\bcompress\s*:|"
                               r"\.compress\s*=|\bcompress\s*=\s*true\b", re.MULTILINE | re.IGNORECASE)


def _compressed_in_front(repo: Repo) -> bool:
    """A deploy or config file (or *.conf) of the tree turns compression on at a proxy."""
    for f in repo.files:
        proxy_file = f.role in ("deploy", "config") or f.path.endswith(".conf") or "nginx" in f.path.lower()
        if proxy_file and _PROXY_COMPRESSES.search(repo.text(f.path) or ""):
            return True
    return False


def check(repo: Repo) -> Iterator[Hit]:
    """Reads the HTTP applications created in serving code (NestFactory.create, express(), new Koa(),
    fastify()), not hybrid microservices; reports them (one finding for the repository) when no serving
    file imports a compression middleware (compression, @fastify/compress, koa-compress...) or zlib, and no
    proxy configuration of the tree turns compression on. The premise that nothing in front compresses is
    established only when the deployment shows a reverse proxy (whose configuration is then read);
    otherwise, or with a TLS platform in front (it may compress), the finding is not determined."""
    apps = [a for a in repo.derived(find_ts_apps) if not a.microservice]
    if not apps or importers(repo, COMPRESSION_MODULES) or _compressed_in_front(repo):
        return
    proxy = front_proxy(repo)
    platform = tls_front(repo)
    if proxy is not None:
        premise = Premise(Message("the reverse proxy the deployment shows does not turn compression on"),
                          evidence=(Evidence(proxy.path, proxy.line),))
    elif platform is not None:
        premise = Premise.unknown(Message("nothing in front of the application compresses responses"),
                                  Message("the platform the deployment uses ({path}) may compress them",
                                          path=platform.path))
    else:
        premise = Premise.unknown(Message("nothing in front of the application compresses responses"),
                                  Message("the repository does not show what stands in front of the application "
                                          "(a proxy, load balancer or CDN may compress)"))
    for app in apps:
        yield Hit(app.file, app.line,
                  Message("The {framework} application sends uncompressed responses: no compression middleware "
                          "is used and no proxy configuration in the repository compresses.",
                          framework=app.framework),
                  key="no-compression", premises=(premise,))


RULE = Rule(
    id="TS125",
    name="ts-no-response-compression",
    axis=Axis.PERFORMANCE,
    severity=Severity.LOW,
    title="Responses are not compressed (TypeScript backend)",
    impact="JSON lists and pages travel at full size: slower responses on mobile and distant clients, and more "
           "egress, for text that compresses several times over.",
    action="Apply compression at bootstrap (app.use(compression()), @fastify/compress, koa-compress), or turn it "
           "on at the reverse proxy (nginx `gzip on` with gzip_types for JSON) and keep that configuration in "
           "the repository.",
    check=check,
    aggregate="repository",
    absence_in=frozenset({"typescript", "javascript"}),  # an unparsed file may hold what it says is absent
    example_bad="const app = express()\napp.use(express.json())\napp.listen(3000)",
    example_good="const app = express()\napp.use(compression())\napp.use(express.json())\napp.listen(3000)",
)
