"""TS104 ts-nest-validation-no-whitelist."""

from __future__ import annotations

from collections.abc import Iterator

from archaudit.detect.api.nest_pipes import find_global_pipes, find_route_pipes
from archaudit.findings import Axis, Evidence, Hit, Message, Premise, Severity
from archaudit.repo import Repo
from archaudit.rules.base import Rule


def check(repo: Repo) -> Iterator[Hit]:
    """Reads the global ValidationPipe of each NestJS application (app.useGlobalPipes or an APP_PIPE
    provider building `new ValidationPipe(...)` from @nestjs/common) and its options, written inline or
    as a module-level constant of the file or of the file it is imported from. Reports a pipe whose
    options do not set `whitelist: true`; options that cannot be resolved are not determined.

    With no global ValidationPipe, the pipes built per route (@UsePipes(new ValidationPipe()) on a controller
    or handler, @Body(new ValidationPipe())) are read instead: those without `whitelist: true` are reported,
    one finding per file; options not written inline are not determined."""
    global_pipes = repo.derived(find_global_pipes)
    if not any(p.validation for p in global_pipes):
        yield from _route_hits(repo)
    for pipe in global_pipes:
        if not pipe.validation:
            continue
        if pipe.options is None:
            yield Hit(pipe.file, pipe.line, Message("The global ValidationPipe may keep properties the DTO does not "
                                                    "declare."),
                      key="whitelist",
                      premises=(Premise.unknown(Message("the ValidationPipe options are known"), pipe.why),))
        elif pipe.options.get("whitelist") is not True:
            yield Hit(pipe.file, pipe.line,
                      Message("The global ValidationPipe does not set `whitelist: true`: properties the DTO does "
                              "not declare reach the handlers (and the ORM when the DTO is spread into an entity)."),
                      key="whitelist")


def _route_hits(repo: Repo) -> Iterator[Hit]:
    by_file: dict[str, list[int]] = {}
    for pipe in repo.derived(find_route_pipes):
        if pipe.whitelist is None:
            yield Hit(pipe.file, pipe.line, Message("A route's ValidationPipe may keep properties the DTO does not "
                                                    "declare."),
                      key="whitelist-route-unknown",
                      premises=(Premise.unknown(Message("the ValidationPipe options are known"),
                                                Message("the options are not an object literal written in the "
                                                        "decorator")),))
        elif not pipe.whitelist:
            by_file.setdefault(pipe.file, []).append(pipe.line)
    for path, lines in by_file.items():
        yield Hit(path, lines[0],
                  Message("No global ValidationPipe, and the {n} route-level ValidationPipe(s) of this file do not "
                          "set `whitelist: true`: properties the DTO does not declare reach the handlers.",
                          n=len(lines)),
                  also=tuple(Evidence(path, line) for line in lines[1:]), key="whitelist-route")


RULE = Rule(
    id="TS104",
    name="ts-nest-validation-no-whitelist",
    axis=Axis.CONFIG_SECURITY,
    severity=Severity.LOW,
    title="The ValidationPipe keeps undeclared properties",
    impact="A client can send fields the DTO never declared (role, isAdmin, ownerId); when the body is saved "
           "or spread into an entity they are written too (mass assignment).",
    action="new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true }): strip, or reject, every property "
           "without a validation decorator.",
    check=check,
    example_bad="app.useGlobalPipes(new ValidationPipe())",
    example_good="app.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true }))",
)
