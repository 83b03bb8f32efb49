"""TS105 ts-ws-gateway-unauthenticated."""

from __future__ import annotations

import re
from collections.abc import Iterator

from archaudit.detect.api.nest import find_nest_modules
from archaudit.detect.api.ts_apps import serving
from archaudit.findings import Axis, Evidence, Hit, Message, Premise, Severity
from archaudit.languages.typescript.facts import ClassFact, TsFacts, expr_text
from archaudit.repo import Repo
from archaudit.resolve.typescript_index import ts_facts
from archaudit.rules.base import Rule

_AUTH_CALL = re.compile(r"verify|auth|jwt|token|session|disconnect|guard|decode", re.IGNORECASE)
_STOCK_ADAPTERS = ("new IoAdapter", "new WsAdapter")


def _has(decorators: list, name: str) -> bool:  # type: ignore[type-arg]
    return any(d["name"].rsplit(".", 1)[-1] == name for d in decorators)


def _connection_check(facts: TsFacts, cls: ClassFact) -> str:
    """"auth" when handleConnection / afterInit calls something that authenticates (or a socket.io
    `server.use` middleware), "unknown" when a handleConnection exists without such a call, "" when none."""
    methods = {m["name"] for m in cls["methods"]}
    hooks = {f"{cls['name']}.{m}" for m in ("handleConnection", "afterInit") if m in methods}
    if not hooks:
        return ""
    calls = [c["callee"] for c in facts["calls"] if c["func"] in hooks]
    if any(_AUTH_CALL.search(c) or c.endswith(".use") for c in calls):
        return "auth"
    return "unknown" if "handleConnection" in methods else ""


def _global_premises(repo: Repo) -> list[Premise]:
    """Global guards and custom socket adapters may authenticate every connection: then not determined."""
    out = []
    guards = [m for m in repo.derived(find_nest_modules) if m.global_guards]
    if guards:
        names = ", ".join(guards[0].global_guards)
        out.append(Premise.unknown(Message("no global guard applies to the gateway"),
                                   Message("{name} registers the global guard(s) {names}, which run for gateways "
                                           "too when they read the WebSocket context",
                                           name=guards[0].name, names=names)))
    for path, facts in repo.derived(ts_facts).items():
        for c in facts["calls"]:
            if c["callee"].endswith(".useWebSocketAdapter") and serving(repo, path):
                arg = expr_text(c["args"][0]) if c["args"] else ""
                if not arg.startswith(_STOCK_ADAPTERS):
                    out.append(Premise.unknown(Message("the socket adapter accepts every connection"),
                                               Message("a custom adapter ({value}) is installed at {path}:{line} "
                                                       "and may authenticate the handshake",
                                                       value=arg[:60] or 'computed', path=path, line=c['line'])))
    return out


def check(repo: Repo) -> Iterator[Hit]:
    """Reads @WebSocketGateway classes of serving code with @SubscribeMessage handlers. Reports a gateway
    when neither the class nor any handler has @UseGuards and no connection hook authenticates (a
    handleConnection/afterInit calling verify/auth/jwt/token/session/disconnect, or a socket.io
    `server.use` middleware). A handleConnection the audit cannot read as a check, a global APP_GUARD or a
    custom socket adapter make the claim not determined."""
    premises = None
    for path, facts in repo.derived(ts_facts).items():
        if not serving(repo, path):
            continue
        for cls in facts["classes"]:
            if not _has(cls["decorators"], "WebSocketGateway"):
                continue
            handlers = [m for m in cls["methods"] if _has(m["decorators"], "SubscribeMessage")]
            if not handlers or _has(cls["decorators"], "UseGuards") \
                    or any(_has(m["decorators"], "UseGuards") for m in handlers):
                continue
            hook = _connection_check(facts, cls)
            if hook == "auth":
                continue
            if premises is None:
                premises = _global_premises(repo)
            own = [Premise.unknown(Message("no connection hook authenticates"),
                                   Message("handleConnection exists and may check the client in a way the audit "
                                           "cannot read"))] \
                if hook == "unknown" else []
            names = ", ".join(m["name"] for m in handlers[:6])
            yield Hit(path, cls["line"],
                      Message("WebSocket gateway {name} accepts every connection: {n} message handler(s) ({names}) "
                              "run with no guard and no authentication at connection.",
                              name=cls['name'], n=len(handlers), names=names),
                      also=tuple(Evidence(path, m["line"]) for m in handlers[:6]), key=cls["name"],
                      premises=(*own, *premises))


RULE = Rule(
    id="TS105",
    name="ts-ws-gateway-unauthenticated",
    axis=Axis.SECURITY,
    severity=Severity.MEDIUM,
    title="NestJS WebSocket gateway without authentication",
    impact="Anyone who can reach the socket endpoint can connect, send every message the gateway handles and "
           "receive what it broadcasts; guards put on controllers do not protect gateways.",
    action="Authenticate the handshake (verify the token in handleConnection and disconnect on failure, or a "
           "socket.io middleware in afterInit) and put a WebSocket guard (@UseGuards(WsJwtGuard)) on the gateway.",
    check=check,
    example_bad="@WebSocketGateway()\nexport class ChatGateway {\n  @SubscribeMessage('message')\n"
                "  onMessage(@MessageBody() body: string) { return body }\n}",
    example_good="@UseGuards(WsJwtGuard)\n@WebSocketGateway()\nexport class ChatGateway {\n"
                 "  @SubscribeMessage('message')\n  onMessage(@MessageBody() body: string) { return body }\n}",
)
