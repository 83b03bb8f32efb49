"""CI/CD and deployment inventories: jobs and classified steps, start commands, manifests, and every
Python version declaration; plus rule behaviours that need more than one fixture."""

from __future__ import annotations

from pathlib import Path

from archaudit.detect.cicd import section as cicd
from archaudit.detect.cicd.commands import classify
from archaudit.detect.cicd.section import find_ci_jobs
from archaudit.detect.deploy import section as deploy
from archaudit.detect.deploy.pyversions import find_python_versions, in_range, major_minor
from archaudit.detect.deploy.section import find_start_commands
from archaudit.detect.formats.dockerfile import parse
from archaudit.rules.cicd import no_healthcheck, python_mismatch, step_cannot_fail
from archaudit.rules.engine import run_rules
from tests.conftest import FIXTURES, repo_of, write_tree

FULL = FIXTURES / "repos" / "ci_full"


def test_jobs_of_three_ci_systems() -> None:
    jobs = find_ci_jobs(repo_of(FULL))
    assert [(j.system, j.file, j.name, j.line, j.kinds) for j in jobs] == [
        ("CircleCI", ".circleci/config.yml", "build", 3, ("build", "tests")),
        ("GitHub Actions", ".github/workflows/tests.yml", "backend", 4,
         ("coverage", "lint", "migrations", "tests", "type-check")),
        ("GitHub Actions", ".github/workflows/tests.yml", "frontend", 26, ("build", "lint", "tests", "type-check")),
        ("GitHub Actions", ".github/workflows/tests.yml", "deploy", 32, ()),
        ("GitLab CI", ".gitlab-ci.yml", "unit", 5, ("tests",)),
    ]
    backend = jobs[1]
    assert backend.python == (("3.11", 8), ("3.12", 8))
    assert [(s.line, s.kinds) for s in backend.steps if s.run] == [
        (15, ()), (17, ("lint",)), (22, ("type-check",)), (24, ("tests", "coverage")), (25, ("migrations",))]
    assert jobs[3].reusable == "acme/shared/.github/workflows/deploy.yml@v1"
    assert jobs[4].continue_on_error == 9  # allow_failure: true
    assert jobs[0].python == (("3.11", 5),)


def test_cicd_section_rows_and_headline() -> None:
    section = cicd.section(repo_of(FULL))
    assert section.headline == ("GitHub Actions, GitLab CI, CircleCI: 5 jobs; runs build, coverage, lint, "
                                "migrations, tests, type-check")
    row = next(r for r in section.tables[0].rows if r["step"] == "Tests")
    assert row == {"job": "backend", "step": "Tests", "runs": "pytest --cov=app --junitxml=report.xml",
                   "kinds": "tests, coverage", "file": ".github/workflows/tests.yml", "line": 24}


def test_classify_commands() -> None:
    assert classify("flake8 . --select=E9") == ("lint",)
    assert classify("ruff format .") == ()
    assert classify("ruff format --check .") == ("lint",)
    assert classify("python -m pytest --cov=app") == ("tests", "coverage")
    assert classify("python manage.py migrate && docker build .") == ("build", "migrations")
    assert classify("pip install -r requirements.txt") == ()


def test_start_commands_from_every_manifest() -> None:
    starts = [(s.source, s.process, s.command, s.file, s.line) for s in find_start_commands(repo_of(FULL))]
    assert starts == [
        ("Dockerfile", "CMD", "uvicorn app.main:app --host 0.0.0.0", "Dockerfile", 8),
        ("Procfile", "release", "alembic upgrade head", "Procfile", 1),
        ("Procfile", "web", "gunicorn app.main:app -k uvicorn.workers.UvicornWorker", "Procfile", 2),
        ("Procfile", "worker", "celery -A app.worker worker", "Procfile", 3),
        ("app.yaml", "entrypoint", "gunicorn -b :$PORT app.main:app", "app.yaml", 2),
        ("docker-compose", "api", "uvicorn app.main:app --reload", "docker-compose.yml", 4),
        ("render.yaml", "shop-api build", "pip install -r requirements.txt && alembic upgrade head", "render.yaml", 5),
        ("render.yaml", "shop-api start", "python enhanced_server.py", "render.yaml", 6),
    ]


def test_deployment_section_tables() -> None:
    section = deploy.section(repo_of(FULL))
    tables = {t.key: t for t in section.tables}
    assert tables["dockerfiles"].rows == ({
        "base images": "python:3.12-slim, python:3.12-slim", "user": "app",
        "healthcheck": "CMD curl -f http://localhost:8000/health || exit 1",
        "starts": "uvicorn app.main:app --host 0.0.0.0", "file": "Dockerfile", "line": 1},)
    assert [(r["service"], r["healthcheck"], r["depends on"]) for r in tables["compose_services"].rows] == [
        ("api", "no", "db"), ("db", "yes", "-")]
    assert tables["render_services"].rows[0]["pre-deploy"] == "-"
    assert tables["render_services"].rows[0]["health check path"] == "/health"


