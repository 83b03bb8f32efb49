"""TS113 ts-nest-config-unvalidated."""

from __future__ import annotations

from collections.abc import Iterator

from archaudit.detect.api.ts_apps import importers, serving
from archaudit.findings import Axis, Hit, Message, Severity
from archaudit.languages.typescript.facts import expr_text, is_expr
from archaudit.repo import Repo
from archaudit.resolve.typescript_index import ts_facts
from archaudit.rules.base import Rule

_VALIDATING = frozenset({"validationSchema", "validate"})
# the options may come from elsewhere, or the factories in `load` may validate what they read
_ELSEWHERE = frozenset({"load"})
# env validation libraries, and calls handed process.env (schema.parse(process.env), cleanEnv(process.env))
_ENV_LIBS = ("envalid", "env-var", "@t3-oss/env-core", "@t3-oss/env-nextjs", "env-schema", "znv", "@sinclair/typebox")


def _env_validated(repo: Repo) -> bool:
    if importers(repo, _ENV_LIBS):
        return True
    for path, facts in repo.derived(ts_facts).items():
        if serving(repo, path):
            for call in facts["calls"]:
                if any(is_expr(a) and expr_text(a) == "process.env" for a in call["args"]) and \
                        not call["callee"].startswith(("console.", "Object.", "JSON.")):
                    return True
    return False


def check(repo: Repo) -> Iterator[Hit]:
    """Reads `ConfigModule.forRoot(...)` of @nestjs/config in serving code: with no options, or with an
    object literal holding neither `validationSchema` nor `validate`, the environment is read with no
    schema. Silent when the options are not a literal or are empty (a spread may supply them), when
    `load` factories are given (they may validate), when the repository uses an environment validation
    library (envalid, env-var, @t3-oss/env) or hands process.env to a call (`schema.parse(process.env)`)."""
    calls = []
    for path, facts in repo.derived(ts_facts).items():
        if not serving(repo, path) or not any(i["module"] == "@nestjs/config" for i in facts["imports"]):
            continue
        for call in facts["calls"]:
            if call["callee"] != "ConfigModule.forRoot":
                continue
            args = call["args"]
            if args and not (isinstance(args[0], dict) and args[0] and not is_expr(args[0])):
                continue
            keys = set(args[0]) if args else set()
            if not keys & (_VALIDATING | _ELSEWHERE):
                calls.append((path, call["line"]))
    if not calls or _env_validated(repo):
        return
    for path, line in calls:
        yield Hit(path, line, Message("ConfigModule.forRoot() has no validationSchema or validate: a missing or "
                                      "malformed environment variable is found only when code reads it."),
                  key="config unvalidated")


RULE = Rule(
    id="TS113",
    name="ts-nest-config-unvalidated",
    axis=Axis.CONFIG_SECURITY,
    severity=Severity.LOW,
    title="NestJS configuration read from the environment without a validation schema",
    impact="The application starts with a missing secret, a mistyped port or an unset database URL and fails "
           "later, on the first request that needs it, or runs with an undefined value (an empty JWT secret, "
           "a NaN timeout) instead of refusing to boot.",
    action="Give ConfigModule.forRoot a validationSchema (Joi) or a validate function (class-validator, zod) "
           "that requires every variable the application reads and types it.",
    check=check,
    example_bad="ConfigModule.forRoot({ isGlobal: true })",
    example_good="ConfigModule.forRoot({ isGlobal: true, validationSchema: Joi.object({\n"
                 "  DATABASE_URL: Joi.string().uri().required(), JWT_SECRET: Joi.string().min(32).required() }) })",
)
