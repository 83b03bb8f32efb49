"""Background work other than Celery: RQ, arq, Dramatiq, APScheduler, FastAPI BackgroundTasks,
Django management commands, and worker processes declared in a Procfile or compose file."""

from __future__ import annotations

import re

from archaudit.detect.background.celery import Schedule, Task, options_of, text_of
from archaudit.findings import Evidence
from archaudit.languages.python.facts import CallFact, ModuleFacts
from archaudit.repo import Repo
from archaudit.resolve.python_index import calls_by_method, import_aliases, imported_top_levels, qualified

_WORKER_WORDS = re.compile(r"\b(celery|rq|arq|dramatiq|huey|taskiq|rqworker|rqscheduler)\b|\bworker\b")
_COMMAND_FILE = re.compile(r"(^|/)management/commands/([^/_][^/]*)\.py$")
_TRIGGER_KEYS = ("seconds", "minutes", "hours", "days", "weeks", "hour", "minute", "second", "day_of_week",
                 "day", "month", "run_date", "cron")
_ENQUEUE = {"enqueue": 0, "enqueue_call": 0, "enqueue_in": 1, "enqueue_at": 1}


def _enqueued(call: CallFact) -> str:
    index = _ENQUEUE[call["name"].rsplit(".", 1)[-1]]
    func = call["args"][index] if len(call["args"]) > index else call["kwargs"].get("func", "")
    return text_of(func).strip("'")


def _rq(path: str, facts: ModuleFacts, local: dict[str, str]) -> list[Task]:
    out = []
    for fn in facts["functions"]:
        for d in fn["decorators"]:
            if qualified(local, d["name"]) in ("rq.decorators.job", "rq.job"):
                queue = text_of(d["args"][0]) if d["args"] else text_of(d["kwargs"].get("queue", ""))
                out.append(Task("rq", fn["qualname"], path, fn["line"], (("queue", queue),)))
    for call in facts["calls"]:
        if call["name"].rsplit(".", 1)[-1] in _ENQUEUE and "." in call["name"]:
            out.append(Task("rq", _enqueued(call), path, call["line"], (("enqueued from", call["func"] or "module"),)))
    return out


def _arq(path: str, facts: ModuleFacts) -> tuple[list[Task], list[Schedule]]:
    tasks, schedules = [], []
    for cls in facts["classes"]:
        fields = {f["name"]: f for f in cls["fields"]}
        if cls["name"] != "WorkerSettings" and "functions" not in fields:
            continue
        funcs = fields.get("functions")
        if funcs and isinstance(funcs["value"], list):
            tasks += [Task("arq", text_of(v), path, funcs["line"]) for v in funcs["value"]]
        crons = fields.get("cron_jobs")
        if crons and isinstance(crons["value"], list):
            for v in crons["value"]:
                text = text_of(v)
                name = text[5:-1] if text.startswith("cron(") else text
                schedules.append(Schedule("arq cron", name, name, "cron (arguments in source)", path, crons["line"]))
    return tasks, schedules


def _dramatiq(path: str, facts: ModuleFacts, local: dict[str, str]) -> list[Task]:
    out = []
    for fn in facts["functions"]:
        for d in fn["decorators"]:
            if qualified(local, d["name"]) == "dramatiq.actor":
                name = d["kwargs"].get("actor_name")
                out.append(Task("dramatiq", name if isinstance(name, str) else fn["qualname"], path, fn["line"],
                                options_of(d["kwargs"], ("queue_name", "max_retries", "priority", "time_limit"))))
    return out


def _apscheduler(path: str, facts: ModuleFacts) -> list[Schedule]:
    out = []
    for call in facts["calls"]:
        if call["name"].endswith(".add_job") and call["args"]:
            trigger = call["args"][1] if len(call["args"]) > 1 else call["kwargs"].get("trigger", "")
            func = text_of(call["args"][0]).strip("'")
            entry = call["kwargs"].get("id")
            out.append(Schedule("apscheduler", entry if isinstance(entry, str) else func, func,
                                _trigger(trigger, call["kwargs"]), path, call["line"]))
    for fn in facts["functions"]:
        for d in fn["decorators"]:
            if d["name"].endswith(".scheduled_job"):
                trigger = d["args"][0] if d["args"] else d["kwargs"].get("trigger", "")
                out.append(Schedule("apscheduler", fn["qualname"], fn["qualname"],
                                    _trigger(trigger, d["kwargs"]), path, fn["line"]))
    return out


