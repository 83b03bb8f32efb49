"""NestJS validation: the global pipes an application registers, the options of a global
`ValidationPipe`, and the DTO classes that carry class-validator decorators.

A global pipe is `app.useGlobalPipes(...)` in serving code or an `APP_PIPE` provider of a module.
The options of `new ValidationPipe(opts)` (from @nestjs/common) are resolved when written inline,
or named by a module-level constant of the same file or of the file it is imported from; otherwise
they are not determined (`GlobalValidation.options is None`, `why` says why).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from archaudit.detect.api.nest import find_nest_modules
from archaudit.detect.api.ts_apps import local_modules, serving
from archaudit.languages.typescript.facts import CallFact, Decorator, TsFacts, expr_text, is_expr
from archaudit.repo import Repo
from archaudit.resolve.typescript_index import resolve_import, ts_facts


@dataclass(frozen=True)
class GlobalPipe:
    """A global pipe registration; `validation` is set for a @nestjs/common ValidationPipe."""

    file: str
    line: int
    kind: str  # useGlobalPipes | APP_PIPE
    validation: bool
    options: dict[str, Any] | None  # the ValidationPipe options, {} when none are passed, None when unresolved
    why: str = ""  # why the options are not determined


@dataclass(frozen=True)
class RoutePipe:
    """A `new ValidationPipe(...)` given to @UsePipes on a controller or handler, or to a parameter decorator
    (`@Body(new ValidationPipe(...))`); `whitelist` is None when its options are not an inline literal."""

    file: str
    line: int
    whitelist: bool | None


@dataclass(frozen=True)
class Dto:
    name: str
    file: str
    line: int


def _const(repo: Repo, path: str, facts: TsFacts, name: str, depth: int = 0) -> tuple[Any, str]:
    """(value, "") of a module-level constant named `name` here or in the file it is imported from."""
    for const in facts["consts"]:
        if const["name"] == name:
            return const["value"], ""
    spec = local_modules(facts).get(name)
    target = resolve_import(repo, path, spec) if spec else None
    other = repo.derived(ts_facts).get(target or "")
    if other is None or depth > 2:
        return None, f"`{name}` is not a constant of {path} or of a file it imports"
    imported = next((n for i in facts["imports"] for n in i["names"] if n.rsplit(" as ", 1)[-1].strip() == name), "")
    original = imported.split(" as ", 1)[0].strip()
    if original == "default":  # `export default validationOptions`: the constant is taken to carry the local name
        original = name
    return _const(repo, target or "", other, original or name, depth + 1)


def _options(repo: Repo, path: str, facts: TsFacts, call: CallFact) -> tuple[dict[str, Any] | None, str]:
    if not call["args"]:
        return {}, ""
    arg = call["args"][0]
    if isinstance(arg, dict) and not is_expr(arg):
        return arg, ""
    name = expr_text(arg)
    if name.isidentifier():
        value, why = _const(repo, path, facts, name)
        if isinstance(value, dict) and not is_expr(value):
            return value, ""
        return None, why or f"`{name}` is not an object literal"
    return None, f"the options are computed ({name[:60]})"


def _validation_calls(facts: TsFacts) -> list[CallFact]:
    if local_modules(facts).get("ValidationPipe") != "@nestjs/common":
        return []
    return [c for c in facts["calls"] if c["callee"] == "new ValidationPipe"]


def find_global_pipes(repo: Repo) -> list[GlobalPipe]:
    """Every global pipe registered in serving code (memoise with repo.derived)."""
    out = []
    pipe_modules = {m.file: m.line for m in repo.derived(find_nest_modules)
                    if any(p.startswith("APP_PIPE") for p in m.providers)}
    for path, facts in repo.derived(ts_facts).items():
        if not serving(repo, path):
            continue
        pipes = _validation_calls(facts)
        for call in facts["calls"]:
            if not call["callee"].endswith(".useGlobalPipes"):
                continue
            # the ValidationPipe built in this statement: the first one from this line on, in the same function
            near = [p for p in pipes if p["func"] == call["func"] and call["line"] <= p["line"] <= call["line"] + 30]
            named = any("ValidationPipe" in expr_text(a) for a in call["args"])
            mine = near[0] if near and named else None
            options, why = _options(repo, path, facts, mine) if mine else (None, "")
            out.append(GlobalPipe(path, call["line"], "useGlobalPipes", mine is not None, options, why))
        if path in pipe_modules:
            mine = next(iter(pipes), None)
            options, why = _options(repo, path, facts, mine) if mine else (None, "")
            out.append(GlobalPipe(path, pipe_modules[path], "APP_PIPE", mine is not None, options, why))
    return out


def _route_pipe(decorator: Decorator) -> bool | str | None:
    """The whitelist setting of a ValidationPipe built in this decorator's arguments: True/False for an inline
    options literal (or none), None for options that are not a literal, "" when it builds no ValidationPipe."""
    options = decorator.get("new_options") or []
    for i, arg in enumerate(decorator["args"]):
        if expr_text(arg) != "new ValidationPipe()":
            continue
        first = options[i] if i < len(options) else None
        if first is None:  # `new ValidationPipe()`
            return False
        if isinstance(first, dict) and not is_expr(first):
            value = first.get("whitelist")
            if value is True:
                return True
            return None if is_expr(value) or "..." in first else False
        return None
    return ""


def find_route_pipes(repo: Repo) -> list[RoutePipe]:
    """Every ValidationPipe (from @nestjs/common) built in a decorator of serving code: @UsePipes on a
    controller class or handler, or a parameter decorator such as @Body(new ValidationPipe(...))."""
    out = []
    for path, facts in repo.derived(ts_facts).items():
        if not serving(repo, path) or local_modules(facts).get("ValidationPipe") != "@nestjs/common":
            continue
        for cls in facts["classes"]:
            decorators = list(cls["decorators"])
            for m in cls["methods"]:
                decorators += m["decorators"]
                decorators += [d for p in m["params"] for d in p["decorators"]]
            for d in decorators:
                whitelist = _route_pipe(d)
                if whitelist != "":
                    out.append(RoutePipe(path, d["line"], whitelist if isinstance(whitelist, bool) else None))
    return sorted(set(out), key=lambda p: (p.file, p.line))


def find_validated_dtos(repo: Repo) -> list[Dto]:
    """Classes of serving code with a field decorated by a class-validator decorator."""
    out = []
    for path, facts in repo.derived(ts_facts).items():
        if not serving(repo, path):
            continue
        validators = {n for n, m in local_modules(facts).items() if m == "class-validator"}
        if not validators:
            continue
        for cls in facts["classes"]:
            if any(d["name"].split(".", 1)[0] in validators for f in cls["fields"] for d in f["decorators"]):
                out.append(Dto(cls["name"], path, cls["line"]))
    return out


@dataclass(frozen=True)
class InputClass:
    """A class typing a handler's @Body() / @Args() parameter, resolved to one class of serving code."""

    name: str
    file: str
    line: int
    validated: bool  # a field carries a class-validator decorator


def find_input_classes(repo: Repo) -> list[InputClass]:
    """The request input classes of NestJS handlers (@Body() in controllers, @Args() in resolvers), each
    resolved by name to exactly one class of serving code (a name defined twice, or not in the repository,
    is left out), with whether it carries class-validator constraints."""
    all_facts = repo.derived(ts_facts)
    by_name: dict[str, list[InputClass]] = {}
    used: set[str] = set()
    for path, facts in all_facts.items():
        if not serving(repo, path):
            continue
        validators = {n for n, m in local_modules(facts).items() if m == "class-validator"}
        for cls in facts["classes"]:
            validated = any(d["name"].split(".", 1)[0] in validators for f in cls["fields"] for d in f["decorators"])
            by_name.setdefault(cls["name"], []).append(InputClass(cls["name"], path, cls["line"], validated))
            for m in cls["methods"]:
                for p in m["params"]:
                    if any(d["name"] in ("Body", "Args") for d in p["decorators"]):
                        used.add(p["type"].removesuffix("[]"))
    return sorted((found[0] for name in used if len(found := by_name.get(name, [])) == 1),
                  key=lambda c: (c.file, c.line))
