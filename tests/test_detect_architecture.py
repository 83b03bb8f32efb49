"""Architecture and integrations sections on two fixture layouts: a FastAPI clean architecture
(`arch_clean`) and a Pass-Culture-like monorepo with `core/<domain>/` packages (`arch_ddd`)."""

from __future__ import annotations

from pathlib import Path

from archaudit.detect import integrations
from archaudit.detect.architecture import section as architecture
from archaudit.detect.architecture.components import find_clients
from archaudit.detect.architecture.layers import internal_imports, layer_of
from archaudit.detect.architecture.patterns import find_di, find_domain_packages, find_ports
from tests.conftest import FIXTURES, repo_of, write_tree

CLEAN = FIXTURES / "repos" / "arch_clean"
DDD = FIXTURES / "repos" / "arch_ddd"


def _table(section, key):  # type: ignore[no-untyped-def]
    return {t.key: t for t in section.tables}[key]


def test_layers_from_folder_names() -> None:
    of = layer_of(repo_of(CLEAN))
    assert of["app/api/routes/products.py"] == "api"
    assert of["app/application/catalog/use_cases.py"] == "application"
    assert of["app/domain/catalog/entities.py"] == "domain"
    assert of["app/infrastructure/db/repositories.py"] == "infrastructure"
    assert "app/main.py" not in of
    assert "tests/test_products.py" not in of


def test_core_is_domain_only_with_domain_subpackages(tmp_path: Path) -> None:
    repo = repo_of(write_tree(tmp_path, {"app/__init__.py": "", "app/core/__init__.py": "",
                                         "app/core/config.py": "DEBUG = False\n"}))
    assert layer_of(repo) == {}
    assert layer_of(repo_of(DDD))["api/src/pcapi/core/offers/api.py"] == "domain"


def test_layer_folder_inside_core_wins(tmp_path: Path) -> None:
    """`lnbits/core/views/` is the web layer and `core/services/` the application layer: there `core`
    only means "the main package", so the inner layer name decides."""
    repo = repo_of(write_tree(tmp_path, {
        "shop/__init__.py": "", "shop/core/__init__.py": "", "shop/core/views/__init__.py": "",
        "shop/core/views/payment_api.py": "X = 1\n", "shop/core/services/__init__.py": "",
        "shop/core/services/payments.py": "X = 1\n", "shop/core/crud/__init__.py": "",
        "shop/core/crud/payments.py": "X = 1\n"}))
    of = layer_of(repo)
    assert of["shop/core/views/payment_api.py"] == "api"
    assert of["shop/core/services/payments.py"] == "application"
    assert of["shop/core/crud/payments.py"] == "domain"  # no layer name inside: `core` still decides


def test_layer_import_table() -> None:
    rows = _table(architecture.section(repo_of(CLEAN)), "layer_imports").rows
    assert [(r["from"], r["to"], r["imports"], r["file"], r["line"]) for r in rows] == [
        ("api", "application", 2, "app/api/deps.py", 1),
        ("api", "infrastructure", 1, "app/api/deps.py", 2),
        ("application", "domain", 1, "app/application/catalog/ports.py", 3),
        ("infrastructure", "domain", 1, "app/infrastructure/db/repositories.py", 1),
    ]


def test_internal_imports_resolve_from_import_names() -> None:
    imps = [i for i in internal_imports(repo_of(DDD)) if i.path == "api/src/pcapi/core/offers/api.py"]
    assert [(i.line, i.target) for i in imps] == [
        (1, "api/src/pcapi/core/search/__init__.py"), (2, "api/src/pcapi/core/offers/models.py")]


def test_layer_table_counts() -> None:
    rows = _table(architecture.section(repo_of(CLEAN)), "layers").rows
    assert [(r["layer"], r["packages"], r["modules"]) for r in rows] == [
        ("api", "app.api", 4), ("application", "app.application", 4), ("domain", "app.domain", 4),
        ("infrastructure", "app.infrastructure", 6)]


def test_client_instantiation_styles() -> None:
    clients = [(c.path, c.line, c.client, c.how) for c in find_clients(repo_of(CLEAN))]
    assert clients == [
        ("app/api/routes/products.py", 17, "HTTP client (httpx async)", "per call (inside a function)"),
        ("app/infrastructure/db/session.py", 4, "SQLAlchemy engine", "module-level (singleton)"),
        ("app/infrastructure/storage.py", 8, "AWS (boto3.client)", "cached factory"),
        ("app/infrastructure/storage.py", 13, "AWS (boto3.client)", "per instance (built in the constructor)"),
        ("app/infrastructure/storage.py", 17, "AWS (boto3.resource)", "lazy attribute on the instance"),
    ]


def test_clients_chosen_from_settings_and_per_call() -> None:
    clients = [(c.path.rsplit("pcapi/", 1)[1], c.line, c.client, c.how) for c in find_clients(repo_of(DDD))]
    assert clients == [
        ("core/object_storage/__init__.py", 4, "BACKENDS_MAPPING (2 backends)", "chosen from a settings string"),
        ("core/object_storage/__init__.py", 12, "BACKENDS_MAPPING[]", "chosen from a settings string"),
        ("core/object_storage/backends/gcp.py", 6, "Google Cloud Storage", "per call (inside a function)"),
        ("core/search/__init__.py", 6, "settings.SEARCH_BACKEND", "chosen from a settings string"),
        ("core/search/backends/algolia.py", 6, "Algolia", "per instance (built in the constructor)"),
    ]