def _trigger(trigger: object, kwargs: dict[str, object]) -> str:
    extra = ", ".join(f"{k}={text_of(v)}" for k, v in sorted(kwargs.items()) if k in _TRIGGER_KEYS)
    return (text_of(trigger).strip("'") or "trigger not determined") + (f" ({extra})" if extra else "")


def _background_tasks(path: str, facts: ModuleFacts) -> list[Task]:
    params = {fn["qualname"]: {p for p, a in fn["annotations"].items() if a.endswith("BackgroundTasks")}
              for fn in facts["functions"]}
    out = []
    for call in facts["calls"]:
        owner, _, method = call["name"].rpartition(".")
        if method == "add_task" and owner in params.get(call["func"], set()) and call["args"]:
            out.append(Task("background-tasks", text_of(call["args"][0]).strip("'"), path, call["line"],
                            (("handler", call["func"]),)))
    return out


def other_tasks(repo: Repo) -> tuple[list[Task], list[Schedule]]:
    """Tasks and schedules of every non-Celery mechanism, unsorted."""
    aliases = repo.derived(import_aliases)
    tops = repo.derived(imported_top_levels)
    with_add_task = {path for path, call, _ in repo.derived(calls_by_method).get("add_task", ())
                     if call["name"].endswith(".add_task")}
    tasks: list[Task] = []
    schedules: list[Schedule] = []
    for path, facts in repo.python_items():
        if repo.by_path[path].role == "test":
            continue
        local, imported = aliases.get(path, {}), tops.get(path, set())
        if "rq" in imported:
            tasks += _rq(path, facts, local)
        if "arq" in imported or any(c["name"] == "WorkerSettings" for c in facts["classes"]):
            found, crons = _arq(path, facts)
            tasks, schedules = tasks + found, schedules + crons
        if "dramatiq" in imported:
            tasks += _dramatiq(path, facts, local)
        if "apscheduler" in imported:
            schedules += _apscheduler(path, facts)
        if path in with_add_task:
            tasks += _background_tasks(path, facts)
        m = _COMMAND_FILE.search(path)
        if m:
            cls = next((c for c in facts["classes"] if c["name"] == "Command"), None)
            if cls is not None:
                tasks.append(Task("django-command", m.group(2), path, cls["line"]))
    return tasks, schedules


def worker_processes(repo: Repo) -> list[tuple[str, str, Evidence]]:
    """Worker/scheduler processes from Procfiles and compose services (name, command, where)."""
    out = []
    for f in repo.find(name="Procfile"):
        for i, entry in enumerate(repo.lines(f.path), 1):
            name, sep, command = entry.partition(":")
            if sep and not name.startswith("#") and name.strip() != "web" and _WORKER_WORDS.search(command):
                out.append((name.strip(), command.strip()[:120], Evidence(f.path, i)))
    for f in repo.files:
        base = f.path.rsplit("/", 1)[-1]
        if f.role != "deploy" or not re.match(r"(docker-)?compose[^/]*\.ya?ml$", base):
            continue
        data = repo.yaml(f.path)
        services = data.get("services") if isinstance(data, dict) else None
        if not isinstance(services, dict):
            continue
        lines = repo.lines(f.path)
        for service, svc in sorted(services.items(), key=lambda kv: str(kv[0])):  # YAML keys may be 1, true...
            cmd = svc.get("command") if isinstance(svc, dict) else None
            text = " ".join(map(str, cmd)) if isinstance(cmd, list) else str(cmd or "")
            if _WORKER_WORDS.search(text):
                at = next((i for i, t in enumerate(lines, 1) if t.strip().startswith(f"{service}:")), 0)
                out.append((str(service), text[:120], Evidence(f.path, at)))
    return sorted(out, key=lambda w: (w[2].path, w[2].line, w[0]))
