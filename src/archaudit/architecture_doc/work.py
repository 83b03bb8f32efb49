"""Background work (how a job is created, queued, handled, retried, scheduled and run) and the
job part of "how to add": read from `detect.background` (Python queues) and
`detect.background.typescript` (Bull/BullMQ, crons, worker entry points)."""

from __future__ import annotations

from collections import Counter

from archaudit.architecture_doc.places import quoted
from archaudit.detect.architecture.layers import is_test_path
from archaudit.detect.background.section import QUEUE_LIBS, Task, background_inventory
from archaudit.detect.background.typescript import JobRecord, find_ts_jobs
from archaudit.findings import Evidence, Message
from archaudit.model import Guide, Stage, Statement
from archaudit.repo import Repo
from archaudit.resolve.python_index import calls_written

_RETRY_OPTIONS = ("max_retries", "autoretry_for", "retry_backoff", "retry_kwargs", "retry")
_SHOWN = 5
TITLES = (Message("How a job is created"), Message("How it is queued"), Message("How it is handled"),
          Message("How it is retried"), Message("Schedules (crons)"), Message("Which process runs it"))


def _options(task: Task) -> str:
    return ", ".join(f"{k}={v}" for k, v in task.options)


def _decorator_place(repo: Repo, task: Task) -> Evidence:
    """The task's decorator line (what a new task copies), its own line when it has none."""
    for fn in (repo.python.get(task.path) or {"functions": []})["functions"]:
        if fn["line"] == task.line and fn["decorators"]:
            return quoted(repo, task.path, fn["decorators"][0]["line"])
    return quoted(repo, task.path, task.line)


def _task_functions(repo: Repo, tasks: list[Task]) -> set[str]:
    names = {t.name for t in tasks}
    for t in tasks:
        for fn in (repo.python.get(t.path) or {"functions": []})["functions"]:
            if fn["line"] == t.line:
                names.add(fn["name"])
    return names


def _enqueue_calls(repo: Repo, tasks: list[Task]) -> list[Evidence]:
    """`task.delay(...)` / `task.apply_async(...)` on a known task, outside tests."""
    names = _task_functions(repo, tasks)
    out = []
    for path, call, _ in calls_written(repo, "delay", "apply_async"):
        receiver = call["name"].rsplit(".", 2)
        if len(receiver) >= 2 and receiver[-2] in names and not is_test_path(repo, path):
            out.append(quoted(repo, path, call["line"]))
    return sorted(out, key=lambda e: (e.path, e.line))


def _python_stages(repo: Repo) -> list[Stage]:
    bg = repo.derived(background_inventory)
    queued = [t for t in bg.tasks if t.kind in QUEUE_LIBS]
    created = [Statement(Message("{value} enqueues a task", value=e.snippet.split("(", 1)[0] or Message("a call")),
                         (e,))
               for e in _enqueue_calls(repo, queued)[:_SHOWN]]
    created += [Statement(Message("{name} is run after the response by BackgroundTasks",
                                  name=t.name), (quoted(repo, t.path, t.line),))
                for t in bg.tasks if t.kind == "background-tasks"][:_SHOWN]
    created += [Statement(Message("{name} is enqueued with RQ",
                                  name=t.name), (quoted(repo, t.path, t.line),))
                for t in bg.tasks if t.kind == "rq" and dict(t.options).get("enqueued from")][:_SHOWN]
    brokers = [Statement(Message("Celery app {name}: {settings}", name=target or Message("(unassigned)"),
                                 settings=", ".join(f"{k}={v}" for k, v in settings)) if settings else
                         Message("Celery app {name}", name=target or Message("(unassigned)")), (ev,))
               for target, ev, settings in bg.apps]
    brokers += [Statement(Message("tasks matching {pattern} go to queue {value}",
                                  pattern=pattern, value=queue or Message("(not determined)")), (ev,))
                for pattern, queue, ev in bg.routes]
    handled = [Statement(Message("{kind} task {name} ({options})", kind=t.kind, name=t.name, options=_options(t))
                         if t.options else Message("{kind} task {name}", kind=t.kind, name=t.name),
                         (_decorator_place(repo, t),)) for t in queued[:_SHOWN * 2]]
    retrying = [t for t in queued if any(k in _RETRY_OPTIONS for k, _ in t.options)]
    retried = [Statement(Message("{name} retries: {value}", name=t.name, value=_options(t)),
                         (_decorator_place(repo, t),)) for t in retrying[:_SHOWN]]
    bare = [t for t in queued if t not in retrying]
    if bare:
        retried.append(Statement(Message("{n} task(s) declare no retry option in their decorator",
                                         n=len(bare)),
                                 tuple(_decorator_place(repo, t) for t in bare[:_SHOWN])))
    scheduled = [Statement(Message("{kind} {entry}: {task}, {schedule}", kind=s.kind, entry=s.entry,
                                   task=s.task or Message("(task not determined)"), schedule=s.schedule),
                           (quoted(repo, s.path, s.line),)) for s in bg.schedules[:_SHOWN * 2]]
    run_by = [Statement(Message("process {name}: {command}",
                                name=name, command=command), (where,)) for name, command, where in bg.workers]
    return _stages(created, brokers, handled, retried, scheduled, run_by)


