"""The verdict's components diagram shows only what the code establishes: processes that exist,
stores whose driver is used, services the code imports; never a component from a name alone."""

from __future__ import annotations

from pathlib import Path

from archaudit.detect.overview import system_overview
from tests.conftest import repo_of, report_of, write_tree

APP = {
    "requirements.txt": "fastapi==0.110.0\nsqlalchemy==2.0.30\npsycopg2-binary==2.9.9\ncelery==5.3.6\n"
                        "redis==5.0.1\nstripe==8.0.0\nboto3==1.34.0\n",
    "app/__init__.py": "",
    "app/main.py": "from fastapi import FastAPI\nimport stripe\nfrom app.db import engine\n\napp = FastAPI()\n\n"
                   "@app.post('/pay')\ndef pay():\n    stripe.Charge.create()\n    return {}\n",
    "app/db.py": "from sqlalchemy import create_engine\n"
                 "engine = create_engine('postgresql+psycopg2://u@db/app')\n",
    "app/tasks.py": "from celery import Celery\nimport redis\n\ncelery = Celery('app', broker='redis://r')\n\n"
                    "@celery.task\ndef send():\n    redis.Redis().ping()\n",
}


def test_components_and_edges_come_from_the_code(tmp_path: Path) -> None:
    overview = system_overview(repo_of(write_tree(tmp_path, APP)))
    kinds = {c.name: c.kind for c in overview.components}
    assert kinds == {"web application (fastapi)": "process", "Celery worker": "process", "PostgreSQL": "store",
                     "Redis": "broker", "Stripe": "external"}
    assert ("web application (fastapi)", "Stripe", "calls") in overview.edges
    assert ("web application (fastapi)", "Celery worker", "enqueues tasks") in overview.edges
    assert ("Redis", "Celery worker", "delivers") in overview.edges
    assert all(c.evidence and c.evidence[0].path for c in overview.components)


def test_a_dependency_only_declared_is_not_a_component(tmp_path: Path) -> None:
    files = {k: v for k, v in APP.items() if k != "app/tasks.py"}
    names = {c.name for c in system_overview(repo_of(write_tree(tmp_path, files))).components}
    assert "Redis" not in names and "Celery worker" not in names and "AWS" not in names  # boto3 never imported


def test_the_verdict_says_what_the_system_is_and_what_limits_it(tmp_path: Path) -> None:
    files = dict(APP, **{"app/broken.py": "from fastapi import APIRouter\nrouter = APIRouter()\nprint 'x'\n",
                         "svc/main.go": "package main\n"})
    report = report_of(write_tree(tmp_path, files))
    verdict = report.verdict
    assert verdict is not None and verdict.summary.startswith(f"{tmp_path.name} is a Python backend (FastAPI).")
    assert any("app/broken.py" in line and "routes" in line for line in verdict.coverage)
    assert any(line.startswith("1 Go file(s) are not analysed") for line in verdict.coverage)
    assert len(verdict.risks) <= 5 and len({f.rule for f in verdict.risks}) == len(verdict.risks)
