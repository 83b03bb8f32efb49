"""Developer tooling facts: task runners, git hooks, Makefile targets, documented commands, doc parsing,
error payload shapes."""

from __future__ import annotations

from pathlib import Path

from archaudit.detect.api.error_shapes import ErrorPayload, find_error_payloads
from archaudit.detect.cicd.devtools import (
    Command,
    DevTool,
    find_commands,
    find_git_hooks,
    find_task_runners,
    just_recipes,
    make_targets,
)
from archaudit.detect.formats.markdown import code_lines, headings, links
from tests.conftest import FIXTURES, repo_of, write_tree


def test_task_runners_at_root_and_in_app_folders(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {
        "Makefile": "test:\n\tpytest\n",
        "api/pyproject.toml": "[project]\nname = 'api'\n\n[tool.poe.tasks]\nserve = 'uvicorn app:app'\n",
        "web/package.json": '{\n  "name": "web",\n  "scripts": {"dev": "vite"}\n}\n',
        "deep/nested/justfile": "test:\n    pytest\n",  # neither top-level nor an app folder: ignored
    })
    assert find_task_runners(repo_of(root)) == [
        DevTool("make", "Makefile", 0), DevTool("npm scripts", "web/package.json", 3),
        DevTool("poe", "api/pyproject.toml", 4)]


def test_git_hooks(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {
        ".pre-commit-config.yaml": "repos: []\n",
        "web/.husky/pre-commit": "npx lint-staged\n",
        "web/package.json": '{\n  "devDependencies": {\n    "lefthook": "1.6.0"\n  }\n}\n',
    })
    assert find_git_hooks(repo_of(root)) == [
        DevTool("husky", "web/.husky/pre-commit", 0), DevTool("lefthook", "web/package.json", 3),
        DevTool("pre-commit", ".pre-commit-config.yaml", 0)]


def test_make_targets_just_recipes_and_commands(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {
        "Makefile": ".PHONY: test lint\nVENV := .venv\n\ntest lint: install\n\tpoetry run pytest\n"
                    "install:\n\tpip install -e .\n",
        "justfile": "set dotenv-load\nalias t := test\n\n@test *args:\n    uv run pytest {{args}}\n",
        "README.md": "Run `make test`.\n\n```console\n$ cd api && DEBUG=1 uv sync\n# a comment\n```\n",
        "scripts/release.sh": "#!/bin/sh\n# tox -e docs\nnox -s build\n",
    })
    repo = repo_of(root)
    assert make_targets(repo) == {"test", "lint", "install"}
    assert just_recipes(repo) == {"t", "test"}
    assert find_commands(repo) == [
        Command("poetry", ("run", "pytest"), "Makefile", 5),
        Command("make", ("test",), "README.md", 1), Command("uv", ("sync",), "README.md", 4),
        Command("uv", ("run", "pytest", "{{args}}"), "justfile", 5),
        Command("nox", ("-s", "build"), "scripts/release.sh", 3)]


def test_markdown_headings_code_and_links() -> None:
    text = ("Title\n=====\n\n# Install\n\n```bash\n# not a heading\n[not](a-link.md)\n```\n"
            "See [guide](docs/guide.md \"Guide\") and `make run`.\n[ref]: ../other.md\n")
    assert headings(text) == [(1, "Title"), (4, "Install")]
    assert code_lines(text) == [(7, "# not a heading"), (8, "[not](a-link.md)"), (10, "make run")]
    assert links(text) == [(10, "docs/guide.md"), (11, "../other.md")]


def test_error_payloads_of_flask_and_drf() -> None:
    assert find_error_payloads(repo_of(FIXTURES / "rules" / "TST004" / "bad")) == [
        ErrorPayload("app/main.py", 13, "detail", ("detail",)),
        ErrorPayload("app/routers/orders.py", 11, "message", ("message",)),
        ErrorPayload("app/routers/users.py", 12, "error", ("error",)),
        ErrorPayload("app/routers/users.py", 19, "error", ("code", "error")),
    ]


def test_error_payloads_need_an_error_key_or_an_error_status(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {"app/views.py": (
        "from flask import jsonify\nfrom rest_framework.response import Response\nfrom rest_framework import status\n\n"
        "def a():\n    return jsonify({'message': 'saved'})\n\n"
        "def b():\n    return jsonify({'message': 'nope'}), 404\n\n"
        "def c():\n    return Response({'detail': 'no'}, status=status.HTTP_403_FORBIDDEN)\n\n"
        "def d():\n    return {'errors': ['x']}, 422\n"
    )})
    assert [(p.line, p.shape) for p in find_error_payloads(repo_of(root))] == [
        (9, "message"), (12, "detail"), (15, "errors")]


def test_a_scripts_folder_with_one_script_per_task_is_a_task_runner(tmp_path: Path) -> None:
    write_tree(tmp_path / "tasks", {"app/main.py": "x = 1\n", "scripts/test": "pytest\n", "scripts/lint": "ruff .\n",
                                    "backend/scripts/format.sh": "ruff format\n"})
    assert [(t.kind, t.path) for t in find_task_runners(repo_of(tmp_path / "tasks"))] == [("scripts folder", "scripts")]
    # one-off scripts are not a task runner
    write_tree(tmp_path / "oneoff", {"app/main.py": "x = 1\n", "scripts/seed_db.py": "x = 1\n",
                                     "scripts/test_data.sql": "select 1;\n"})
    assert find_task_runners(repo_of(tmp_path / "oneoff")) == []