def _stages(*parts: list[Statement]) -> list[Stage]:
    return [Stage(title, tuple(part)) for title, part in zip(TITLES, parts, strict=True) if part]


def _ts_stages(repo: Repo) -> list[Stage]:
    jobs = repo.derived(find_ts_jobs)

    def of(kind: str) -> list[JobRecord]:
        return [j for j in jobs if j.kind == kind]

    def said(j: JobRecord, text: str) -> Statement:
        return Statement(text, (quoted(repo, j.file, j.line),))

    created = [said(j, Message("job {name} is added to a queue ({detail})", name=j.name, detail=j.detail) if j.detail
                    else Message("job {name} is added to a queue", name=j.name)) for j in of("producer")[:_SHOWN]]
    queued = [said(j, Message("queue {name} is registered with defaults {detail}", name=j.name, detail=j.detail)
                   if j.detail else Message("queue {name} is registered", name=j.name)) for j in of("queue")]
    handled = [said(j, Message("{processor} handles {name}", processor=j.detail or Message("a processor"),
                               name=j.name)) for j in of("processor")[:_SHOWN * 2]]
    retried = [said(j, f"{j.kind} {j.name}: {j.detail.split(', handled by')[0]}") for j in of("queue") + of("producer")
               if "attempts" in j.detail or "backoff" in j.detail]
    crons = [said(j, f"{j.name}: {j.detail}") for j in of("cron")[:_SHOWN * 2]]
    run_by = [said(j, Message("worker entry point {name} ({detail})", name=j.name, detail=j.detail))
              for j in of("worker")]
    return _stages(created, queued, handled, retried, crons, run_by)


def background(repo: Repo) -> tuple[list[Stage], list[str]]:
    """The life of a job, stage by stage, Python then TypeScript; what is missing is said."""
    py, ts = _python_stages(repo), _ts_stages(repo)
    stages = _merge(py + ts)
    if not stages:
        return [], [Message("no background work (task queue, scheduler, BackgroundTasks, Bull queue, cron) was found")]
    titles = {s.title for s in stages}
    notes: list[str] = []
    if "How a job is created" not in titles:
        notes.append(Message("no call that creates a job (.delay, .apply_async, queue.add...) was found: how jobs "
                             "are created is not determined"))
    if "Which process runs it" not in titles and "How it is handled" in titles:
        notes.append(Message("no worker process (Procfile, compose, worker entry point) was found: what runs the "
                             "jobs is not determined"))
    return stages, notes


def _merge(stages: list[Stage]) -> list[Stage]:
    merged: dict[str, list[Statement]] = {}
    for s in stages:
        merged.setdefault(s.title, []).extend(s.statements)
    return [Stage(t, tuple(merged[t])) for t in TITLES if t in merged]


def _folder_of(paths: list[str]) -> tuple[str, int]:
    folders = Counter(p.rsplit("/", 1)[0] if "/" in p else "." for p in paths)
    folder, n = max(folders.items(), key=lambda kv: (kv[1], -len(kv[0])))
    return folder, n


