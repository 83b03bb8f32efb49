"""TS121 ts-implicit-any-allowed.

`noImplicitAny` is what makes the compiler check a TypeScript backend at all: with it off, a parameter
or a variable without an annotation is silently `any`, and every call through it (request bodies,
ORM results, third-party payloads) escapes type checking. It is on under `"strict": true`; Nest's and
Express' starters often ship it off explicitly, and it is rarely turned back on.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from archaudit.detect.api.ts_apps import find_ts_apps
from archaudit.findings import Axis, Hit, Message, Premise, Severity
from archaudit.repo import Repo
from archaudit.resolve.typescript_index import nearest_tsconfig, tsconfig_external_base, tsconfig_options
from archaudit.rules.base import Rule

# the flags "strict" turns on that change what the compiler accepts in application code
_STRICT_FAMILY = ("noImplicitAny", "strictNullChecks", "strictBindCallApply", "strictFunctionTypes",
                  "strictPropertyInitialization", "noImplicitThis", "useUnknownInCatchVariables")


def _line(repo: Repo, path: str, key: str) -> int:
    """Line of `"key"` in the tsconfig file, else of "compilerOptions", else 1."""
    lines = repo.lines(path)
    for wanted in (key, "compilerOptions"):
        pattern = re.compile(r'["\']?' + wanted + r'["\']?\s*:')
        for n, text in enumerate(lines, 1):
            if pattern.search(text):
                return n
    return 1


def check(repo: Repo) -> Iterator[Hit]:
    """Reads the tsconfig.json nearest to each HTTP application created in TypeScript serving code
    (NestFactory.create, express(), new Koa(), fastify() in a .ts file), its compilerOptions merged
    through the in-repository `extends` chain. Reports it when `noImplicitAny` is effectively off:
    set to false, or left unset without `"strict": true`. A chain that extends a file outside the
    repository (a @tsconfig package) is not determined when the options read leave the flag unset."""
    seen: set[str] = set()
    for app in repo.derived(find_ts_apps):
        if not app.file.endswith((".ts", ".mts", ".cts", ".tsx")):
            continue
        folder = nearest_tsconfig(repo, app.file)
        if folder is None or folder in seen:
            continue
        seen.add(folder)
        opts, origin = tsconfig_options(repo, folder)
        path = (folder + "/" if folder else "") + "tsconfig.json"
        strict = opts.get("strict") is True
        off = [k for k in _STRICT_FAMILY if opts.get(k, strict) is not True]
        if "noImplicitAny" not in off:
            continue
        premises: tuple[Premise, ...] = ()
        base = tsconfig_external_base(repo, folder)
        if "noImplicitAny" in opts:
            where = origin["noImplicitAny"]
            message = Message("noImplicitAny is set to false: unannotated parameters and variables are `any` and "
                              "escape type checking (strict-family flags off: {names}).", names=", ".join(off))
        else:
            where = path
            message = Message("noImplicitAny is left unset without \"strict\": true, so it is off: unannotated "
                              "parameters and variables are `any` and escape type checking (strict-family flags "
                              "off: {names}).", names=", ".join(off))
            if base is not None:
                premises = (Premise.unknown(Message("the compiler options are known"),
                                            Message("the tsconfig extends {base}, which is not in the repository and "
                                                    "may set strict", base=base)),)
        yield Hit(where, _line(repo, where, "noImplicitAny"), message, key=f"implicit-any {where}", premises=premises)


RULE = Rule(
    id="TS121",
    name="ts-implicit-any-allowed",
    axis=Axis.DEVELOPER_EXPERIENCE,
    severity=Severity.LOW,
    title="The TypeScript backend compiles with implicit any allowed",
    impact="Unannotated parameters and values are typed `any`: request bodies, ORM results and payloads reach "
           "the code unchecked, and the compiler misses the mistakes types exist to catch.",
    action="Turn \"strict\": true (or at least \"noImplicitAny\": true) on in the backend's tsconfig.json, fixing "
           "the places it reveals module by module.",
    check=check,
    example_bad='{ "compilerOptions": { "noImplicitAny": false } }',
    example_good='{ "compilerOptions": { "strict": true } }',
)
