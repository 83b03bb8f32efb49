"""The architecture document (`archaudit architecture`): the sections a newcomer needs, built from
facts with their places, the how-to steps pointing at real code, hostile text escaped, the CLI."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from archaudit.architecture_doc import build_document
from archaudit.cli import main
from archaudit.model import ArchitectureDoc
from archaudit.report.render_architecture import render_html, render_markdown
from tests.conftest import FIXTURES, repo_of, write_tree

EXAMPLE = Path(__file__).parent.parent / "examples" / "shop-api"
TS_NEST = FIXTURES / "repos" / "ts_nest"
BG_CELERY = FIXTURES / "repos" / "bg_celery"


@pytest.fixture(scope="module")
def shop() -> ArchitectureDoc:
    return build_document(repo_of(EXAMPLE))


@pytest.fixture(scope="module")
def nest() -> ArchitectureDoc:
    return build_document(repo_of(TS_NEST))


def _line(root: Path, path: str, line: int) -> str:
    return (root / path).read_text(encoding="utf-8").splitlines()[line - 1].strip()


def _refs(doc: ArchitectureDoc) -> list[tuple[str, int]]:
    return [(e.path, e.line) for s in doc.statements() for e in s.evidence]


@pytest.mark.parametrize("root", [EXAMPLE, TS_NEST, BG_CELERY])
def test_every_statement_cites_a_real_line(root: Path) -> None:
    doc = build_document(repo_of(root))
    assert doc.statements()
    for s in doc.statements():
        assert s.evidence, f"stated without evidence: {s.text}"
        for e in s.evidence:
            lines = (root / e.path).read_text(encoding="utf-8").splitlines()
            assert 1 <= e.line <= len(lines), f"{s.text}: {e.ref} is not a line of the file"
            if e.snippet:
                assert e.snippet.rstrip("…") in lines[e.line - 1]


def test_example_sections_and_facts(shop: ArchitectureDoc) -> None:
    text = render_markdown(shop)
    for heading in ("## Overview", "### Applications", "### Technical components", "## Architecture style",
                    "## Code organisation", "## Background work", "## Endpoints", "## How to add an endpoint",
                    "## How to add a job", "```mermaid"):
        assert heading in text
    layers = next(s for s in shop.styles if s.name == "Layers")
    assert any(e.text.startswith("api imports application") and e.evidence[0].ref == "app/api/v1/products.py:11"
               for e in layers.examples)
    assert {c.name for c in shop.technical} >= {"PostgreSQL", "SQLite"}
    roles = {f.path: f.role for f in shop.tree}
    assert roles["app/api/"] == "api layer" and roles["app/services/"] == "application layer"
    products = next(g for g in shop.endpoint_groups if g.name.startswith("app/api/v1/products.py"))
    assert products.prefix == "/api/v1/products" and len(products.endpoints) == 5
    me = next(e for g in shop.endpoint_groups for e in g.endpoints if e.path == "/api/v1/auth/me")
    assert me.auth.startswith("yes") and me.evidence.ref == "app/api/v1/auth.py:39"


def test_example_says_what_is_not_established(shop: ArchitectureDoc) -> None:
    """No job in the example: the job guide says so instead of inventing steps; styles not shown are listed."""
    assert not shop.add_job.steps and "no background job" in shop.add_job.undetermined[0]
    assert shop.background_undetermined
    assert any(m.startswith("CQS") for m in shop.styles_undetermined)
    assert "Not determined: no background job" in render_markdown(shop)


def test_example_endpoint_steps_point_at_the_convention(shop: ArchitectureDoc) -> None:
    steps = shop.add_endpoint.steps
    assert steps[0].text.startswith("Create the module in app/api/v1/")
    places = {e.ref: e.snippet for s in steps for e in s.evidence}
    assert places["app/api/v1/products.py:13"] == _line(EXAMPLE, "app/api/v1/products.py", 13)
    assert "APIRouter" in places["app/api/v1/products.py:13"]
    assert "include_router(products.router" in places["app/main.py:21"]
    assert "Depends(get_current_user)" in places["app/api/v1/auth.py:40"]
    assert any("app.services" in snippet for snippet in places.values())


def test_typescript_repository(nest: ArchitectureDoc) -> None:
    names = {s.name for s in nest.styles}
    assert {"Layers", "Command/query separation (CQS)", "Bounded contexts"} <= names
    cqs = next(s for s in nest.styles if s.name.startswith("Command"))
    assert cqs.examples[0].evidence[0].ref == "src/application/commands/creer-action.command.handler.ts:6"
    kinds = {c.name: c.kind for c in nest.technical}
    assert kinds["S3 object storage"] == "storage" and kinds["Redis (Bull queues)"] == "cache/queue"
    assert any(c.kind == "worker" and c.evidence[0].ref == "src/main-worker.ts:5" for c in nest.applications)
    assert ("web application (nestjs)", "Redis (Bull queues)", "enqueues jobs") in nest.overview.edges
    stages = {s.title: s for s in nest.background}
    retried = " ".join(s.text for s in stages["How it is retried"].statements)
    assert "attempts=5" in retried and "attempts=3" in retried
    assert "src/domain/planificateur.ts:1" in {e.ref for s in stages["Schedules (crons)"].statements
                                              for e in s.evidence}


def test_typescript_guides(nest: ArchitectureDoc) -> None:
    endpoint = {e.ref: e.snippet for s in nest.add_endpoint.steps for e in s.evidence}
    assert endpoint["src/infrastructure/routes/jeunes.controller.ts:6"] == "@Controller('jeunes')"
    assert "src/app.module.ts:9" in endpoint  # the module listing the controller
    assert any("@Public()" in s.text for s in nest.add_endpoint.steps)
    job = [e.ref for s in nest.add_job.steps for e in s.evidence]
    assert job[0] == "src/application/jobs/notifier-rappel-action.job-handler.ts:4"
    assert "src/application/commands/creer-action.command.handler.ts:10" in job
    assert "src/main-worker.ts:5" in job
    assert not nest.add_job.undetermined


def test_celery_job_guide_says_what_is_missing() -> None:
    doc = build_document(repo_of(BG_CELERY))
    first = doc.add_job.steps[0]
    assert first.text.startswith("Write the task in app/tasks.py") and first.evidence[0].ref == "app/tasks.py:6"
    assert any("max_retries=5" in s.text for s in doc.add_job.steps)
    assert any("enqueuing" in n for n in doc.add_job.undetermined)  # the fixture never calls .delay()


def test_nothing_recognised_says_not_determined(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "plain", {"tool.py": "def main():\n    return 1\n"})
    doc = build_document(repo_of(root))
    assert not doc.styles and len(doc.styles_undetermined) == 4
    assert not doc.add_endpoint.steps and doc.add_endpoint.undetermined
    text = render_markdown(doc)
    assert "The architecture style is not determined" in text


def test_hostile_text_is_escaped(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "evil", {
        "requirements.txt": "fastapi\n",
        "app/api/routes.py": ("from fastapi import APIRouter\nrouter = APIRouter()\n\n"
                              "@router.get('/x<script>alert(1)</script>')\ndef h():\n    return 1\n"),
        "app/main.py": ("from fastapi import FastAPI\nfrom app.api import routes\napp = FastAPI()\n"
                        "app.include_router(routes.router)\n"),
    })
    doc = build_document(repo_of(root))
    page = render_html(doc)
    assert "<script>" not in page and "&lt;script&gt;" in page
    prose = re.sub(r"`[^`\n]*`", "", render_markdown(doc))  # a code span shows HTML as text
    assert "<script>" not in prose and "alert(1)" in render_markdown(doc)
    assert html.unescape(page).count("<script>alert(1)</script>") >= 1  # shown as text, not dropped


def test_cli_writes_both_formats(tmp_path: Path) -> None:
    out = tmp_path / "doc"
    result = CliRunner().invoke(main, ["architecture", str(EXAMPLE), "--format", "md,html", "-o", str(out),
                                       "--no-cache"])
    assert result.exit_code == 0, result.output
    md = (out / "architecture.md").read_text(encoding="utf-8")
    assert md.startswith("# Architecture document: shop-api")
    assert "<svg" in (out / "architecture.html").read_text(encoding="utf-8")
    again = CliRunner().invoke(main, ["architecture", str(EXAMPLE), "-o", str(out / "architecture.md"), "--no-cache"])
    assert again.exit_code == 0  # our own file is replaced without --force
    foreign = tmp_path / "notes.md"
    foreign.write_text("mine\n", encoding="utf-8")
    refused = CliRunner().invoke(main, ["architecture", str(EXAMPLE), "-o", str(foreign), "--no-cache"])
    assert refused.exit_code == 2 and foreign.read_text(encoding="utf-8") == "mine\n"
    assert CliRunner().invoke(main, ["architecture", str(EXAMPLE), "--format", "json"]).exit_code == 2
    assert CliRunner().invoke(main, ["architecture", str(tmp_path / "absent")]).exit_code == 2


def test_markdown_refs_are_file_and_line(shop: ArchitectureDoc) -> None:
    """Every citation in the document's statements is `path:line`, never a bare path."""
    text = render_markdown(shop)
    for path, line in _refs(shop):
        assert f"`{path}:{line}`" in text
    assert not re.search(r"\(`[^`:]+`\)", text)
