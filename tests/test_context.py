"""Execution contexts: which files serve production and which are tests, scripts, templates..."""

from __future__ import annotations

from pathlib import Path

import pytest

from archaudit.resolve.context import Context, context_of
from tests.conftest import repo_of, report_of, write_tree

CASES = {
    "app/main.py": Context.PRODUCTION,
    "app/tasks.py": Context.PRODUCTION,  # Celery tasks serve production
    "src/config/typeorm.config.ts": Context.PRODUCTION,
    "pyproject.toml": Context.PRODUCTION,
    ".github/workflows/ci.yml": Context.PRODUCTION,
    "docker-compose.yml": Context.PRODUCTION,
    "tests/test_api.py": Context.TEST,
    "app/settings/test.py": Context.TEST,
    "src/users/users.service.spec.ts": Context.TEST,
    "conftest.py": Context.TEST,
    "scripts/seed_admin.py": Context.SCRIPT,
    "shop/management/commands/import_prices.py": Context.SCRIPT,
    "manage.py": Context.SCRIPT,
    "alembic/env.py": Context.MIGRATION,
    "shop/migrations/0001_initial.py": Context.MIGRATION,
    "app/settings/local.py": Context.DEV,
    "docker-compose.override.yml": Context.DEV,
    "webpack.config.js": Context.DEV,
    "docs/deploy.md": Context.DOCS,
    "examples/minimal/app.py": Context.DOCS,
    "README.md": Context.DOCS,
    ".env.example": Context.TEMPLATE,
    "shop/fixtures/products.json": Context.SAMPLE,
    "vendor/lib/x.js": Context.GENERATED,
    "api/gen_pb2.py": Context.GENERATED,
}


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> object:
    root = tmp_path_factory.mktemp("ctx")
    write_tree(root, {path: "x = 1\n" if path.endswith(".py") else "{}\n" for path in CASES})
    return repo_of(root)


@pytest.mark.parametrize("path", sorted(CASES))
def test_context_of_each_kind_of_file(repo: object, path: str) -> None:
    assert context_of(repo, path) is CASES[path]  # type: ignore[arg-type]


def test_a_cookiecutter_repository_marks_its_templated_tree(tmp_path: Path) -> None:
    repo = repo_of(write_tree(tmp_path, {
        "cookiecutter.json": "{}\n",
        "{{cookiecutter.project_slug}}/app/settings.py": "SECRET_KEY = 'x'\n",
    }))
    assert context_of(repo, "{{cookiecutter.project_slug}}/app/settings.py") is Context.TEMPLATE


def test_a_command_line_module_nobody_imports_is_a_script(tmp_path: Path) -> None:
    repo = repo_of(write_tree(tmp_path, {
        "ping.py": "import argparse\n\nif __name__ == '__main__':\n    argparse.ArgumentParser().parse_args()\n",
        "app/cli_tools.py": "import argparse\n\nif __name__ == '__main__':\n    pass\n",
        "app/main.py": "from app.cli_tools import x\n",
        "backend/cli.py": "import click\n",
    }))
    assert context_of(repo, "ping.py") is Context.SCRIPT
    assert context_of(repo, "app/cli_tools.py") is Context.PRODUCTION  # imported by the app
    assert context_of(repo, "backend/cli.py") is Context.SCRIPT


def test_a_module_that_parses_arguments_at_import_time_is_a_script(tmp_path: Path) -> None:
    """CTFd's serve.py: `args = parser.parse_args()` then `app.run(debug=True)`, no __main__ block."""
    serve = ("import argparse\nparser = argparse.ArgumentParser()\nargs = parser.parse_args()\n"
             "from app import create_app\napp = create_app()\napp.run(debug=True, port=args.port)\n")
    repo = repo_of(write_tree(tmp_path, {
        "serve.py": serve,
        "app/__init__.py": "from flask import Flask\n\ndef create_app():\n    return Flask(__name__)\n",
        "app/runner.py": serve,  # same text, but imported by the application: it runs in production
        "app/main.py": "from app import runner\n",
    }))
    assert context_of(repo, "serve.py") is Context.SCRIPT
    assert context_of(repo, "app/runner.py") is Context.PRODUCTION
    assert {(f.rule, f.evidence[0].path, f.evidence[0].line) for f in report_of(tmp_path).findings
            if f.rule == "CFG001"} == {("CFG001", "app/runner.py", 6)}
