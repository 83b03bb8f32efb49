"""TS006 ts-cors-any-origin."""

from __future__ import annotations

from collections.abc import Iterator

from archaudit.findings import Axis, Hit, Message, Severity
from archaudit.languages.typescript.facts import CallFact
from archaudit.repo import Repo
from archaudit.resolve.typescript_index import is_ts_test, ts_facts
from archaudit.rules.base import Rule


def _any_origin(opts: object) -> bool:
    """No options, or options whose origin is '*' / true (reflects every origin)."""
    if opts is None:
        return True
    if isinstance(opts, dict):
        return "origin" not in opts or opts["origin"] in ("*", True)
    return opts is True


def _verdict(call: CallFact, imports_cors: bool) -> str:
    callee, args = call["callee"], call["args"]
    first = args[0] if args else None
    if callee.endswith(".enableCors") and _any_origin(first):
        return Message("enableCors() allows every origin")
    if callee == "cors" and imports_cors and _any_origin(first):
        return Message("cors() middleware allows every origin")
    if callee == "NestFactory.create" and len(args) > 1 and isinstance(args[1], dict):
        cors = args[1].get("cors")
        if cors is True or (isinstance(cors, dict) and _any_origin(cors)):
            return Message("NestFactory.create(..., { cors }) allows every origin")
    return ""


def check(repo: Repo) -> Iterator[Hit]:
    """Flags CORS enabled for every origin in TS/JS code: NestJS `app.enableCors()` with no options
    or `origin: '*'`/`true`, `NestFactory.create(M, { cors: true })`, and the `cors()` middleware
    (when the file imports `cors`) called without an origin. Test files are ignored; `app.options('*', cors())`
    beside `app.use(cors())` is the same set-up's preflight, not a second place."""
    for path, facts in repo.derived(ts_facts).items():
        if is_ts_test(path):
            continue
        imports_cors = any(i["module"] in ("cors", "@fastify/cors", "@koa/cors") for i in facts["imports"])
        hits = [(call, v) for call in facts["calls"] if (v := _verdict(call, imports_cors))]
        preflight = _preflight_lines(facts["calls"])
        if any(c["line"] not in preflight for c, _ in hits):  # the preflight restates the middleware's origin
            hits = [(c, v) for c, v in hits if c["line"] not in preflight]
        for call, verdict in hits:
            yield Hit(path, call["line"], Message("CORS: {verdict}.",
                                                  verdict=verdict), key=call["callee"])


def _preflight_lines(calls: list[CallFact]) -> set[int]:
    """Lines of `app.options('*', cors())`: the preflight answer of the same CORS set-up as `app.use(cors())`."""
    return {c["line"] for c in calls if c["callee"].endswith(".options")
            and any(isinstance(a, dict) and str(a.get("$", "")).startswith("cors(") for a in c["args"])}


RULE = Rule(
    id="TS006",
    name="ts-cors-any-origin",
    axis=Axis.CONFIG_SECURITY,
    severity=Severity.MEDIUM,
    title="CORS allows every origin (TypeScript backend)",
    impact="Any web site can call the API from a victim's browser; combined with cookie or token auth "
           "stored in the browser this exposes user data to cross-site requests.",
    action="Pass an explicit allow-list: app.enableCors({ origin: config.allowedOrigins }) / "
           "cors({ origin: [...] }), read from configuration per environment.",
    check=check,
    example_bad="const app = await NestFactory.create(AppModule)\napp.enableCors()",
    example_good="app.enableCors({ origin: ['https://app.example.org'], credentials: true })",
)
