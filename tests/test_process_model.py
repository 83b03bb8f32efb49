"""The process model (deployment section) and the scaling rules resting on it: worker and replica
counts only when a manifest states them, "not determined" otherwise."""

from __future__ import annotations

from pathlib import Path

from archaudit.detect.deploy.processes import find_processes, multi_process_web
from tests.conftest import repo_of, report_of, write_tree

FLASK_JOBS = {
    "app/__init__.py": "from flask import Flask\n\nfrom app.jobs import start_jobs\n\n\n"
                       "def create_app():\n    app = Flask(__name__)\n    start_jobs(app)\n    return app\n",
    "app/jobs.py": "from apscheduler.schedulers.background import BackgroundScheduler\n\n\n"
                   "def start_jobs(app):\n    scheduler = BackgroundScheduler()\n    scheduler.start()\n",
}


def test_processes_kinds_and_counts(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "Procfile": "web: gunicorn -c gunicorn.conf.py app:app\nworker: celery -A app worker\n"
                    "beat: celery -A app beat\nrelease: python manage.py migrate\n",
        "gunicorn.conf.py": "import multiprocessing\n\nworkers = multiprocessing.cpu_count() * 2 + 1\n",
        "Dockerfile": "FROM python:3.12\nCMD [\"./docker/entrypoint.sh\"]\n",
        "docker/entrypoint.sh": "#!/bin/sh\npython manage.py migrate\nexec gunicorn app.wsgi \\\n"
                                "    --bind 0.0.0.0:8000 \\\n    --workers 3\n",
        "k8s/deployment.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n"
                               "  replicas: 2\n  template:\n    spec:\n      containers:\n        - name: web\n"
                               "          image: shop:1\n          command: [\"uvicorn\", \"app:app\"]\n",
    })
    procs = {(p.source, p.name): p for p in find_processes(repo_of(tmp_path))}
    assert {k: p.kind for k, p in procs.items()} == {
        ("Procfile", "web"): "web", ("Procfile", "worker"): "worker", ("Procfile", "beat"): "scheduler",
        ("Procfile", "release"): "one-shot", ("Dockerfile", "CMD"): "web", ("kubernetes", "api/web"): "web"}
    web = procs[("Procfile", "web")]
    assert (web.workers, web.workers_at and web.workers_at.ref) == (3, "gunicorn.conf.py:3")  # 2 * cores + 1
    script = procs[("Dockerfile", "CMD")]
    assert (script.workers, script.workers_at and script.workers_at.ref, script.migrates) == \
        (3, "docker/entrypoint.sh:5", True)
    k8s = procs[("kubernetes", "api/web")]
    assert (k8s.replicas, k8s.replicas_at and k8s.replicas_at.ref) == (2, "k8s/deployment.yaml:6")


def test_worker_count_from_environment_is_not_a_count(tmp_path: Path) -> None:
    write_tree(tmp_path, {"Procfile": "web: gunicorn -w $WEB_CONCURRENCY app:app\n"})
    assert multi_process_web(repo_of(tmp_path)) == []


def test_scheduler_without_stated_workers_is_not_determined(tmp_path: Path) -> None:
    write_tree(tmp_path, {**FLASK_JOBS, "Procfile": "web: gunicorn \"app:create_app()\"\n"})
    report = report_of(tmp_path)
    assert not [f for f in report.findings if f.rule == "PERF102"]
    claims = report.claims_by_rule().get("PERF102", [])
    assert [e.ref for c in claims for e in c.evidence][:1] == ["app/jobs.py:5"]


def test_scheduler_with_several_workers_is_a_finding(tmp_path: Path) -> None:
    write_tree(tmp_path, {**FLASK_JOBS, "Procfile": "web: gunicorn --workers=3 \"app:create_app()\"\n"})
    found = [(f.evidence[0].ref) for f in report_of(tmp_path).findings if f.rule == "PERF102"]
    assert found == ["app/jobs.py:5"]


def test_migrations_at_start_without_replicas_is_not_determined(tmp_path: Path) -> None:
    write_tree(tmp_path, {"Dockerfile": "FROM python:3.12\nCMD sh -c \"alembic upgrade head && uvicorn app:app\"\n",
                          "app.py": "app = None\n"})
    report = report_of(tmp_path)
    assert not [f for f in report.findings if f.rule == "PERF103"]
    assert [e.ref for c in report.claims_by_rule().get("PERF103", []) for e in c.evidence] == ["Dockerfile:2"]


def test_nest_cron_with_one_pm2_instance_is_not_determined(tmp_path: Path) -> None:
    bad = Path(__file__).parent / "fixtures" / "rules" / "PERF104" / "bad"
    files = {str(p.relative_to(bad)): p.read_text(encoding="utf-8") for p in bad.rglob("*") if p.is_file()}
    files["ecosystem.config.json"] = files["ecosystem.config.json"].replace('"instances": 4', '"instances": 1')
    report = report_of(write_tree(tmp_path, files))
    assert not [f for f in report.findings if f.rule == "PERF104"]
    assert sorted(e.ref for c in report.claims_by_rule().get("PERF104", []) for e in c.evidence) == \
        ["src/digest.service.ts:7", "src/legacy.ts:5"]
