"""Placeholder values and sample apps: a starter's `.env` of `changethis` leaks nothing; a sample app
folder (`apps/typeorm-sample/`) is an example, not a deployed service."""

from __future__ import annotations

from pathlib import Path

import pytest

from archaudit.redact import is_placeholder_value
from archaudit.resolve.context import Context, context_of
from tests.conftest import repo_of, report_of, write_tree


@pytest.mark.parametrize("value", ["", "changethis", "'changeme'", "xxxx", "---", "<your-key>", "${SECRET}",
                                   "your-secret-key", "replace-me", "example-token"])
def test_placeholder_values(value: str) -> None:
    assert is_placeholder_value(value)


@pytest.mark.parametrize("value", ["s3cr3t-Value-9f2", "postgres", "hunter2", "changethis-in-prod-2024x"])
def test_real_looking_values(value: str) -> None:
    assert not is_placeholder_value(value)


def test_committed_env_of_placeholders_is_not_reported(tmp_path: Path) -> None:
    write_tree(tmp_path / "starter", {".env": "DOMAIN=localhost\nSECRET_KEY=changethis\nPOSTGRES_PASSWORD=changethis\n",
                                      "app.py": "x = 1\n"})
    write_tree(tmp_path / "real", {".env": "DOMAIN=localhost\nSECRET_KEY=changethis\nPOSTGRES_PASSWORD=k9Xq2pLm\n",
                                   "app.py": "x = 1\n"})
    assert not [f for f in report_of(tmp_path / "starter").findings if f.rule == "CFG006"]
    found = [(f.evidence[0].path, f.evidence[0].line) for f in report_of(tmp_path / "real").findings
             if f.rule == "CFG006"]
    assert found == [(".env", 3)]  # the first secret that is not a placeholder


def test_sample_app_folders_are_examples(tmp_path: Path) -> None:
    repo = repo_of(write_tree(tmp_path, {
        "apps/typeorm-sample/src/app.module.ts": "export class AppModule {}\n",
        "apps/graphql-example/src/app.module.ts": "export class AppModule {}\n",
        "styleguide_example/users/apis.py": "x = 1\n",  # a Python package named *_example is the project
        "apps/api/src/app.module.ts": "export class AppModule {}\n",
        "apps/resample/src/x.ts": "export const x = 1;\n",
    }))
    assert context_of(repo, "apps/typeorm-sample/src/app.module.ts") is Context.DOCS
    assert context_of(repo, "apps/graphql-example/src/app.module.ts") is Context.DOCS
    assert context_of(repo, "styleguide_example/users/apis.py") is Context.PRODUCTION
    assert context_of(repo, "apps/api/src/app.module.ts") is Context.PRODUCTION
    assert context_of(repo, "apps/resample/src/x.ts") is Context.PRODUCTION
