"""PERF104 ts-in-process-scheduler-under-several-workers."""

from __future__ import annotations

from collections.abc import Iterator

from archaudit.detect.api.ts_apps import find_ts_apps, local_modules, serving
from archaudit.detect.deploy.processes import multi_process_web
from archaudit.findings import Axis, Evidence, Hit, Message, Premise, Severity
from archaudit.repo import Repo
from archaudit.resolve.typescript_index import package_of, ts_facts
from archaudit.rules.base import Rule

_NEST_DECORATORS = ("Cron", "Interval")


def _sites(repo: Repo) -> Iterator[tuple[str, int, str, str]]:
    """(path, line, what, how) of in-process schedules: @Cron/@Interval methods (@nestjs/schedule),
    node-cron `cron.schedule(...)`, `new CronJob(...)` of the `cron` package; `how` is "nest" or "module"."""
    for path, facts in sorted(repo.derived(ts_facts).items()):
        if not serving(repo, path):
            continue
        modules = set(local_modules(facts).values())
        if "@nestjs/schedule" in modules:
            for cls in facts["classes"]:
                for m in cls["methods"]:
                    for d in m["decorators"]:
                        if d["name"] in _NEST_DECORATORS:
                            yield path, m["line"], f"@{d['name']} {cls['name']}.{m['name']}", "nest"
        locals_ = local_modules(facts)
        for call in facts["calls"]:
            head, _, method = call["callee"].partition(".")
            node_cron = method == "schedule" and locals_.get(head) == "node-cron"
            cron_job = call["callee"] in ("new CronJob", "CronJob.from") and locals_.get("CronJob") == "cron"
            if node_cron or cron_job:
                yield path, call["line"], f"{call['callee']}()", "module"


def check(repo: Repo) -> Iterator[Hit]:
    """Looks for jobs scheduled inside the web application: @Cron/@Interval methods of a NestJS
    package whose bootstrap creates the HTTP app with NestFactory.create, and node-cron / cron jobs
    scheduled in the module that creates the Express/Koa/Fastify/Nest app. The finding needs the
    deployment to run several server processes (pm2 `instances: N`, replicas, workers); otherwise
    it is not determined."""
    apps = [a for a in repo.derived(find_ts_apps) if not a.microservice]
    several = multi_process_web(repo)
    for path, line, what, how in _sites(repo):
        pkg = package_of(repo, path)
        folder = pkg.folder if pkg else ""
        if how == "nest":
            web = [a for a in apps if a.framework == "nestjs" and a.package == folder]
        else:
            web = [a for a in apps if a.file == path]
        if not web:
            continue
        premises = (Premise(Message("the web application runs the schedule"),
                            evidence=(Evidence(web[0].file, web[0].line),)),
                    Premise(Message("the web application runs as several processes ({how})", how=several[0][0]),
                            evidence=tuple(dict.fromkeys(e for _, e in several))) if several else
                    Premise.unknown(Message("the web application runs as several processes"),
                                    Message("no worker, pm2 instance or replica count above one is stated in the "
                                            "deployment files")))
        yield Hit(path, line, Message("{what} is scheduled inside the web application: every server process runs it, "
                                      "so the job runs once per process and replica.", what=what),
                  key=what, premises=premises)


RULE = Rule(
    id="PERF104",
    name="ts-in-process-scheduler-under-several-workers",
    axis=Axis.PERFORMANCE,
    severity=Severity.MEDIUM,
    title="A job scheduled inside the Node web app runs in every process",
    impact="With pm2 cluster instances or several replicas, every copy of the server runs each @Cron / "
           "node-cron job at the same time: duplicate notifications and charges, races on the same rows.",
    action="Run scheduled jobs in one dedicated process (a worker entry point with a single instance, a "
           "Kubernetes CronJob, a queue's repeatable jobs), or guard each run with a distributed lock.",
    check=check,
    example_bad="// ecosystem.config.json: \"instances\": 4\n@Injectable()\nexport class Digest {\n"
                "  @Cron('0 8 * * *')\n  send() { ... }\n}",
    example_good="// the digest runs in worker.ts (NestFactory.createApplicationContext), one instance",
)
