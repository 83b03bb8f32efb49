"""The background section: Celery apps/tasks/beat/routes, RQ, arq, Dramatiq, APScheduler,
BackgroundTasks, Django commands and worker processes."""

from __future__ import annotations

from pathlib import Path

from archaudit.detect.background.section import background_inventory, find_queue_systems, find_tasks, section
from tests.conftest import FIXTURES, repo_of, report_of, write_tree

REPOS = FIXTURES / "repos"


def test_celery_tasks_with_decorator_options() -> None:
    tasks = find_tasks(repo_of(REPOS / "bg_celery"))
    assert [(t.kind, t.name, t.path, t.line, t.options) for t in tasks] == [
        ("celery", "send_report", "app/tasks.py", 7,
         (("autoretry_for", "(ConnectionError)"), ("bind", "True"), ("max_retries", "5"), ("retry_backoff", "True"))),
        ("celery", "cleanup-files", "app/tasks.py", 12, (("queue", "'maintenance'"),)),
    ]


def test_celery_app_beat_routes_and_workers() -> None:
    bg = background_inventory(repo_of(REPOS / "bg_celery"))
    assert [(a[0], a[1].ref, a[2]) for a in bg.apps] == [
        ("celery_app", "app/worker.py:6", (("backend", "os.environ.get('RESULT_BACKEND', default=None)"),
                                           ("broker", "redis://…"), ("include", "('app.tasks')")))]
    assert [(s.entry, s.task, s.schedule, s.path, s.line) for s in bg.schedules] == [
        ("cleanup", "app.tasks.cleanup", "every 300s", "app/worker.py", 13),
        ("nightly-report", "app.tasks.send_report", "crontab(hour=3, minute=30)", "app/worker.py", 13),
    ]
    assert [(p, q, e.ref) for p, q, e in bg.routes] == [("app.tasks.send_report", "reports", "app/worker.py:20")]
    assert [(n, c, e.ref) for n, c, e in bg.workers] == [
        ("worker", "celery -A app.worker worker -Q default,reports", "Procfile:2"),
        ("beat", "celery -A app.worker beat", "Procfile:3"),
        ("worker", "celery -A app.worker worker", "docker-compose.yml:5"),
    ]


def test_broker_credentials_never_shown() -> None:
    s = section(repo_of(REPOS / "bg_celery"))
    assert all("hunter2pw" not in f.text for f in s.facts)
    assert s.headline == "2 background tasks (celery); 2 periodic schedules"


def test_other_queues_and_schedulers() -> None:
    repo = repo_of(REPOS / "bg_misc")
    assert [(t.kind, t.name, t.path, t.line) for t in find_tasks(repo)] == [
        ("background-tasks", "write_audit", "app/api.py", 12),
        ("arq", "download", "app/arq_worker.py", 13),
        ("rq", "resize_image", "app/jobs.py", 12),
        ("dramatiq", "charge", "app/jobs.py", 17),
        ("rq", "send_welcome", "app/jobs.py", 26),
        ("rq", "send_welcome", "app/jobs.py", 27),
        ("django-command", "import_products", "shop/management/commands/import_products.py", 4),
    ]
    bg = repo.derived(background_inventory)
    assert [(s.kind, s.entry, s.schedule, s.line) for s in bg.schedules] == [
        ("arq cron", "nightly", "cron (arguments in source)", 14),
        ("apscheduler", "rates", "interval (minutes=15)", 10),
        ("apscheduler", "purge", "cron (hour=2)", 14),
    ]


def test_declared_but_unused_queue_is_a_fact_not_a_task() -> None:
    repo = repo_of(REPOS / "bg_misc")
    assert [(lib, e.ref) for lib, e in find_queue_systems(repo)] == [
        ("arq", "requirements.txt:5"), ("dramatiq", "requirements.txt:3"), ("huey", "requirements.txt:6"),
        ("rq", "requirements.txt:2")]
    texts = [f.text for f in section(repo).facts]
    assert texts == ["huey is declared but no task, actor or queue usage was found in code"]


def test_task_decorator_of_unrelated_object_is_ignored(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app/loop.py": "import asyncio\n\n@asyncio.task\ndef f():\n    pass\n"})
    repo = repo_of(tmp_path)
    assert find_tasks(repo) == []
    assert section(repo).undetermined == ("no background work (task queue, scheduler, BackgroundTasks) was found",)


def test_compose_services_with_keys_of_mixed_types_do_not_fail_the_section(tmp_path: Path) -> None:
    """YAML keys may be ints or booleans (`1:`, `true:`): sorting them with strings raised TypeError."""
    write_tree(tmp_path, {
        "app/main.py": "x = 1\n",
        "docker-compose.yml": "services:\n  1: {image: x}\n  true: {image: y}\n"
                              "  worker: {command: celery -A app worker}\n",
    })
    report = report_of(tmp_path)
    assert not [u for u in report.undetermined if "failed (" in u.why]
