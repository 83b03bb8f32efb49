"""PERF002 heavy-work-inline-despite-queue."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator

from archaudit.detect.background.section import find_queue_systems
from archaudit.findings import Axis, Evidence, Hit, Message, Severity
from archaudit.repo import Repo
from archaudit.resolve.python_index import calls_by_function, calls_named, function_index, import_aliases, qualified
from archaudit.rules.base import Rule
from archaudit.rules.performance._handlers import request_handlers

_PARSERS = frozenset({"csv.reader", "csv.DictReader", "pandas.read_csv", "pandas.read_excel", "pandas.read_json",
                      "pandas.read_parquet", "openpyxl.load_workbook", "xlrd.open_workbook", "tablib.import_set"})
_INLINE_SCHEDULER = re.compile(r"^(Immediate|Inline|Sync|Synchronous|Eager)\w*(Scheduler|Executor|Runner|Dispatcher)$")


def _parsing_functions(repo: Repo) -> dict[tuple[str, str], tuple[str, int]]:
    """(path, function qualname) -> (parser called, line) for functions that parse files."""
    aliases = repo.derived(import_aliases)
    index = repo.derived(calls_by_function)
    out: dict[tuple[str, str], tuple[str, int]] = {}
    for path, qualname in sorted({(p, c["func"]) for p, c, _ in calls_named(repo, *_PARSERS)}):
        if not qualname or repo.by_path[path].role == "test":
            continue
        for call in index[(path, qualname)]:
            q = qualified(aliases.get(path, {}), call["name"])
            if q in _PARSERS:
                out.setdefault((path, qualname), (q, call["line"]))
    return out


def _inline_schedulers(repo: Repo) -> Iterator[tuple[str, int, str]]:
    for path, facts in repo.python_items():
        if repo.by_path[path].role == "test":
            continue
        for cls in facts["classes"]:
            if _INLINE_SCHEDULER.match(cls["name"]):
                yield path, cls["line"], cls["name"]


def check(repo: Repo) -> Iterator[Hit]:
    """Only when a task queue (celery, rq, arq, dramatiq, huey...) is declared or imported: reports
    request handlers that parse files inline (csv readers, pandas.read_*, openpyxl, xlrd), directly or
    through a repository function they call (resolved by import, same file, or a method name defined
    once in the repository), and classes named like Immediate*/Inline*/Sync*Scheduler that run
    jobs in the caller instead of a queue."""
    queues = find_queue_systems(repo)
    if not queues:
        return
    lib, queue_ev = queues[0]
    parsers = _parsing_functions(repo)
    by_name: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for key in repo.derived(function_index):
        by_name[key[1].rsplit(".", 1)[-1]].append(key)
    unique = {name: keys[0] for name, keys in by_name.items() if len(keys) == 1}
    aliases = repo.derived(import_aliases)
    by_function = repo.derived(calls_by_function)
    for h in request_handlers(repo):
        direct = parsers.get((h.path, h.qualname))
        if direct is not None:
            yield Hit(h.path, direct[1], Message("Handler {qualname} ({route}) parses files inline with {direct} "
                                                 "although {lib} is available for background work.",
                                                 qualname=h.qualname, route=h.route, direct=direct[0], lib=lib),
                      also=(queue_ev,), key=h.qualname)
            continue
        for call in by_function.get((h.path, h.qualname), []):
            target = _callee(repo, aliases.get(h.path, {}), h.path, call["name"], unique)
            if target is not None and target in parsers:
                parser, line = parsers[target]
                yield Hit(h.path, call["line"], Message("Handler {qualname} ({route}) calls {target}, which parses "
                                                        "files inline with {parser}, although {lib} is available "
                                                        "for background work.",
                                                        qualname=h.qualname, route=h.route, target=target[1],
                                                        parser=parser, lib=lib),
                          also=(Evidence(target[0], line), queue_ev), key=h.qualname)
                break
    for path, line, name in _inline_schedulers(repo):
        yield Hit(path, line, Message("{name} runs jobs inline in the caller although {lib} is available for "
                                      "background work.",
                                      name=name, lib=lib), also=(queue_ev,), key=name)


def _callee(repo: Repo, local: dict[str, str], path: str, name: str, unique: dict[str, tuple[str, str]]
            ) -> tuple[str, str] | None:
    """The repository function a call reaches: a same-file function, an imported function, or a method
    whose name only one function of the repository defines; None when it cannot be told."""
    last = name.rsplit(".", 1)[-1]
    if "." not in name and name not in local:
        return (path, name)
    if name.split(".")[0] in local:
        q = qualified(local, name)
        target = repo.internal_path(q.rsplit(".", 1)[0]) if "." in q else None
        return (target, last) if target else None
    return unique.get(last)


RULE = Rule(
    id="PERF002",
    name="heavy-work-inline-despite-queue",
    axis=Axis.PERFORMANCE,
    severity=Severity.MEDIUM,
    title="File import processed inside the request although a task queue is available",
    impact="Large uploads keep a worker busy for the whole parse: requests time out, the client cannot "
           "follow progress, a failure cannot be retried, and the declared queue brings no benefit.",
    action="Store the upload, enqueue a job on the declared queue (Celery/RQ/arq...) and return 202 with a "
           "job id; report progress and failures through the job record.",
    check=check,
    example_bad='@router.post("/imports")\nasync def import_products(file: UploadFile):\n'
                '    rows = csv.DictReader(io.StringIO((await file.read()).decode()))\n'
                '    for row in rows: ...',
    example_good='@router.post("/imports", status_code=202)\nasync def import_products(file: UploadFile):\n'
                 '    path = await store(file)\n    job = import_products_task.delay(path)\n'
                 '    return {"job_id": job.id}',
)
