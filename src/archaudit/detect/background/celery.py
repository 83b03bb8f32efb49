"""Celery specifics for the background section: apps, tasks, beat schedules and task routes.

Decorators and calls are resolved through imports: `@shared_task` must come from `celery`, and
`@x.task` counts when `x` is a `Celery(...)` app of the repository or the file imports celery.
Beat `crontab(...)` arguments are not in the facts, so their text is read from the source lines of
the (few) schedule assignments only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import chain
from operator import itemgetter

from archaudit.findings import Evidence
from archaudit.languages.python.facts import FunctionFact, ModuleFacts, Value, expr_text, is_expr
from archaudit.redact import redact_text, redact_value
from archaudit.repo import Repo
from archaudit.resolve.python_index import calls_named, import_aliases, imported_top_levels, name_readers, qualified

TASK_OPTIONS = ("name", "queue", "bind", "max_retries", "autoretry_for", "retry_backoff", "retry_kwargs",
                "rate_limit", "acks_late", "time_limit", "soft_time_limit")
_SCHEDULE_TARGETS = ("beat_schedule", "CELERY_BEAT_SCHEDULE", "CELERYBEAT_SCHEDULE")
_ROUTE_TARGETS = ("task_routes", "CELERY_TASK_ROUTES", "CELERY_ROUTES")


@dataclass(frozen=True)
class Task:
    """One unit of background work: a task/actor/job function, or a scheduled or queued call."""

    kind: str  # celery | rq | arq | dramatiq | apscheduler | background-tasks | django-command
    name: str
    path: str
    line: int
    options: tuple[tuple[str, str], ...] = ()  # (option, value as text), sorted


@dataclass(frozen=True)
class Schedule:
    """One periodic entry (Celery beat, arq cron, APScheduler job with a trigger)."""

    kind: str
    entry: str
    task: str
    schedule: str
    path: str
    line: int


def text_of(value: Value) -> str:
    """A Value as short display text."""
    if is_expr(value):
        return expr_text(value)
    if isinstance(value, list):
        return "(" + ", ".join(text_of(v) for v in value) + ")"
    return repr(value) if isinstance(value, str) else str(value)


def options_of(kwargs: dict[str, Value], names: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    return tuple(sorted((k, text_of(v)) for k, v in kwargs.items() if k in names))


def _shown(name: str, value: Value) -> str:
    """A broker/backend URL without credentials: scheme only for literals, code text for expressions."""
    if isinstance(value, str) and "://" in value:
        return value.split("://", 1)[0] + "://…"
    return redact_text(text_of(value)) if is_expr(value) else str(redact_value(name, text_of(value)))


def celery_apps(repo: Repo) -> list[tuple[str, Evidence, tuple[tuple[str, str], ...]]]:
    """(app variable, where, broker/backend settings redacted) for every `Celery(...)` call."""
    out = []
    for path, call, _ in calls_named(repo, "celery.Celery"):
        if call["name"].endswith("Celery"):
            facts = repo.python[path]
            target = next((a["target"] for a in facts["assigns"] if a["line"] == call["line"]), "")
            settings = tuple(sorted((k, _shown(k, v)) for k, v in call["kwargs"].items()
                                    if k in ("broker", "backend", "include")))
            out.append((target, Evidence(path, call["line"]), settings))
    return sorted(out, key=lambda a: (a[1].path, a[1].line))


def celery_tasks(repo: Repo, app_names: set[str]) -> list[Task]:
    """Functions decorated with `@shared_task`, `@<celery app>.task` (or `.task` in a celery file)."""
    aliases = repo.derived(import_aliases)
    tops = repo.derived(imported_top_levels)
    readers = repo.derived(name_readers)  # a `task`/`shared_task` decorator is a name the module reads
    out = []
    for path in sorted({*readers.get("task", ()), *readers.get("shared_task", ())}):
        for fn in repo.python[path]["functions"]:
            for d in fn["decorators"]:
                if d["name"].endswith("task"):  # cheap filter: `task` or `shared_task` last
                    task = _celery_task(fn, aliases.get(path, {}), app_names, "celery" in tops.get(path, set()),
                                        path)
                    if task is not None:
                        out.append(task)
                    break
    return out


def _celery_task(fn: FunctionFact, local: dict[str, str], apps: set[str], imports_celery: bool,
                 path: str) -> Task | None:
    for d in fn["decorators"]:
        head, _, last = d["name"].rpartition(".")
        if last not in ("task", "shared_task"):
            continue
        q = qualified(local, d["name"])
        if q == "celery.shared_task" or (last == "task" and head and (head.rsplit(".", 1)[-1] in apps
                                                                       or imports_celery)):
            name = d["kwargs"].get("name")
            return Task("celery", name if isinstance(name, str) else fn["qualname"], path, fn["line"],
                        options_of(d["kwargs"], TASK_OPTIONS[1:]))
    return None


def _crontab_text(repo: Repo, path: str, start: int, entry: str) -> str:
    """The literal `crontab(...)` text of a beat entry, read from the lines after its key."""
    lines = repo.lines(path)
    seen = False
    for text in lines[start - 1: start + 200]:
        seen = seen or f'"{entry}"' in text or f"'{entry}'" in text
        m = re.search(r"crontab\([^()]*\)", text) if seen else None
        if m:
            return m.group(0)
    return "crontab(...)"


def _keywords(facts: ModuleFacts) -> set[str]:
    """Keyword names passed in the module's calls (a C-level pass: cheap filter before a scan)."""
    return set(chain.from_iterable(map(itemgetter("kwargs"), facts["calls"])))


def beat_schedules(repo: Repo) -> list[Schedule]:
    """Entries of `beat_schedule` dicts (assignments or `conf.update(beat_schedule=...)`)."""
    out = []
    for path, facts in repo.python_items():
        found = [(a["line"], a["value"]) for a in facts["assigns"]  # (suffixes hold no dot: no rsplit needed)
                 if a["target"].endswith(_SCHEDULE_TARGETS)]
        if "beat_schedule" in _keywords(facts):
            found += [(c["line"], c["kwargs"]["beat_schedule"]) for c in facts["calls"]
                      if "beat_schedule" in c["kwargs"]]
        for line, value in found:
            if not isinstance(value, dict):
                continue
            for entry, spec in sorted(value.items(), key=lambda kv: str(kv[0])):
                if not isinstance(spec, dict):
                    continue
                sched = spec.get("schedule")
                text = text_of(sched)
                if text.startswith("crontab("):
                    text = _crontab_text(repo, path, line, entry)
                elif isinstance(sched, int | float):
                    text = f"every {sched}s"
                out.append(Schedule("celery beat", entry, text_of(spec.get("task", "")).strip("'"), text,
                                    path, line))
    return out


def task_routes(repo: Repo) -> list[tuple[str, str, Evidence]]:
    """(task pattern, queue, where) from `task_routes` settings."""
    out = []
    for path, facts in repo.python_items():
        for a in facts["assigns"]:
            if not a["target"].endswith(_ROUTE_TARGETS) or not isinstance(a["value"], dict):  # no dot in suffixes
                continue
            for pattern, route in sorted(a["value"].items(), key=lambda kv: str(kv[0])):
                queue = route.get("queue", "") if isinstance(route, dict) else ""
                out.append((pattern, text_of(queue).strip("'"), Evidence(path, a["line"])))
    return out
