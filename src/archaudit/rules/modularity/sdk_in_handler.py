"""MOD007 sdk-called-from-handler."""

from __future__ import annotations

import re
from collections.abc import Iterator

from archaudit.findings import Axis, Evidence, Hit, Message, Severity
from archaudit.repo import Repo
from archaudit.resolve.context import SERVING, context_of
from archaudit.resolve.python_index import calls_within, import_aliases, qualified
from archaudit.rules.base import Rule
from archaudit.rules.modularity._handlers import handlers, layer_modules

SDKS = ("openai", "anthropic", "google.generativeai", "google.genai", "google.cloud", "stripe", "boto3",
        "botocore", "twilio", "sendgrid", "mistralai", "cohere", "replicate", "firebase_admin", "slack_sdk",
        "pinecone", "elevenlabs", "mailchimp_marketing", "paypalrestsdk", "braintree", "azure")


_SDK_HEADS = frozenset(s.split(".", 1)[0] for s in SDKS)


def sdk_of(dotted: str) -> str:
    """The SDK a fully qualified name belongs to ("google.generativeai"), "" for anything else."""
    if dotted.split(".", 1)[0] not in _SDK_HEADS:  # most names: no SDK's first part
        return ""
    return next((s for s in SDKS if dotted == s or dotted.startswith(s + ".")), "")


_WRAPPER_PARTS = re.compile(r"(^|_)(clients?|gateways?|integrations?|providers?|adapters?|wrappers?|sdk|"
                            r"payments?|billing|ai|llm)(_|$)")


def _is_wrapper_module(repo: Repo, path: str, sdk: str) -> bool:
    """A module whose place says it wraps an outside service: a service/repository layer module, or a
    file or folder named for a client, gateway, integration, provider or the SDK itself. A form or
    model that happens to call the SDK is no wrapper a handler should have used."""
    if path in set(layer_modules(repo)):
        return True
    parts = repo.module_of.get(path, path[:-3].replace("/", ".")).lower().split(".")
    return any(_WRAPPER_PARTS.search(p) or sdk.split(".")[0] in p for p in parts)


def wrappers(repo: Repo) -> dict[str, tuple[str, int, str]]:
    """SDK -> (file, line, function) of the first call into it from a function of a wrapper module
    (see `_is_wrapper_module`) without route handlers. A module that only imports the SDK or
    configures it (`stripe.api_key = ...` in an AppConfig.ready) wraps nothing."""
    handler_files = {h.file for h in handlers(repo)}
    out: dict[str, tuple[str, int, str]] = {}
    for path, facts in repo.python_items():
        f = repo.by_path.get(path)
        if path in handler_files or (f is not None and f.role == "test") or context_of(repo, path) not in SERVING:
            continue
        aliases = repo.derived(import_aliases).get(path, {})
        for call in sorted(facts["calls"], key=lambda c: c["line"]):
            sdk = sdk_of(qualified(aliases, call["name"])) if call["func"] else ""
            if sdk and sdk not in out and _is_wrapper_module(repo, path, sdk):
                out[sdk] = (path, call["line"], call["func"])
    return out


def check(repo: Repo) -> Iterator[Hit]:
    """Resolves the calls of each route handler through its file's imports; reports the first call
    into a third-party SDK (openai, google.generativeai, stripe, boto3...) when a function of
    another, non-route module of the project calls that SDK too, i.e. a wrapper exists and the
    handler bypasses it."""
    wrapped = repo.derived(wrappers)
    if not wrapped:
        return
    for h in handlers(repo):
        aliases = repo.derived(import_aliases).get(h.file, {})
        for call in calls_within(repo, h.file, h.fn["qualname"]):
            sdk = sdk_of(qualified(aliases, call["name"]))
            if sdk and sdk in wrapped:
                wfile, wline, wfunc = wrapped[sdk]
                yield Hit(h.file, call["line"],
                          Message("Handler {label} calls {sdk} directly (`{name}`) although `{wfunc}` "
                                  "({wfile}:{wline}) already wraps {sdk}.",
                                  label=h.label, sdk=sdk, name=call['name'], wfunc=wfunc, wfile=wfile,
                                  wline=wline), also=(Evidence(wfile, wline),),
                          key=f"{h.fn['qualname']}:{sdk}")
                break


RULE = Rule(
    id="MOD007",
    name="sdk-called-from-handler",
    axis=Axis.MODULARITY,
    severity=Severity.MEDIUM,
    title="Route handler calls a third-party SDK that the project already wraps",
    impact="Bypassing the client wrapper duplicates configuration, retries and error handling, and makes "
           "the handler impossible to test without the real provider.",
    action="Call the project's service/client wrapper from the handler (inject it as a dependency) and "
           "keep SDK imports inside that wrapper.",
    check=check,
    example_bad='import google.generativeai as genai\n\n@router.post("/feedback")\ndef feedback(...):\n'
                '    model = genai.GenerativeModel("gemini-pro")',
    example_good='@router.post("/feedback")\n'
                 'def feedback(..., gemini: GeminiService = Depends(get_gemini)):\n'
                 '    return gemini.feedback(...)',
)
