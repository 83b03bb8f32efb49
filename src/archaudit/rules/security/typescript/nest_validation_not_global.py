"""TS103 ts-nest-validation-not-global."""

from __future__ import annotations

from collections.abc import Iterator

from archaudit.detect.api.nest_pipes import find_global_pipes, find_validated_dtos
from archaudit.detect.api.ts_apps import find_ts_apps, serving
from archaudit.findings import Axis, Evidence, Hit, Message, Premise, Severity
from archaudit.repo import Repo
from archaudit.resolve.typescript_index import ts_facts
from archaudit.rules.base import Rule


def _pipes(decorators: list) -> bool:  # type: ignore[type-arg]
    return any(d["name"].rsplit(".", 1)[-1] == "UsePipes" for d in decorators)


def _body_dtos(repo: Repo, names: set[str]) -> list[tuple[str, int, str]]:
    """Handler parameters `@Body() dto: SomeDto` (or @Query) typed with a class-validator DTO, in handlers
    that do not opt in to validation (no @UsePipes on the method or class, no pipe given to @Body(...))."""
    out = []
    for path, facts in repo.derived(ts_facts).items():
        if not serving(repo, path):
            continue
        for cls in facts["classes"]:
            if _pipes(cls["decorators"]):
                continue
            for m in cls["methods"]:
                if _pipes(m["decorators"]):
                    continue
                for p in m["params"]:
                    decorated = any(d["name"] in ("Body", "Query") and all(isinstance(a, str) for a in d["args"])
                                    for d in p["decorators"])  # `@Body('user')` names a property, not a pipe
                    if decorated and p["type"].removesuffix("[]") in names:
                        out.append((path, m["line"], p["type"].removesuffix("[]")))
    return out


def check(repo: Repo) -> Iterator[Hit]:
    """Reads the NestJS bootstraps (NestFactory.create in serving code), the DTO classes carrying
    class-validator decorators, the handler parameters typed with them (@Body / @Query), and the global
    pipes (app.useGlobalPipes, APP_PIPE providers). Reports each bootstrap when handlers take validated
    DTOs and no global pipe is registered: the decorators are then enforced only where a handler opts in
    with @UsePipes or a parameter pipe. A bootstrap handed to set-up code outside the repository is not
    determined."""
    apps = [a for a in repo.derived(find_ts_apps) if a.framework == "nestjs"]
    if not apps or repo.derived(find_global_pipes):
        return
    dtos = repo.derived(find_validated_dtos)
    used = _body_dtos(repo, {d.name for d in dtos})
    if not used:
        return
    first = used[0]
    example = next(d for d in dtos if d.name == first[2])
    for app in apps:
        premise = (Premise.unknown(Message("the application's set-up is visible"),
                                   Message("the app is handed to {calls}, outside the repository",
                                           calls=", ".join(app.unfollowed)))
                   if app.unfollowed else Premise(Message("no global pipe is registered"), evidence=(Evidence(app.file,
                                                                                                     app.line),)))
        yield Hit(app.file, app.line,
                  Message("No global ValidationPipe: {n} handler parameter(s) typed with class-validator DTOs (e.g. "
                          "{name}) are never validated (no @UsePipes, no pipe on @Body).",
                          n=len(used), name=example.name),
                  also=(Evidence(first[0], first[1]), Evidence(example.file, example.line)),
                  key="no-global-validation", premises=(premise,))


RULE = Rule(
    id="TS103",
    name="ts-nest-validation-not-global",
    axis=Axis.SECURITY,
    severity=Severity.MEDIUM,
    title="NestJS DTO validation is not applied globally",
    impact="class-validator decorators do nothing by themselves: without a ValidationPipe, request bodies reach "
           "the handlers unchecked (wrong types, missing fields, oversized strings, extra properties).",
    action="Register the pipe once at bootstrap: app.useGlobalPipes(new ValidationPipe({ whitelist: true, "
           "forbidNonWhitelisted: true, transform: true })), or as an APP_PIPE provider.",
    check=check,
    example_bad="const app = await NestFactory.create(AppModule)\nawait app.listen(3000)",
    example_good="const app = await NestFactory.create(AppModule)\n"
                 "app.useGlobalPipes(new ValidationPipe({ whitelist: true }))\nawait app.listen(3000)",
)
