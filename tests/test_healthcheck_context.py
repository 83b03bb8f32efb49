"""CI008 judges deployments only: a developer's compose stack (by name or by content) is not one, a
Dockerfile is found as compose resolves it, a sibling compose file's healthcheck counts, and a
service checked by its Consul registry is not reported unless it is exposed directly."""

from __future__ import annotations

from pathlib import Path

from archaudit.resolve.context import Context, context_of, development_compose
from archaudit.rules.cicd import no_healthcheck
from archaudit.rules.engine import run_rules
from tests.conftest import repo_of, write_tree

DOCKERFILE = 'FROM python:3.12-slim\nCOPY . /app\nCMD ["gunicorn", "app:app"]\n'
API = "  api:\n    build: .\n    ports:\n      - 8000:8000\n"


def _ci008(root: Path, files: dict[str, str]) -> list[str]:
    findings, _ = run_rules(repo_of(write_tree(root, files)), [no_healthcheck.RULE])
    return [f"{e.path}:{e.line}" for f in findings for e in f.evidence]


def test_production_compose_without_healthcheck_is_reported(tmp_path: Path) -> None:
    files = {"Dockerfile": DOCKERFILE, "docker-compose.yml": "services:\n" + API}
    assert _ci008(tmp_path, files) == ["docker-compose.yml:2"]


def test_compose_running_a_reloading_server_is_development(tmp_path: Path) -> None:
    dev = "services:\n" + API + "    command: uvicorn app.main:app --reload\n"
    repo = repo_of(write_tree(tmp_path / "a", {"Dockerfile": DOCKERFILE, "docker-compose.yml": dev}))
    assert development_compose(repo, "docker-compose.yml").startswith("service api runs a development server")
    assert context_of(repo, "docker-compose.yml") is Context.DEV
    assert list(run_rules(repo, [no_healthcheck.RULE])[0]) == []


def test_dev_settings_module_and_mail_catcher_mark_a_dev_stack(tmp_path: Path) -> None:
    django = "services:\n" + API + "    environment:\n      DJANGO_SETTINGS_MODULE: shop.settings.dev\n"
    assert _ci008(tmp_path / "a", {"Dockerfile": DOCKERFILE, "docker-compose.yml": django}) == []
    mail = "services:\n  maildev:\n    image: maildev/maildev\n" + API
    assert _ci008(tmp_path / "b", {"Dockerfile": DOCKERFILE, "docker-compose.yml": mail}) == []
    # a database admin UI is not a signal: production stacks do deploy adminer
    admin = "services:\n  adminer:\n    image: adminer\n" + API
    assert _ci008(tmp_path / "c", {"Dockerfile": DOCKERFILE, "docker-compose.yml": admin}) == ["docker-compose.yml:4"]


def test_build_context_is_relative_to_the_compose_file(tmp_path: Path) -> None:
    checked = DOCKERFILE + 'HEALTHCHECK CMD curl -f http://localhost:8000/health || exit 1\n'
    files = {"Dockerfile": DOCKERFILE, "docker/Dockerfile": checked, "docker/docker-compose.yml": "services:\n" + API}
    assert _ci008(tmp_path / "a", files) == []
    files = {"Dockerfile": checked, "docker/Dockerfile": DOCKERFILE, "docker/docker-compose.yml": "services:\n" + API}
    assert _ci008(tmp_path / "b", files) == ["docker/docker-compose.yml:2"]


def test_healthcheck_in_a_sibling_compose_file_counts(tmp_path: Path) -> None:
    files = {"Dockerfile": DOCKERFILE, "docker-compose.yml": "services:\n" + API,
             "docker-compose.prod.yml": "services:\n  api:\n    healthcheck:\n      test: [CMD, curl, /health]\n"}
    assert _ci008(tmp_path, files) == []


def test_consul_registered_check_unless_exposed_by_a_load_balancer(tmp_path: Path) -> None:
    bootstrap = "consul:\n  host: consul\nservice:\n  healthCheck:\n    interval: 10s\n    tcp: svc:50054\n"
    service = ("  account:\n    build:\n      context: .\n      dockerfile: apps/account/Dockerfile\n"
               "    ports:\n      - 50054:50054\n    labels:\n      kompose.service.type: {kind}\n")
    base = {"apps/account/Dockerfile": DOCKERFILE, "apps/account/src/bootstrap-production.yaml": bootstrap}
    internal = {**base, "docker-compose.yml": "services:\n" + service.format(kind="clusterip")}
    assert _ci008(tmp_path / "a", internal) == []
    exposed = {**base, "docker-compose.yml": "services:\n" + service.format(kind="loadbalancer")}
    assert _ci008(tmp_path / "b", exposed) == ["docker-compose.yml:2"]