def _python_job_guide(repo: Repo) -> tuple[list[Statement], list[str]] | None:
    bg = repo.derived(background_inventory)
    tasks = [t for t in bg.tasks if t.kind in QUEUE_LIBS]
    if not tasks:
        return None
    files = Counter(t.path for t in tasks)
    where, n = files.most_common(1)[0]
    if len(files) > 1:
        folder, n = _folder_of([t.path for t in tasks])
        where = folder + "/"
    example = next(t for t in tasks if t.path.startswith(where.rstrip("/")))
    steps = [Statement(Message("Write the task in {where} ({n} of {n2} tasks live there), declared like {name}",
                               where=where, n=n, n2=len(tasks), name=example.name),
                       (_decorator_place(repo, example),))]
    notes: list[str] = []
    retrying = next((t for t in tasks if any(k in _RETRY_OPTIONS for k, _ in t.options)), None)
    if retrying:
        steps.append(Statement(Message("Give it retry options as {name} does: {value}",
                                       name=retrying.name, value=_options(retrying)),
                               (_decorator_place(repo, retrying),)))
    else:
        notes.append(Message("no task declares retry options: there is no retry convention to follow"))
    calls = _enqueue_calls(repo, tasks)
    if calls:
        steps.append(Statement(Message("Enqueue it from the code that needs it, as the existing callers do"),
                               (calls[0],)))
    else:
        notes.append(Message("no call enqueuing a task (.delay, .apply_async) was found: how callers create jobs is "
                             "not determined"))
    if bg.schedules:
        s = bg.schedules[0]
        steps.append(Statement(Message("For a periodic job, add an entry to the schedule, like {entry} ({schedule})",
                                       entry=s.entry, schedule=s.schedule),
                               (quoted(repo, s.path, s.line),)))
    if bg.workers:
        name, command, declared = bg.workers[0]
        steps.append(Statement(Message("The process {name} runs it: {command}",
                                       name=name, command=command), (declared,)))
    else:
        notes.append(Message("no worker process declaration was found: which process runs the tasks is not "
                             "determined"))
    return steps, notes


def _ts_job_guide(repo: Repo) -> tuple[list[Statement], list[str]] | None:
    jobs = repo.derived(find_ts_jobs)
    processors = [j for j in jobs if j.kind == "processor"]
    if not processors:
        return None
    folder, _ = _folder_of([j.file for j in processors])
    first = next(j for j in processors if j.file.startswith(folder))
    steps = [Statement(Message("Write a job processor in {folder}/, like {value}",
                               folder=folder, value=first.detail.split('.')[0]),
                       (quoted(repo, first.file, first.line),))]
    method = next((j for j in processors if ":" in j.name and j.file == first.file and j.line != first.line), None)
    if method:
        steps.append(Statement(Message("Handle the job type with a method, as {detail} handles {name}",
                                       detail=method.detail, name=method.name),
                               (quoted(repo, method.file, method.line),)))
    notes: list[str] = []
    for kind, text, missing in (
            ("queue", Message("The queue is registered here"), Message("no queue registration")),
            ("producer", Message("Create the job by adding it to the queue, as the existing producer does"),
             Message("no producer (queue.add)")),
            ("cron", Message("For a periodic job, declare its schedule as the existing ones are"), ""),
            ("worker", Message("The job runs in the worker process started here"), Message("no worker entry point"))):
        record = next((j for j in jobs if j.kind == kind), None)
        if record is not None:
            options = record.detail.split(", handled by")[0] if kind != "worker" else ""
            said = (Message("{step}, with default job options {options}", step=text, options=options)
                    if kind == "queue" and options else
                    Message("{step} ({options})", step=text, options=options) if options else text)
            steps.append(Statement(said, (quoted(repo, record.file, record.line),)))
        elif missing:
            notes.append(Message("{missing} was found: that step is not determined",
                                 missing=missing))
    return steps, notes


def add_job_guide(repo: Repo) -> Guide:
    parts = [g for g in (_python_job_guide(repo), _ts_job_guide(repo)) if g is not None]
    if not parts:
        return Guide(Message("How to add a job"), (), (Message("no background job was found in the code: there is no "
                                                       "convention to derive the steps from"),))
    steps = tuple(s for p in parts for s in p[0])
    return Guide(Message("How to add a job"), steps, tuple(n for p in parts for n in p[1]))
