"""TS127 ts-password-policy-missing."""

from __future__ import annotations

import re
from collections.abc import Iterator

from archaudit.detect.api.endpoint import is_auth_name
from archaudit.detect.api.express import framework_of, route_calls
from archaudit.detect.api.nest import find_nest_endpoints
from archaudit.detect.api.ts_apps import local_modules, serving
from archaudit.findings import Axis, Evidence, Hit, Message, Premise, Severity
from archaudit.languages.typescript.facts import ClassFact, MethodFact, TsFacts, expr_text
from archaudit.repo import Repo
from archaudit.resolve.typescript_index import resolve_import, ts_facts
from archaudit.rules.base import Rule

# the flows that set a password: registration, sign-up, password reset (by handler name or route path)
_FLOW = re.compile(r"regist|sign[-_]?up|reset", re.IGNORECASE)
_ROUTES = {"Post", "Put", "Patch", "Mutation"}
# a body creating a user or an account: a sign-up when the route is public
_CREATES_USER = re.compile(r"^Create(User|Account|Member|Customer)(Dto|DTO|Input|Request|Body)?$")
_FIELDS = ("password", "newPassword")
# class-validator decorators that bound what a password may be
_POLICY = {"MinLength", "Length", "IsStrongPassword", "Matches"}
# decorators that check presence or type only, or document the field
_PRESENCE = {"IsString", "IsNotEmpty", "IsDefined", "IsOptional", "ApiProperty", "ApiPropertyOptional", "Field",
             "Expose", "Type", "MaxLength", "IsNotBlank", "Trim"}
# packages whose use means strength is checked in code the DTO does not show
# request validation libraries: a handler file (or its route file) importing one may validate the body there
_SCHEMA_PACKAGES = ("joi", "zod", "yup", "express-validator", "celebrate", "ajv", "validator", "class-validator",
                    "@hapi/joi", "superstruct", "valibot", "express-joi-validation")
# Express routes of a self-registration (public): register, sign-up, reset, create-account
_EXPRESS_FLOW = re.compile(r"regist|sign[-_]?up|reset|create[-_]?account", re.IGNORECASE)
_NAMED_FLOW = re.compile(r"regist|sign[-_]?up|passw|create[-_]?account", re.IGNORECASE)
_STRENGTH_PACKAGES = ("zxcvbn", "@zxcvbn-ts/core", "password-validator", "check-password-strength",
                      "owasp-password-strength-test", "joi-password-complexity")


def _flow(method: MethodFact) -> str:
    """The route decorator text naming a registration/reset flow, "" when the handler is not one."""
    for d in method["decorators"]:
        if d["name"] in _ROUTES:
            path = next((a for a in d["args"] if isinstance(a, str)), "")
            if _FLOW.search(method["name"]) or _FLOW.search(path):
                return f"@{d['name']}({path!r}) {method['name']}"
    return ""


def _classes(repo: Repo) -> dict[str, list[tuple[str, ClassFact, bool]]]:
    """Classes of serving code by name: (file, class, the file imports class-validator)."""
    out: dict[str, list[tuple[str, ClassFact, bool]]] = {}
    for path, facts in repo.derived(ts_facts).items():
        if not serving(repo, path):
            continue
        validated = "class-validator" in local_modules(facts).values()
        for cls in facts["classes"]:
            out.setdefault(cls["name"], []).append((path, cls, validated))
    return out


def _public(repo: Repo) -> dict[tuple[str, str], bool | None]:
    """(handler file, "Class.method") -> the route's guard state: False when the project has guards and none
    applies, None when it shows no guard mechanism (see Endpoint.auth)."""
    return {(e.handler_file, e.handler): e.auth for e in repo.derived(find_nest_endpoints)}


