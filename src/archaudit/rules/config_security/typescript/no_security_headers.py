"""TS101 ts-no-security-headers."""

from __future__ import annotations

from collections.abc import Iterator

from archaudit.detect.api.ts_apps import TsApp, find_ts_apps, importers, serving
from archaudit.findings import Axis, Evidence, Hit, Message, Premise, Severity
from archaudit.repo import Repo
from archaudit.resolve.typescript_index import ts_facts
from archaudit.rules.base import Rule

HEADER_MODULES = ("helmet", "koa-helmet", "@fastify/helmet", "fastify-helmet", "lusca", "hsts", "frameguard",
                  "@koa/helmet", "nestjs-helmet")
_HEADERS = ("x-frame-options", "x-content-type-options", "strict-transport-security", "content-security-policy")


def _headers_set_elsewhere(repo: Repo) -> bool:
    """Security headers written by hand in serving code, or set by a proxy configuration in the tree."""
    for path, facts in repo.derived(ts_facts).items():
        if serving(repo, path) and any(h["name"].lower() in _HEADERS for h in facts["headers"]):
            return True
    for f in repo.files:
        if f.role in ("deploy", "config") or f.path.endswith(".conf"):
            text = (repo.text(f.path) or "").lower()
            if any(h in text for h in _HEADERS):
                return True
    return False


def _premise(app: TsApp) -> Premise:
    if app.unfollowed:
        return Premise.unknown(Message("the application's set-up is visible"),
                               Message("the app is handed to {calls}, whose code is not in the repository and may "
                                       "apply the headers", calls=", ".join(app.unfollowed)))
    return Premise(Message("{framework} application created here",
                           framework=app.framework), evidence=(Evidence(app.file, app.line),))


def check(repo: Repo) -> Iterator[Hit]:
    """Reads the HTTP applications created in serving code (NestFactory.create, express(), new Koa(),
    fastify()) and whether any serving file imports a security-header middleware (helmet, koa-helmet,
    @fastify/helmet, lusca), writes X-Frame-Options / X-Content-Type-Options / HSTS / CSP headers itself,
    or a proxy configuration in the tree sets them. Hybrid NestJS apps that connect a microservice transport
    (internal gRPC/NATS services) are not judged. When none does, each application is reported (one
    finding for the repository); an app handed to set-up code outside the repository is not determined."""
    apps = [a for a in repo.derived(find_ts_apps) if not a.microservice]
    if not apps or importers(repo, HEADER_MODULES) or _headers_set_elsewhere(repo):
        return
    for app in apps:
        yield Hit(app.file, app.line,
                  Message("The {framework} application answers without security headers: no helmet-like middleware "
                          "or header is set anywhere in the repository (no HSTS, nosniff, frame or CSP policy).",
                          framework=app.framework),
                  key="no-security-headers", premises=(_premise(app),))


RULE = Rule(
    id="TS101",
    name="ts-no-security-headers",
    axis=Axis.CONFIG_SECURITY,
    severity=Severity.LOW,
    title="No security headers on the HTTP application (TypeScript backend)",
    impact="Browsers get no HSTS, no nosniff, no framing or content policy: pages and API answers can be "
           "framed (clickjacking), sniffed as another content type, or fetched over a downgraded connection.",
    action="Apply helmet at bootstrap (app.use(helmet()) for Express/NestJS, koa-helmet, @fastify/helmet), or "
           "set the headers at the reverse proxy and keep that configuration in the repository.",
    check=check,
    aggregate="repository",
    example_bad="const app = await NestFactory.create(AppModule)\nawait app.listen(3000)",
    example_good="const app = await NestFactory.create(AppModule)\napp.use(helmet())\nawait app.listen(3000)",
)
