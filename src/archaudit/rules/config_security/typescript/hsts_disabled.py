"""TS112 ts-hsts-disabled."""

from __future__ import annotations

from collections.abc import Iterator

from archaudit.detect.api.ts_apps import serving
from archaudit.detect.deploy.proxy import headers_in_config, tls_front
from archaudit.findings import Axis, Evidence, Hit, Message, Premise, Severity
from archaudit.repo import Repo
from archaudit.resolve.typescript_index import ts_facts
from archaudit.rules.base import Rule
from archaudit.rules.config_security._ts_settings import shipped_settings
from archaudit.rules.config_security.typescript.no_security_headers import HEADER_MODULES


def _trusts_proxy(repo: Repo) -> Evidence | None:
    """`app.set('trust proxy', ...)` in serving code: the application is written to run behind a proxy."""
    for path, facts in repo.derived(ts_facts).items():
        if serving(repo, path):
            for call in facts["calls"]:
                if call["callee"].endswith(".set") and call["args"][:1] == ["trust proxy"]:
                    return Evidence(path, call["line"])
    return None


def check(repo: Repo) -> Iterator[Hit]:
    """Reads the options of a security-header middleware (a file importing helmet, koa-helmet,
    @fastify/helmet...) outside tests for the literal `hsts: false` / `strictTransportSecurity: false`:
    the application itself turns HSTS off. Silent when a proxy or platform configuration in the tree
    writes a Strict-Transport-Security header; not determined when the repository shows a reverse proxy,
    ingress or TLS-terminating platform in front, or the app trusts a proxy (`app.set('trust proxy')`):
    that proxy may add HSTS. A computed value is silent."""
    hits = [(path, setting) for path, facts, setting in shipped_settings(repo, "hsts", "strictTransportSecurity")
            if setting["value"] is False and not setting["target"]
            and any(i["module"].split("/")[0] in HEADER_MODULES or i["module"] in HEADER_MODULES
                    for i in facts["imports"])]
    if not hits or headers_in_config(repo, ("strict-transport-security",)) is not None:
        return
    front = tls_front(repo) or _trusts_proxy(repo)
    premises = (Premise.unknown(Message("nothing in front of the application adds HSTS"),
                                Message("the deployment shows a proxy or platform in front ({ref}) that may add it",
                                        ref=front.ref)),) if front else ()
    for path, setting in hits:
        yield Hit(path, setting["line"],
                  Message("`{key}: false`: the application sends no Strict-Transport-Security header, so browsers "
                          "keep trying plain HTTP and a first request can be downgraded.", key=setting["key"]),
                  key="hsts off", premises=premises)


RULE = Rule(
    id="TS112",
    name="ts-hsts-disabled",
    axis=Axis.CONFIG_SECURITY,
    severity=Severity.LOW,
    title="HSTS is turned off in the security-header middleware",
    impact="Without Strict-Transport-Security a browser that once reached the site over HTTPS still tries "
           "http:// first: anyone on the path can answer that request, strip TLS and read the session.",
    action="Keep helmet's HSTS on in production (hsts: { maxAge: 15552000 }), or set it at the TLS-terminating "
           "proxy and keep that configuration in the repository; turn it off only for local HTTP development.",
    check=check,
    example_bad="app.use(helmet({ hsts: false }))",
    example_good="app.use(helmet({ hsts: config.isProduction ? { maxAge: 15552000 } : false }))",
)