def check(repo: Repo) -> Iterator[Hit]:
    """Reads the NestJS handlers of registration, sign-up and password-reset routes (@Post/@Put/@Patch or
    GraphQL @Mutation, named or routed `register`, `signup`, `reset`...), the class typing their @Body() or
    @Args() parameter, and that class's `password` / `newPassword` field. A POST taking a `CreateUserDto`
    (CreateAccount...) is a sign-up when no guard applies to it; when the project shows no guard mechanism
    at all, whether it is one is not determined. Reports a field whose
    class-validator decorators check presence or type only (IsString, IsNotEmpty...) with no MinLength,
    Length, IsStrongPassword or Matches. A DTO that cannot be resolved to one class, a field inherited
    from a base class, or a decorator of the project's own is not determined; a project using a
    password-strength package (zxcvbn, password-validator...) is left alone.

    Express: a public POST/PUT/PATCH route of registration, sign-up, reset or account creation (no auth
    middleware, no middleware other than a rate limiter) whose handler function, in the route file or the
    local module it is imported from, names the password and never bounds it (`password.length`, isLength,
    minLength...) while neither file imports a validation library (joi, zod, yup, express-validator...)
    and no local module they import bounds a password (a model's `len: [8, 64]`, `minlength`). A handler
    that cannot be resolved is not determined."""
    facts = repo.derived(ts_facts)
    if any(i["module"] in _STRENGTH_PACKAGES for f in facts.values() for i in f["imports"]):
        return
    yield from _express(repo, facts)
    classes: dict[str, list[tuple[str, ClassFact, bool]]] | None = None
    for path, f in facts.items():
        if not serving(repo, path):
            continue
        for cls in f["classes"]:
            for m in cls["methods"]:
                flow = _flow(m)
                for p in m["params"]:
                    if not any(d["name"] in ("Body", "Args") for d in p["decorators"]):
                        continue
                    dto = p["type"].removesuffix("[]")
                    if not dto.isidentifier():
                        continue
                    premises: tuple[Premise, ...] = ()
                    if not flow:
                        if not _CREATES_USER.match(dto) or not any(d["name"] == "Post" for d in m["decorators"]):
                            continue
                        auth = repo.derived(_public).get((path, f"{cls['name']}.{m['name']}"), True)
                        if auth:
                            continue  # guarded: an administrator creating users
                        flow = f"@Post {m['name']}"
                        premises = (Premise.unknown(Message("the route is a public sign-up"),
                                                    Message("the project shows no guard mechanism")),) \
                            if auth is None else (Premise(Message("the route is a public sign-up"),
                                                          evidence=(Evidence(path, m["line"]),)),)
                    if classes is None:
                        classes = _classes(repo)
                    yield from _judge(classes.get(dto, []), dto, flow, Evidence(path, m["line"]), premises)


def _judge(found: list[tuple[str, ClassFact, bool]], dto: str, flow: str, handler: Evidence,
           flow_premises: tuple[Premise, ...]) -> Iterator[Hit]:
    if len(found) != 1:
        return  # a type from a package or defined twice: nothing to read
    path, cls, validated = found[0]
    field = next((x for x in cls["fields"] if x["name"] in _FIELDS), None)
    if field is None:
        if cls["extends"]:
            yield Hit(path, cls["line"], Message("The password policy of {dto} is not visible.", dto=dto),
                      also=(handler,), key=f"password:{dto}",
                      premises=(Premise.unknown(Message("the DTO's password field is resolved"),
                                                Message("{dto} extends {base}, whose fields are not read",
                                                        dto=dto, base=cls["extends"][:80])),))
        return
    if not validated or not field["decorators"]:
        return  # validated some other way (a schema pipe) or not at all: TS103 and others speak to that
    names = [d["name"].rsplit(".", 1)[-1] for d in field["decorators"]]
    if _POLICY & set(names):
        return
    unknown = [n for n in names if n not in _PRESENCE]
    premises = flow_premises + ((Premise.unknown(Message("the password decorators are known"),
                                                 Message("{names} is the project's own decorator",
                                                         names=", ".join(unknown))),) if unknown else ())
    yield Hit(path, field["line"],
              Message("{dto}.{field}, taken by {flow}, accepts any non-empty string: its decorators ({names}) check "
                      "presence and type only (no MinLength, Length, IsStrongPassword or Matches).",
                      dto=dto, field=field["name"], flow=flow, names=", ".join(names)),
              also=(handler,), key=f"password:{dto}", premises=premises)


