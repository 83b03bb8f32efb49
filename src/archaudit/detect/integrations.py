"""The "integrations" section: external services the code talks to, found from the SDKs it imports,
where each is used (first import per file) and which module wraps it.

A service is "wrapped" when a single non-test module imports its SDK (every other module goes
through that one), or when all importers sit in the infrastructure layer; otherwise the table says
how many modules import the SDK directly.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from archaudit.detect.architecture.layers import is_test_path, layer_of
from archaudit.detect.outbound import OutboundCall, find_outbound_calls
from archaudit.findings import Evidence, Message
from archaudit.model import Fact, Section, Table
from archaudit.repo import Repo
from archaudit.resolve.context import Context, context_of

# import prefix -> (service, category); the longest matching prefix wins
SERVICES: dict[str, tuple[str, str]] = {
    "boto3": ("AWS", "cloud"), "botocore": ("AWS", "cloud"), "aioboto3": ("AWS", "cloud"),
    "google.cloud.storage": ("Google Cloud Storage", "storage"), "google.cloud.bigquery": ("BigQuery", "data"),
    "google.cloud.tasks_v2": ("Google Cloud Tasks", "queue"), "google.cloud.pubsub_v1": ("Google Pub/Sub", "queue"),
    "google.cloud.secretmanager": ("Google Secret Manager", "cloud"),
    "googleapiclient": ("Google APIs", "cloud"), "google.generativeai": ("Google Gemini", "LLM"),
    "google.genai": ("Google Gemini", "LLM"), "vertexai": ("Vertex AI", "LLM"),
    "azure.storage.blob": ("Azure Blob Storage", "storage"), "azure": ("Azure", "cloud"),
    "stripe": ("Stripe", "payment"), "braintree": ("Braintree", "payment"), "paypalrestsdk": ("PayPal", "payment"),
    "mollie": ("Mollie", "payment"), "adyen": ("Adyen", "payment"),
    "sendgrid": ("SendGrid", "email"), "sib_api_v3_sdk": ("Brevo (Sendinblue)", "email"), "brevo": ("Brevo", "email"),
    "mailjet_rest": ("Mailjet", "email"), "postmarker": ("Postmark", "email"), "mailchimp_transactional":
    ("Mailchimp", "email"), "resend": ("Resend", "email"),
    "algoliasearch": ("Algolia", "search"), "elasticsearch": ("Elasticsearch", "search"),
    "opensearchpy": ("OpenSearch", "search"), "meilisearch": ("Meilisearch", "search"),
    "typesense": ("Typesense", "search"),
    "openai": ("OpenAI", "LLM"), "anthropic": ("Anthropic", "LLM"), "mistralai": ("Mistral", "LLM"),
    "cohere": ("Cohere", "LLM"), "langchain": ("LangChain", "LLM"), "langchain_openai": ("LangChain", "LLM"),
    "llama_index": ("LlamaIndex", "LLM"), "litellm": ("LiteLLM", "LLM"), "groq": ("Groq", "LLM"),
    "sentry_sdk": ("Sentry", "monitoring"), "ddtrace": ("Datadog", "monitoring"), "datadog": ("Datadog", "monitoring"),
    "newrelic": ("New Relic", "monitoring"), "prometheus_client": ("Prometheus", "monitoring"),
    "opentelemetry": ("OpenTelemetry", "monitoring"), "elasticapm": ("Elastic APM", "monitoring"),
    "redis": ("Redis", "cache/broker"), "aioredis": ("Redis", "cache/broker"), "celery": ("Celery", "queue"),
    "rq": ("RQ", "queue"), "dramatiq": ("Dramatiq", "queue"), "pika": ("RabbitMQ", "queue"),
    "aio_pika": ("RabbitMQ", "queue"), "kafka": ("Kafka", "queue"), "aiokafka": ("Kafka", "queue"),
    "confluent_kafka": ("Kafka", "queue"), "pymongo": ("MongoDB", "database"), "motor": ("MongoDB", "database"),
    "supabase": ("Supabase", "cloud"), "firebase_admin": ("Firebase", "cloud"), "minio": ("MinIO", "storage"),
    "twilio": ("Twilio", "SMS"), "slack_sdk": ("Slack", "messaging"), "auth0": ("Auth0", "identity"),
    "onesignal_sdk": ("OneSignal", "push"), "pusher": ("Pusher", "messaging"),
}


@dataclass(frozen=True, order=True)
class Integration:
    service: str
    category: str
    uses: tuple[tuple[str, int, str], ...]  # (path, line, imported module), first import per file
    wrapper: str  # path of the wrapping module, "" when imported directly in several places


def service_of(module: str) -> tuple[str, str] | None:
    """(service, category) of an absolute imported module, by its longest known prefix."""
    parts = module.split(".")
    for i in range(len(parts), 0, -1):
        found = SERVICES.get(".".join(parts[:i]))
        if found:
            return found
    return None


def find_integrations(repo: Repo) -> list[Integration]:
    """External services imported by non-test code, with where and through which module."""
    uses: dict[tuple[str, str], dict[str, tuple[int, str]]] = defaultdict(dict)
    services: dict[str, tuple[str, str] | None] = {}  # module -> its service (None: internal or unknown)
    for path, facts in repo.python_items():
        if is_test_path(repo, path):
            continue
        for imp in facts["imports"]:
            module = imp["module"]
            if imp["level"] or not module:
                continue
            if module in services:
                found = services[module]
            else:
                found = services[module] = None if repo.internal_path(module) else service_of(module)
            if found and path not in uses[found]:
                uses[found][path] = (imp["line"], imp["module"])
    layers = repo.derived(layer_of)
    out = []
    for (service, category), places in sorted(uses.items()):
        paths = sorted(places)
        infra = [p for p in paths if layers.get(p) == "infrastructure"]
        wrapper = paths[0] if len(paths) == 1 else ""
        if len(paths) > 1 and len(infra) == len(paths):  # several modules, all of them adapters
            wrapper = ", ".join(sorted({p.rsplit("/", 1)[0] + "/" for p in infra}))
        out.append(Integration(service, category, tuple((p, *places[p]) for p in paths), wrapper))
    return out


def _outbound(repo: Repo) -> tuple[Table | None, list[Fact], list[str]]:
    """The hosts production code sends HTTP requests to (literal URLs), and how many targets are
    built at run time and so not determined."""
    calls = [c for c in repo.derived(find_outbound_calls) if context_of(repo, c.path) is Context.PRODUCTION]
    by_host: dict[str, list[OutboundCall]] = defaultdict(list)
    for c in calls:
        if c.host:
            by_host[c.host].append(c)
    rows = tuple({"host": host, "client": ", ".join(sorted({c.library for c in found})), "calls": len(found),
                  "file": found[0].path, "line": found[0].line} for host, found in sorted(by_host.items()))
    facts = [Fact(Message("HTTP calls to {hosts}", hosts=", ".join(sorted(by_host))),
                  tuple(Evidence(f[0].path, f[0].line) for _, f in sorted(by_host.items())))] if by_host else []
    unknown = [c for c in calls if not c.host]
    notes: list[str] = [Message("{n} outbound HTTP call(s) send to a URL built at run time (first {place}): their "
                                "hosts are not determined", n=len(unknown),
                                place=f"{unknown[0].path}:{unknown[0].line}")] if unknown else []
    table = Table("outbound_hosts", "Outbound HTTP calls by host", ("host", "client", "calls"), rows) if rows else None
    return table, facts, notes


def section(repo: Repo) -> Section:
    """External services, their first import per file and the wrapping module; the hosts called over HTTP."""
    found = repo.derived(find_integrations)
    rows = []
    for it in found:
        first = it.uses[0]
        wrapped = it.wrapper or Message("not wrapped: imported by {n} modules", n=len(it.uses))
        rows.append({"service": it.service, "category": it.category, "modules": len(it.uses),
                     "wrapped by": wrapped, "file": first[0], "line": first[1]})
    facts = []
    by_cat: dict[str, list[str]] = defaultdict(list)
    for it in found:
        by_cat[it.category].append(it.service)
    for cat in sorted(by_cat):
        evidence = tuple(Evidence(it.uses[0][0], it.uses[0][1]) for it in found if it.category == cat)
        facts.append(Fact(Message("{category}: {services}", category=cat, services=", ".join(sorted(set(by_cat[cat])))),
                          evidence))
    hosts, host_facts, notes = _outbound(repo)
    facts += host_facts
    if not found and not host_facts and repo.python:
        notes.insert(0, Message("no known external-service SDK is imported and no HTTP call names a literal host"))
    services = ", ".join(sorted({it.service for it in found}))
    headline = Message("integrations: {services}", services=services) if found else ""
    tables = (Table("integrations", "External services", ("service", "category", "modules", "wrapped by"),
                    tuple(rows)),) if rows else ()
    return Section(key="integrations", title="External integrations", facts=tuple(facts),
                   tables=tables + ((hosts,) if hosts else ()), undetermined=tuple(notes), headline=headline)
