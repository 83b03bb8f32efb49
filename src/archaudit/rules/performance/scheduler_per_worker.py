"""PERF102 in-process-scheduler-under-several-workers."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from archaudit.detect.deploy.processes import multi_process_web
from archaudit.findings import Axis, Evidence, Hit, Message, Premise, Severity
from archaudit.repo import Repo
from archaudit.resolve.python_index import calls_named, function_index
from archaudit.rules.base import Rule
from archaudit.rules.performance.client_per_request import callers_closure

# APScheduler schedulers that run their jobs in a thread or loop of the process that starts them
# (BlockingScheduler is the one meant for a dedicated process: not listed)
SCHEDULERS = tuple(f"apscheduler.schedulers.{m}.{c}" for m, c in (
    ("background", "BackgroundScheduler"), ("asyncio", "AsyncIOScheduler"), ("gevent", "GeventScheduler"),
    ("tornado", "TornadoScheduler"), ("twisted", "TwistedScheduler")))
_APPS = ("flask.Flask", "fastapi.FastAPI", "starlette.applications.Starlette", "quart.Quart", "sanic.Sanic")
_HOOK_NAMES = ("create_app", "lifespan", "make_app", "build_app", "get_app")


@dataclass(frozen=True)
class _Site:
    path: str
    func: str
    line: int
    call: str


def _startup_hook(repo: Repo, path: str, qualname: str) -> bool:
    """A function the web application runs at start: an app factory, a lifespan, a startup event
    handler, Django's AppConfig.ready."""
    fn = repo.derived(function_index).get((path, qualname))
    if fn is None:
        return False
    if fn["name"] in _HOOK_NAMES or (fn["name"] == "ready" and fn["cls"] and any(
            b.endswith("AppConfig") for c in repo.python[path]["classes"] if c["name"] == fn["cls"]
            for b in c["bases"])):
        return True
    for d in fn["decorators"]:
        if d["name"].endswith(".on_event") and d["args"][:1] == ["startup"]:
            return True
        if d["name"].endswith((".before_first_request", ".before_serving", ".on_startup")):
            return True
    return False


def _in_web_process(repo: Repo, site: _Site, reach: dict[tuple[str, str], set[int]], index: int) -> Evidence | None:
    """Where the web application starts the scheduler: module level of the module creating the app,
    or a startup hook that creates it (itself or through one call)."""
    if not site.func:
        apps = [r for r in calls_named(repo, *_APPS) if r[0] == site.path]
        return Evidence(site.path, apps[0][1]["line"]) if apps else None
    for (path, qualname), found in sorted(reach.items()):
        if index in found and _startup_hook(repo, path, qualname):
            fn = repo.derived(function_index)[(path, qualname)]
            return Evidence(path, fn["line"])
    return None


def check(repo: Repo) -> Iterator[Hit]:
    """Looks for an APScheduler BackgroundScheduler / AsyncIOScheduler (threads or tasks of the
    current process) created by the web application itself: at module level of the module that
    creates the Flask/FastAPI/Starlette app, or in an app factory, lifespan, startup handler or
    Django AppConfig.ready (directly or through one call). The finding needs the deployment to run
    the web application as several processes (gunicorn/uvicorn/uWSGI workers > 1, replicas > 1);
    without such a statement in the repository it is not determined."""
    sites = [_Site(p, c["func"], c["line"], name.rsplit(".", 1)[-1]) for p, c, name in calls_named(repo, *SCHEDULERS)]
    if not sites:
        return
    reach = callers_closure(repo, sites, depth=1)
    several = multi_process_web(repo)
    for i, site in enumerate(sites):
        web = _in_web_process(repo, site, reach, i)
        if web is None:
            continue
        where = Message("at import of the application module") if not site.func \
            else Message("in {func}", func=site.func)
        premises = (Premise(Message("the web application starts the scheduler"), evidence=(web,)),
                    Premise(Message("the web application runs as several processes ({how})", how=several[0][0]),
                            evidence=tuple(dict.fromkeys(e for _, e in several))) if several else
                    Premise.unknown(Message("the web application runs as several processes"),
                                    Message("no worker or replica count above one is stated in the deployment files")))
        yield Hit(site.path, site.line, Message("{call}() is started by the web application ({where}): every server "
                                                "process runs its own scheduler, so each job runs once per worker and "
                                                "replica.", call=site.call, where=where),
                  key=f"{site.func}:{site.call}", premises=premises)


RULE = Rule(
    id="PERF102",
    name="in-process-scheduler-under-several-workers",
    axis=Axis.PERFORMANCE,
    severity=Severity.MEDIUM,
    title="An in-process scheduler runs in every web worker",
    impact="A scheduler started inside the web application lives in each server process: with 4 gunicorn "
           "workers (or 3 replicas) every job runs 4 (or 3) times at once: duplicate e-mails, double "
           "billing, races on the same rows; and a job stops whenever its worker is recycled.",
    action="Run the scheduler as its own single process (a `clock`/`scheduler` entry in the Procfile or a "
           "separate service with one replica: APScheduler's BlockingScheduler, celery beat), or take a "
           "distributed lock per job run.",
    check=check,
    example_bad="# gunicorn -w 4 app:app\napp = Flask(__name__)\nscheduler = BackgroundScheduler()\n"
                "scheduler.add_job(send_digest, 'cron', hour=8)\nscheduler.start()",
    example_good="# Procfile\n# web: gunicorn -w 4 app:app\n# clock: python clock.py  (BlockingScheduler, one process)",
)