def test_python_versions_everywhere() -> None:
    got = [(v.source, v.version, v.kind, v.file, v.line) for v in find_python_versions(repo_of(FULL))]
    assert got == [
        ("CI build", "3.11", "pin", ".circleci/config.yml", 5),
        ("CI backend", "3.11", "matrix", ".github/workflows/tests.yml", 8),
        ("CI backend", "3.12", "matrix", ".github/workflows/tests.yml", 8),
        ("CI unit", "3.12", "pin", ".gitlab-ci.yml", 1),
        ("Dockerfile FROM", "3.12", "pin", "Dockerfile", 1),
        ("Dockerfile FROM", "3.12", "pin", "Dockerfile", 4),
        ("app.yaml runtime", "3.12", "pin", "app.yaml", 1),
        ("requires-python", "", "range", "pyproject.toml", 4),
        ("ruff target-version", "3.11", "target", "pyproject.toml", 7),
        ("mypy python_version", "3.11", "target", "pyproject.toml", 10),
        ("render.yaml PYTHON_VERSION", "3.12", "pin", "render.yaml", 10),
        ("runtime.txt", "3.12", "pin", "runtime.txt", 1),
        ("tox envlist", "3.11", "matrix", "tox.ini", 2),
        ("tox envlist", "3.12", "matrix", "tox.ini", 2),
    ]


def test_version_helpers() -> None:
    assert major_minor("python-3.12.1") == "3.12"
    assert major_minor("py311") == "3.11"
    assert major_minor("python312") == "3.12"
    assert major_minor("3.x") == ""
    assert in_range(">=3.11", "3.12") is True
    assert in_range(">=3.11,<3.12", "3.12") is False
    assert in_range(">=3.11.4", "3.11") is True
    assert in_range("^3.10", "3.9") is False
    assert in_range("not a spec", "3.9") is None


def test_dockerfile_parser_joins_continuations() -> None:
    df = parse("Dockerfile", "# base\nFROM python:3.12 AS b\nRUN a \\\n  && b\n\nCMD [\"x\", \"y\"]\n")
    assert [(i.keyword, i.args, i.line) for i in df.instructions] == [
        ("FROM", "python:3.12 AS b", 2), ("RUN", "a && b", 3), ("CMD", '["x", "y"]', 6)]


def test_rules_on_the_full_fixture() -> None:
    findings, failures = run_rules(repo_of(FULL), [python_mismatch.RULE, step_cannot_fail.RULE])
    assert not failures
    # CircleCI on 3.11 is not a mismatch: the GitHub matrix also checks 3.12, the runtime's version
    assert [(f.rule, f.evidence[0].ref) for f in findings] == [("CI004", ".gitlab-ci.yml:9")]


def test_standalone_dockerfile_needs_healthcheck(tmp_path: Path) -> None:
    repo = repo_of(write_tree(tmp_path, {
        "Dockerfile": 'FROM python:3.12-slim\nCOPY . /app\nCMD ["gunicorn", "app:app"]\n',
        "worker/Dockerfile": 'FROM python:3.12-slim\nCMD ["celery", "-A", "app", "worker"]\n',
    }))
    hits = list(no_healthcheck.check(repo))
    assert [(h.path, h.line) for h in hits] == [("Dockerfile", 3)]
    repo = repo_of(write_tree(tmp_path / "k8s_repo", {
        "Dockerfile": 'FROM python:3.12-slim\nCMD ["gunicorn", "app:app"]\n',
        "k8s/deployment.yaml": "spec:\n  containers:\n    - livenessProbe:\n        httpGet: {path: /health}\n",
    }))
    assert list(no_healthcheck.check(repo)) == []


def test_malformed_ci_yaml_is_not_determined(tmp_path: Path) -> None:
    repo = repo_of(write_tree(tmp_path, {".github/workflows/ci.yml": "jobs: [unclosed\n"}))
    section = cicd.section(repo)
    assert find_ci_jobs(repo) == []
    assert section.undetermined == (
        "the jobs of .github/workflows/ci.yml could not be read (unsupported CI system or no jobs)",)


def test_fly_toml_processes_and_checks(tmp_path: Path) -> None:
    fly = ('app = "shop"\n\n[processes]\n  app = "gunicorn app:app"\n  worker = "celery -A app worker"\n\n'
           '[http_service]\n  internal_port = 8000\n')
    repo = repo_of(write_tree(tmp_path / "a", {"fly.toml": fly}))
    assert [(s.process, s.command, s.line) for s in find_start_commands(repo)] == [
        ("app", "gunicorn app:app", 4), ("worker", "celery -A app worker", 5)]
    assert [(h.path, h.line) for h in no_healthcheck.check(repo)] == [("fly.toml", 7)]
    checked = fly + '\n[[http_service.checks]]\n  path = "/health"\n'
    assert list(no_healthcheck.check(repo_of(write_tree(tmp_path / "b", {"fly.toml": checked})))) == []


def test_multi_document_compose_file_is_read(tmp_path: Path) -> None:
    repo = repo_of(write_tree(tmp_path, {
        "docker-compose.yml": "services:\n  api:\n    image: shop\n    command: gunicorn app:app\n---\nx: 1\n"}))
    assert [(s.process, s.command, s.line) for s in find_start_commands(repo)] == [("api", "gunicorn app:app", 4)]
