"""Background work: task queues (Celery, RQ, arq, Dramatiq), schedulers (Celery beat, APScheduler,
arq cron), FastAPI BackgroundTasks, Django management commands and worker processes.

Every record is tied to a decorator, call or declaration resolved through imports; a library that
is only declared as a dependency is reported as such ("declared, no usage found"), never as a
working queue. `find_tasks` and `find_queue_systems` are public for the performance rules.
"""

from __future__ import annotations

from dataclasses import dataclass

from archaudit.detect.background.celery import (
    Schedule,
    Task,
    beat_schedules,
    celery_apps,
    celery_tasks,
    options_of,
    task_routes,
    text_of,
)
from archaudit.detect.background.other_queues import other_tasks, worker_processes
from archaudit.detect.dependencies.manifests import find_dependencies
from archaudit.findings import Evidence, Message
from archaudit.model import Fact, Section, Table
from archaudit.repo import Repo
from archaudit.resolve.python_index import imported_top_levels

__all__ = ["Schedule", "Task", "find_queue_systems", "find_tasks", "options_of", "section", "text_of"]
QUEUE_LIBS = ("celery", "rq", "arq", "dramatiq", "huey", "taskiq", "saq")


@dataclass(frozen=True)
class Background:
    tasks: list[Task]
    schedules: list[Schedule]
    apps: list[tuple[str, Evidence, tuple[tuple[str, str], ...]]]
    routes: list[tuple[str, str, Evidence]]
    workers: list[tuple[str, str, Evidence]]  # (process name, command, where)


def background_inventory(repo: Repo) -> Background:
    """Everything the background section shows (memoise with `repo.derived`)."""
    apps = celery_apps(repo)
    names = {a[0].rsplit(".", 1)[-1] for a in apps if a[0]}
    tasks, schedules = other_tasks(repo)
    tasks = celery_tasks(repo, names) + tasks
    return Background(
        tasks=sorted(tasks, key=lambda t: (t.path, t.line, t.kind, t.name)),
        schedules=sorted(beat_schedules(repo) + schedules, key=lambda s: (s.path, s.line, s.entry)),
        apps=apps, routes=task_routes(repo), workers=worker_processes(repo),
    )


def find_tasks(repo: Repo) -> list[Task]:
    """Every background task/actor/job found in code, sorted by (path, line)."""
    return repo.derived(background_inventory).tasks


def find_queue_systems(repo: Repo) -> list[tuple[str, Evidence]]:
    """Task-queue libraries the project declares (manifest) or imports, with one piece of evidence
    each (the manifest line first), sorted by library."""
    found: dict[str, Evidence] = {}
    for dep in find_dependencies(repo):
        if dep.ecosystem == "python" and dep.name in QUEUE_LIBS and dep.kind != "dev":
            found.setdefault(dep.name, Evidence(dep.source, dep.line))
    tops = repo.derived(imported_top_levels)
    for path, facts in repo.python_items():
        for lib in QUEUE_LIBS:
            if lib in tops.get(path, set()) and lib not in found:
                line = next(i["line"] for i in facts["imports"] if i["module"].split(".")[0] == lib)
                found[lib] = Evidence(path, line)
    return sorted(found.items())


def _task_rows(tasks: list[Task]) -> tuple[dict[str, object], ...]:
    return tuple({"kind": t.kind, "name": t.name, "options": ", ".join(f"{k}={v}" for k, v in t.options) or "-",
                  "file": t.path, "line": t.line} for t in tasks)


def _facts(bg: Background, queues: list[tuple[str, Evidence]]) -> list[Fact]:
    facts = []
    for target, ev, settings in bg.apps:
        shown = ", ".join(f"{k}={v}" for k, v in settings) or "broker configured elsewhere"
        facts.append(Fact(Message("Celery app {value} ({shown})",
                                  value=target or Message("(unassigned)"), shown=shown), (ev,)))
    for pattern, queue, ev in bg.routes:
        facts.append(Fact(Message("Celery route: {pattern} -> queue {value}",
                                  pattern=pattern, value=queue or Message("not determined")), (ev,)))
    for name, command, ev in bg.workers:
        facts.append(Fact(Message("Worker process {name}: {command}",
                                  name=name, command=command), (ev,)))
    used = {t.kind for t in bg.tasks} | {"celery" for _ in bg.apps}
    for lib, ev in queues:
        if lib not in used:
            facts.append(Fact(Message("{lib} is declared but no task, actor or queue usage was found in code",
                                      lib=lib), (ev,)))
    return facts


def section(repo: Repo) -> Section:
    bg = repo.derived(background_inventory)
    queues = find_queue_systems(repo)
    tables = []
    if bg.tasks:
        tables.append(Table("tasks", "Background tasks", ("kind", "name", "options"), _task_rows(bg.tasks)))
    if bg.schedules:
        tables.append(Table("schedules", "Periodic schedules", ("kind", "entry", "task", "schedule"), tuple(
            {"kind": s.kind, "entry": s.entry, "task": s.task or "-", "schedule": s.schedule,
             "file": s.path, "line": s.line} for s in bg.schedules)))
    kinds = sorted({t.kind for t in bg.tasks})
    parts = [Message("{n} background tasks ({kinds})", n=len(bg.tasks), kinds=", ".join(kinds))] if bg.tasks else []
    if bg.schedules:
        parts.append(Message("{n} periodic schedules", n=len(bg.schedules)))
    headline = Message.joined("; ", parts) if parts else ""
    undetermined = () if bg.tasks or bg.schedules or queues else (
        Message("no background work (task queue, scheduler, BackgroundTasks) was found"),)
    return Section(key="background", title="Background work", facts=tuple(_facts(bg, queues)),
                   tables=tuple(tables), undetermined=undetermined, headline=headline)
