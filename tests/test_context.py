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


# The path patterns match on "/" + path: a name at the start is preceded by "/" as one further down is,
# so the engine can skip to the next "/" instead of trying `(^|/)` at every character. The reference
# below is the `(^|/)` form on the bare path, built from the same text (every "/" outside `[^/]` may
# also be the start of the path); both must agree on every sample path.
_PATTERNS = ("_TEST_SETTINGS", "_TEST_DIRS", "_SCRIPT", "_MIGRATION", "_DEV", "_DOCS", "_TEMPLATE", "_SAMPLE",
             "_GENERATED")


def _path_sample() -> list[str]:
    import os
    import re as _re

    from archaudit.resolve import context

    root = Path(__file__).resolve().parent.parent
    paths = {p.relative_to(root).as_posix() for folder in ("src", "tests/fixtures") for p in (root / folder).rglob("*")}
    words = {w for name in _PATTERNS for w in _re.findall(r"[a-z_][a-z0-9_-]*", getattr(context, name).pattern)}
    for w in words:  # each name as a folder, a file, a suffix, at the start and further down
        paths |= {f"{w}/x.py", f"a/{w}/x.py", w, f"a/{w}", f"{w}.py", f"a/{w}.py", f"a/b_{w}.py", f"a/{w}.yml",
                  f"a/{w}.example.env", f"a{w}/x.py", f"{w}.config.ts", f"docker-compose.{w}.yml"}
    corpus = os.environ.get("ARCHAUDIT_ECOSYSTEM_DIR")  # every file of the ecosystem corpus, when present
    if corpus and Path(corpus).is_dir():
        for repo in Path(corpus).iterdir():
            if repo.is_dir():
                paths |= {p.relative_to(repo).as_posix() for p in repo.rglob("*") if p.is_file()}
    return sorted(paths)


def test_the_slash_patterns_match_as_the_start_or_slash_patterns_do() -> None:
    import re as _re

    from archaudit.resolve import context
    from archaudit.scan.classify import classify

    sample = _path_sample()
    assert len(sample) > 2000
    for name in _PATTERNS:
        new = getattr(context, name)
        reference = _re.compile(_re.sub(r"(?<!\[\^)/", "(^|/)", new.pattern))
        differ = [p for p in sample if bool(new.search("/" + p.lower())) != bool(reference.search(p.lower()))]
        assert not differ, (name, differ[:5])
    hits = {name: sum(1 for p in sample if getattr(context, name).search("/" + p.lower())) for name in _PATTERNS}
    assert all(hits.values()), hits  # every pattern is exercised by the sample
    assert {context._classify(p, classify(p)[1]) for p in sample} == set(Context)