def _handler_range(repo: Repo, path: str, facts: TsFacts, handler: str) -> tuple[str, int, int] | None:
    """(file, first line, last line) of the function a route names: `createAccount` or `auth.register`,
    defined in the route file or in the local module the name is imported from."""
    head, _, name = handler.rpartition(".")
    target = path
    spec = local_modules(facts).get(head.split(".")[-1] if head else name)
    if spec and spec.startswith("."):
        target = resolve_import(repo, path, spec) or ""
    other = repo.derived(ts_facts).get(target)
    if other is None:
        return None
    for fn in other["functions"]:
        if fn["name"] == name:
            return target, fn["line"], fn["end"]
    for cls in other["classes"]:
        for m in cls["methods"]:
            if m["name"] == name:
                return target, m["line"], m["end"]
    return None


def _schema(facts: TsFacts) -> bool:
    return any(i["module"] in _SCHEMA_PACKAGES for i in facts["imports"])


def _bounded(repo: Repo, path: str, facts: TsFacts) -> bool:
    """A password bound in the file or in a local module it imports (a model's `len: [8, 64]`, `minlength`)."""
    if any(kind == "bound" for _, kind in facts.get("passwords", ())):
        return True
    all_facts = repo.derived(ts_facts)
    for spec in local_modules(facts).values():
        if spec.startswith("."):
            other = all_facts.get(resolve_import(repo, path, spec) or "")
            if other is not None and any(kind == "bound" for _, kind in other.get("passwords", ())):
                return True
    return False


def _express(repo: Repo, all_facts: dict[str, TsFacts]) -> Iterator[Hit]:
    """Express routes of a public registration/reset whose handler names the password and never bounds it."""
    for path, facts in all_facts.items():
        if not serving(repo, path) or not framework_of(facts) or _schema(facts):
            continue
        for call, verb, sub, first in route_calls(facts):
            if verb not in ("POST", "PUT", "PATCH") or not call["args"]:
                continue
            handler = expr_text(call["args"][-1])
            if not (_EXPRESS_FLOW.search(sub or "") or _EXPRESS_FLOW.search(handler)):
                continue
            middle = [expr_text(a) for a in call["args"][first:-1]]
            if any(is_auth_name(m) for m in middle):
                continue  # guarded: not a self-registration
            if any(not re.search(r"limit|throttl|slow", m, re.IGNORECASE) for m in middle):
                continue  # a middleware that may validate the body
            if not handler.replace(".", "").replace("_", "").isalnum():
                continue  # an inline function: its body is not read
            found = _handler_range(repo, path, facts, handler)
            route = Evidence(path, call["line"])
            if found is None:
                if not _NAMED_FLOW.search(f"{sub} {handler}"):
                    continue  # `/reset` of what? Without the handler, nothing says a password is set here
                yield Hit(path, call["line"], Message("The password policy of {route} is not visible.",
                                                      route=f"{verb} {sub}"),
                          key=f"password:{verb} {sub}",
                          premises=(Premise.unknown(Message("the route's handler is resolved"),
                                                    Message("{handler} is not resolved to a function definition",
                                                            handler=handler)),))
                continue
            file, start, end = found
            target = all_facts[file]
            if _schema(target) or _bounded(repo, file, target):
                continue
            reads = [n for n, kind in target.get("passwords", ()) if start <= n <= end and kind == "read"]
            if not reads:
                continue  # the handler hands the body on: the check, if any, is elsewhere
            yield Hit(file, reads[0],
                      Message("{handler}, the handler of {route}, accepts any password: it checks presence only "
                              "(no length or strength check, no validation schema).",
                              handler=handler, route=f"{verb} {sub}"),
                      also=(route,), key=f"password:{handler}")


RULE = Rule(
    id="TS127",
    name="ts-password-policy-missing",
    axis=Axis.SECURITY,
    severity=Severity.LOW,
    title="Registration accepts any password",
    impact="A sign-up or reset DTO that checks only that the password is a non-empty string lets users choose "
           "\"1\" or \"password\": accounts fall to the first guessing or credential-stuffing attempt.",
    action="Bound the field: @MinLength(8) (or @IsStrongPassword()) on the password of every registration and "
           "reset DTO, with a maximum length for hashing cost.",
    check=check,
    example_bad="@IsString()\n@IsNotEmpty()\npassword: string",
    example_good="@IsString()\n@MinLength(12)\n@MaxLength(128)\npassword: string",
)
