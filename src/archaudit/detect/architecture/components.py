"""How external clients (SDKs, HTTP sessions, engines, brokers) are instantiated.

A client built once at import time is a singleton; one built inside a function is rebuilt at every
call unless the function is cached (`functools.lru_cache`/`cache`, `cached_property`), stores it on
the instance, or rebinds a module global (`global _client`). Backends picked from a settings string
(`import_string(settings.X)`, `importlib.import_module(...)`, a `*BACKENDS*` mapping of dotted
strings) are listed too, since what they build is decided by configuration, not by the code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from archaudit.detect.architecture.layers import is_test_path
from archaudit.findings import Message
from archaudit.languages.python.facts import CallFact, FunctionFact, ModuleFacts, expr_text, is_expr
from archaudit.repo import Repo
from archaudit.resolve.python_index import calls_written

# qualified constructor -> label shown in the report
CONSTRUCTORS: dict[str, str] = {
    "boto3.client": "AWS (boto3.client)", "boto3.resource": "AWS (boto3.resource)",
    "boto3.Session": "AWS session (boto3)", "boto3.session.Session": "AWS session (boto3)",
    "aioboto3.Session": "AWS session (aioboto3)",
    "google.cloud.storage.Client": "Google Cloud Storage", "google.cloud.bigquery.Client": "BigQuery",
    "google.cloud.tasks_v2.CloudTasksClient": "Cloud Tasks",
    "google.cloud.pubsub_v1.PublisherClient": "Pub/Sub publisher",
    "googleapiclient.discovery.build": "Google API (discovery.build)",
    "redis.Redis": "Redis", "redis.StrictRedis": "Redis", "redis.from_url": "Redis",
    "redis.asyncio.Redis": "Redis (asyncio)", "redis.asyncio.from_url": "Redis (asyncio)",
    "aioredis.from_url": "Redis (aioredis)",
    "httpx.Client": "HTTP client (httpx)", "httpx.AsyncClient": "HTTP client (httpx async)",
    "requests.Session": "HTTP session (requests)", "requests.session": "HTTP session (requests)",
    "aiohttp.ClientSession": "HTTP session (aiohttp)",
    "openai.OpenAI": "OpenAI", "openai.AsyncOpenAI": "OpenAI (async)", "openai.AzureOpenAI": "Azure OpenAI",
    "anthropic.Anthropic": "Anthropic", "anthropic.AsyncAnthropic": "Anthropic (async)",
    "google.generativeai.GenerativeModel": "Gemini", "google.genai.Client": "Gemini",
    "algoliasearch.search_client.SearchClient.create": "Algolia",
    "algoliasearch.search.client.SearchClient": "Algolia", "algoliasearch.search.client.SearchClientSync": "Algolia",
    "elasticsearch.Elasticsearch": "Elasticsearch", "elasticsearch.AsyncElasticsearch": "Elasticsearch (async)",
    "opensearchpy.OpenSearch": "OpenSearch", "meilisearch.Client": "Meilisearch",
    "pymongo.MongoClient": "MongoDB", "motor.motor_asyncio.AsyncIOMotorClient": "MongoDB (motor)",
    "sqlalchemy.create_engine": "SQLAlchemy engine",
    "sqlalchemy.ext.asyncio.create_async_engine": "SQLAlchemy async engine",
    "celery.Celery": "Celery app", "stripe.StripeClient": "Stripe",
    "sendgrid.SendGridAPIClient": "SendGrid", "sib_api_v3_sdk.ApiClient": "Brevo (Sendinblue)",
    "brevo.ApiClient": "Brevo", "slack_sdk.WebClient": "Slack", "twilio.rest.Client": "Twilio",
    "kafka.KafkaProducer": "Kafka producer", "aiokafka.AIOKafkaProducer": "Kafka producer (aiokafka)",
    "pika.BlockingConnection": "RabbitMQ (pika)", "minio.Minio": "MinIO",
    "azure.storage.blob.BlobServiceClient": "Azure Blob Storage",
    "azure.storage.blob.BlobServiceClient.from_connection_string": "Azure Blob Storage",
    "asyncpg.create_pool": "PostgreSQL pool (asyncpg)", "psycopg2.connect": "PostgreSQL connection (psycopg2)",
    "psycopg2.pool.SimpleConnectionPool": "PostgreSQL pool (psycopg2)",
}
_SUFFIXES = (".from_url", ".from_connection_string")
_CACHE_DECORATORS = frozenset({"lru_cache", "cache", "cached_property", "alru_cache", "cached"})
_LOADERS = frozenset({"import_string", "importlib.import_module", "import_module", "pydoc.locate",
                      "django.utils.module_loading.import_string", "werkzeug.utils.import_string"})
_CONFIG_WORDS = re.compile(r"settings|config|environ|getenv", re.IGNORECASE)
_DOTTED_CLASS = re.compile(r"^[A-Za-z_]\w*(\.[A-Za-z_]\w*)+$")

_LAST_NAMES = frozenset({k.rsplit(".", 1)[-1] for k in [*CONSTRUCTORS, *_LOADERS]} | {s[1:] for s in _SUFFIXES})

MODULE_LEVEL = Message("module-level (singleton)")
CACHED = Message("cached factory")
CACHED_GLOBAL = Message("lazy module global")
CACHED_INSTANCE = Message("lazy attribute on the instance")
PER_INSTANCE = Message("per instance (built in the constructor)")
PER_CALL = Message("per call (inside a function)")
FROM_SETTINGS = Message("chosen from a settings string")


@dataclass(frozen=True, order=True)
class ClientInstantiation:
    """One place where an external client is built (or a backend is chosen by a dotted string)."""

    path: str
    line: int
    client: str  # label, e.g. "Redis", or for FROM_SETTINGS the loaded expression
    how: str  # one of the constants above
    func: str  # enclosing function qualname, "" at module level
    call: str  # the qualified callee, e.g. "redis.Redis.from_url"


def constructor_label(name: str) -> str:
    """The client label of a qualified callee, "" when it is not a known client constructor."""
    if name in CONSTRUCTORS:
        return CONSTRUCTORS[name]
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and name[: -len(suffix)] in CONSTRUCTORS:
            return CONSTRUCTORS[name[: -len(suffix)]]
    return ""


def _how(facts: ModuleFacts, funcs: dict[str, FunctionFact], call: CallFact) -> str:
    """Lifetime of the object built by `call`, from where the call sits."""
    if not call["func"]:
        return MODULE_LEVEL
    chain = call["func"].split(".")
    for i in range(len(chain), 0, -1):  # the function itself or an enclosing one may be cached
        fn = funcs.get(".".join(chain[:i]))
        if fn and any(d["name"].rsplit(".", 1)[-1] in _CACHE_DECORATORS for d in fn["decorators"]):
            return CACHED
    if any(g["func"] == call["func"] for g in facts.get("globals", [])):
        return CACHED_GLOBAL
    fn = funcs.get(call["func"])
    if fn and fn["cls"]:
        stored = any(a["line"] == call["line"] and a["target"].startswith("self.") and a["func"] == call["func"]
                     for a in facts["assigns"])
        if stored:
            return PER_INSTANCE if fn["name"] == "__init__" else CACHED_INSTANCE
    return PER_CALL


def _settings_choice(call: CallFact, name: str) -> str:
    """The expression a loader call resolves from configuration, "" when it loads a literal."""
    if name not in _LOADERS and name.rsplit(".", 1)[-1] != "import_string":
        return ""
    if not call["args"] or not is_expr(call["args"][0]):
        return ""
    text = expr_text(call["args"][0])
    if name.rsplit(".", 1)[-1] == "import_string" or _CONFIG_WORDS.search(text):
        return text
    return ""


def _backend_mappings(path: str, facts: ModuleFacts) -> list[ClientInstantiation]:
    """Module-level `*BACKEND*` dicts whose values are all dotted class paths."""
    out = []
    for a in facts["assigns"]:
        value = a["value"]
        if a["func"] or "BACKEND" not in a["target"].upper() or not isinstance(value, dict) or not value:
            continue
        if all(isinstance(v, str) and _DOTTED_CLASS.match(v) for v in value.values()):
            out.append(ClientInstantiation(path, a["line"], f"{a['target']} ({len(value)} backends)",
                                           FROM_SETTINGS, "", "mapping of dotted paths"))
    return out


def find_clients(repo: Repo) -> list[ClientInstantiation]:
    """Every external-client construction and settings-chosen backend in non-test code, sorted."""
    funcs_of: dict[str, dict[str, FunctionFact]] = {}
    out: list[ClientInstantiation] = []
    for path, call, name in sorted(calls_written(repo, *_LAST_NAMES), key=lambda r: (r[0], r[1]["line"])):
        if is_test_path(repo, path):
            continue
        label = constructor_label(name)
        if label:
            facts = repo.python[path]
            funcs = funcs_of.get(path)
            if funcs is None:
                funcs = funcs_of[path] = {fn["qualname"]: fn for fn in facts["functions"]}
            out.append(ClientInstantiation(path, call["line"], label, _how(facts, funcs, call), call["func"], name))
            continue
        chosen = _settings_choice(call, name)
        if chosen:
            out.append(ClientInstantiation(path, call["line"], chosen, FROM_SETTINGS, call["func"], name))
    for path, facts in repo.python_items():
        if facts["assigns"] and not is_test_path(repo, path):
            out.extend(_backend_mappings(path, facts))
    return sorted(out)
