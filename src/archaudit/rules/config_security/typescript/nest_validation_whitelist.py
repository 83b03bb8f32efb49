"""TS104 ts-nest-validation-no-whitelist."""

from __future__ import annotations

from collections.abc import Iterator

from archaudit.detect.api.nest_pipes import find_global_pipes
from archaudit.findings import Axis, Hit, Message, Premise, Severity
from archaudit.repo import Repo
from archaudit.rules.base import Rule


def check(repo: Repo) -> Iterator[Hit]:
    """Reads the global ValidationPipe of each NestJS application (app.useGlobalPipes or an APP_PIPE
    provider building `new ValidationPipe(...)` from @nestjs/common) and its options, written inline or
    as a module-level constant of the file or of the file it is imported from. Reports a pipe whose
    options do not set `whitelist: true`; options that cannot be resolved are not determined."""
    for pipe in repo.derived(find_global_pipes):
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


RULE = Rule(
    id="TS104",
    name="ts-nest-validation-no-whitelist",
    axis=Axis.CONFIG_SECURITY,
    severity=Severity.LOW,
    title="The global ValidationPipe keeps undeclared properties",
    impact="A client can send fields the DTO never declared (role, isAdmin, ownerId); when the body is saved "
           "or spread into an entity they are written too (mass assignment).",
    action="new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true }): strip, or reject, every property "
           "without a validation decorator.",
    check=check,
    example_bad="app.useGlobalPipes(new ValidationPipe())",
    example_good="app.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true }))",
)