def test_lazy_module_global_is_cached(tmp_path: Path) -> None:
    repo = repo_of(write_tree(tmp_path, {"cache.py": (
        "import redis\n_client = None\n\n\ndef get():\n    global _client\n"
        "    if _client is None:\n        _client = redis.Redis.from_url('redis://')\n    return _client\n")}))
    assert [(c.line, c.client, c.how) for c in find_clients(repo)] == [(8, "Redis", "lazy module global")]


def test_ports_and_implementations() -> None:
    ports = find_ports(repo_of(CLEAN))
    assert [(p.name, p.kind, p.line, p.implementations) for p in ports] == [
        ("ProductRepository", "Protocol", 6,
         (("app/infrastructure/db/repositories.py", 5, "SqlAlchemyProductRepository"),)),
        ("PaymentGatewayPort", "Protocol", 10, (("app/infrastructure/payments.py", 4, "StripePaymentGateway"),)),
    ]


def test_dependency_injection_providers() -> None:
    di = find_di(repo_of(CLEAN))
    assert [(d.style, d.path, d.line, d.detail) for d in di] == [
        ("FastAPI Depends provider", "app/api/routes/products.py", 11, "get_list_products")]


def test_domain_packages() -> None:
    pkgs = find_domain_packages(repo_of(DDD))
    assert [(p.folder, p.files) for p in pkgs] == [
        ("api/src/pcapi/core/bookings", ("models", "api", "constants")),
        ("api/src/pcapi/core/offers", ("models", "api", "repository", "exceptions")),
    ]


def test_architecture_section_headline_and_undetermined(tmp_path: Path) -> None:
    assert architecture.section(repo_of(CLEAN)).headline == "layered code: api, application, domain, infrastructure"
    flat = architecture.section(repo_of(write_tree(tmp_path, {"main.py": "print(1)\n"})))
    assert flat.headline == ""
    assert flat.undetermined[0].startswith("no layer folders")


def test_integrations_with_wrappers() -> None:
    section = integrations.section(repo_of(DDD))
    rows = _table(section, "integrations").rows
    assert [(r["service"], r["category"], r["modules"], r["wrapped by"], r["file"], r["line"]) for r in rows] == [
        ("Algolia", "search", 1, "api/src/pcapi/core/search/backends/algolia.py",
         "api/src/pcapi/core/search/backends/algolia.py", 1),
        ("Google Cloud Storage", "storage", 1, "api/src/pcapi/core/object_storage/backends/gcp.py",
         "api/src/pcapi/core/object_storage/backends/gcp.py", 1),
        ("Sentry", "monitoring", 2, "not wrapped: imported by 2 modules", "api/src/pcapi/app.py", 1),
    ]
    assert section.headline == "integrations: Algolia, Google Cloud Storage, Sentry"


def test_integrations_ignore_tests_and_internal_modules(tmp_path: Path) -> None:
    repo = repo_of(write_tree(tmp_path, {
        "app/__init__.py": "", "app/stripe.py": "X = 1\n", "app/pay.py": "from app import stripe\n",
        "tests/test_pay.py": "import openai\n"}))
    assert integrations.section(repo).tables == ()


def test_tarjan_reports_each_cycle_once_with_a_shortest_loop() -> None:
    from archaudit.rules.modularity.package_import_cycle import _cycle, cycles

    edge = object()
    graph = {"a.x": {"a.y": edge}, "a.y": {"a.z": edge}, "a.z": {"a.x": edge, "a.w": edge}, "a.w": {},
             "a.p": {"a.q": edge}, "a.q": {"a.p": edge}}
    comps = cycles(graph)  # type: ignore[arg-type]
    assert comps == [["a.p", "a.q"], ["a.x", "a.y", "a.z"]]
    assert _cycle(graph, comps[1]) == ["a.x", "a.y", "a.z"]  # type: ignore[arg-type]


def test_client_built_in_constructor_counts_when_instantiated_per_request(tmp_path: Path) -> None:
    from archaudit.rules.engine import run_rules
    from archaudit.rules.performance.client_per_request import RULE

    root = write_tree(tmp_path, {
        "pyproject.toml": '[project]\nname = "x"\ndependencies = ["fastapi"]\n',
        "app/__init__.py": "",
        "app/search.py": ("from algoliasearch.search_client import SearchClient\n\n\nclass Backend:\n"
                          "    def __init__(self) -> None:\n        self.client = SearchClient.create('a', 'k')\n"),
        "app/main.py": ("from fastapi import FastAPI\n\nfrom app.search import Backend\n\napp = FastAPI()\n\n\n"
                        "@app.get('/search')\ndef search() -> list:\n    return Backend().client.search('q')\n"),
    })
    findings, failures = run_rules(repo_of(root), [RULE])
    assert not failures
    assert [(f.evidence[0].ref, f.evidence[1].ref) for f in findings] == [("app/search.py:6", "app/main.py:9")]
