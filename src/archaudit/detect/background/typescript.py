"""Background work in TypeScript backends: Bull/BullMQ queues, their producers and processors,
scheduled jobs (@Cron/@Interval, node-cron, cron tables in constants), retry settings and a
separate worker entry point. Read from the facts only; nothing is guessed from file names except
the worker entry point, which also needs a bootstrap call to count.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from archaudit.findings import Message
from archaudit.languages.typescript.facts import Decorator, expr_text
from archaudit.repo import Repo
from archaudit.resolve.typescript_index import is_ts_test, ts_facts

_CRON = re.compile(
    r"^(@(yearly|annually|monthly|weekly|daily|hourly|midnight)|"
    r"(\S+\s+){4,5}\S+)$"
)
_CRON_FIELD = re.compile(r"^([\d*?/,\-LW#]+|[A-Za-z]{3}([-,][A-Za-z]{3})*)$")
_WORKER_FILE = re.compile(r"(^|/)(main[-._]worker|worker|worker[-._]main|main\.worker)\.[cm]?[jt]s$")
_BOOT = ("NestFactory.createApplicationContext", "NestFactory.create", "new Worker")


@dataclass(frozen=True, order=True)
class JobRecord:
    """One fact about background work: kind is queue | producer | processor | cron | worker."""

    kind: str
    name: str  # queue name, job type, schedule expression or entry-point file
    detail: str  # handler / retry options / where
    file: str
    line: int


def is_cron(text: str) -> bool:
    """True for a 5/6-field cron expression or a @daily-like macro."""
    text = text.strip()
    if not _CRON.match(text):
        return False
    return text.startswith("@") or all(_CRON_FIELD.match(f) for f in text.split())


def _retry(opts: object) -> str:
    if not isinstance(opts, dict):
        return ""
    parts = [f"{k}={expr_text(opts[k]) or opts[k]}" for k in ("attempts", "backoff") if k in opts]
    inner = opts.get("defaultJobOptions")
    return ", ".join(parts) or _retry(inner)


def _queue_name(args: list[object]) -> str:
    first = args[0] if args else None
    if isinstance(first, dict):
        first = first.get("name")
    return first if isinstance(first, str) else ""


def _deco_name(d: Decorator) -> str:
    return d["name"].rsplit(".", 1)[-1]


def _class_jobs(path: str, cls: dict, out: list[JobRecord]) -> None:  # type: ignore[type-arg]
    processor = next((d for d in cls["decorators"] if _deco_name(d) == "Processor"), None)
    queue = _queue_name(processor["args"]) if processor else ""
    if processor:
        out.append(JobRecord("processor", queue or "(default queue)", cls["name"], path, processor["line"]))
    for m in cls["methods"]:
        for d in m["decorators"]:
            base = _deco_name(d)
            arg = d["args"][0] if d["args"] else None
            if base == "Process":
                job = arg if isinstance(arg, str) else (arg.get("name") if isinstance(arg, dict) else None)
                out.append(
                    JobRecord(
                        "processor", f"{queue or '?'}:{job or '*'}", f"{cls['name']}.{m['name']}", path, d["line"]
                    )
                )
            elif base in ("Cron", "Interval", "Timeout"):
                expr = arg if isinstance(arg, str | int) else expr_text(arg)
                out.append(JobRecord("cron", str(expr), f"@{base} {cls['name']}.{m['name']}", path, d["line"]))
        if processor and m["name"] == "process" and cls["extends"] == "WorkerHost":
            out.append(JobRecord("processor", f"{queue or '?'}:*", f"{cls['name']}.process", path, m["line"]))


_JOB_METHODS = frozenset({"registerQueue", "registerQueueAsync", "add", "addBulk", "process"})
_JOB_CALLEES = frozenset({"new Queue", "new Bull", "new Worker", "cron.schedule", "schedule", "new CronJob",
                          "CronJob.from"})


def _call_jobs(path: str, call: dict, out: list[JobRecord]) -> None:  # type: ignore[type-arg]
    callee, args = call["callee"], call["args"]
    base = callee.rsplit(".", 1)[-1]
    if base not in _JOB_METHODS and callee not in _JOB_CALLEES:  # cheap filter: what the branches below match
        return
    receiver = callee[: -len(base) - 1].lower()
    if base in ("registerQueue", "registerQueueAsync") or callee in ("new Queue", "new Bull"):
        for arg in args if base.startswith("registerQueue") else args[:1]:
            name = _queue_name([arg])
            if name:
                out.append(JobRecord("queue", name, _retry(args[1] if len(args) > 1 else arg), path, call["line"]))
    elif callee == "new Worker" and args and isinstance(args[0], str):
        out.append(
            JobRecord("processor", f"{args[0]}:*", expr_text(args[1]) if len(args) > 1 else "", path, call["line"])
        )
    elif base in ("add", "addBulk") and "queue" in receiver and args and isinstance(args[0], str):
        opts = args[2] if len(args) > 2 else None
        detail = _retry(opts)
        repeat = opts.get("repeat") if isinstance(opts, dict) else None
        if isinstance(repeat, dict) and isinstance(repeat.get("cron") or repeat.get("pattern"), str):
            out.append(
                JobRecord(
                    "cron", str(repeat.get("cron") or repeat.get("pattern")), f"job {args[0]}", path, call["line"]
                )
            )
        out.append(JobRecord("producer", args[0], detail, path, call["line"]))
    elif base == "process" and "queue" in receiver and args and isinstance(args[0], str):
        out.append(
            JobRecord(
                "processor",
                f"{receiver.rsplit('.', 1)[-1]}:{args[0]}",
                expr_text(args[-1]) or "(inline function)",
                path,
                call["line"],
            )
        )
    elif (
        callee in ("cron.schedule", "schedule", "new CronJob", "CronJob.from")
        and args
        and isinstance(args[0], str)
        and is_cron(args[0])
    ):
        out.append(JobRecord("cron", args[0], callee, path, call["line"]))


def _const_crons(path: str, name: str, line: int, value: object, out: list[JobRecord]) -> None:
    """Cron tables in constants: {JOB: {expression: '0 9 * * *'}} or {JOB: '0 9 * * *'}."""
    if not isinstance(value, dict):
        return
    for key, item in sorted(value.items(), key=lambda kv: str(kv[0])):
        expr = (
            item
            if isinstance(item, str)
            else next(
                (
                    v
                    for k, v in item.items()
                    if k in ("expression", "cron", "pattern", "schedule") and isinstance(v, str)
                ),
                None,
            )
            if isinstance(item, dict)
            else None
        )
        if isinstance(expr, str) and is_cron(expr):
            out.append(JobRecord("cron", expr, f"{name}.{key}", path, line))


def find_ts_jobs(repo: Repo) -> list[JobRecord]:
    """Queues, producers, processors, schedules and worker entry points, sorted."""
    out: list[JobRecord] = []
    for path, facts in repo.derived(ts_facts).items():
        if is_ts_test(path):
            continue
        for cls in facts["classes"]:
            _class_jobs(path, cls, out)  # type: ignore[arg-type]
        for call in facts["calls"]:
            _call_jobs(path, call, out)  # type: ignore[arg-type]
        for const in facts["consts"]:
            _const_crons(path, const["name"], const["line"], const["value"], out)
        if _WORKER_FILE.search(path):
            boot = next((c for c in facts["calls"] if c["callee"].startswith(_BOOT)), None)
            if boot is not None:
                out.append(JobRecord("worker", path, boot["callee"], path, boot["line"]))
    handlers = {r.name.split(":", 1)[1]: r.detail for r in out if r.kind == "processor" and ":" in r.name}
    linked = [
        JobRecord(
            r.kind,
            r.name,
            Message.joined(", ", [x for x in (r.detail, Message("handled by {handler}", handler=handlers[r.name]))
                                  if x])
            if r.kind == "producer" and r.name in handlers
            else r.detail,
            r.file,
            r.line,
        )
        for r in out
    ]
    return sorted(set(linked))
