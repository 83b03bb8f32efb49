"""The facts extracted from one TypeScript/JavaScript file, as plain typed dicts.

Same conventions as the Python facts (`languages.python.facts`): plain dicts and lists, cacheable
with `marshal`, never tree-sitter nodes. A `Value` is a literal (str, int, float, bool, None, list,
dict) or `{"$": "source-ish text"}` for anything else: an identifier `{"$": "APP_GUARD"}`, a call
`{"$": "TypeOrmModule.forRoot()"}`, a template string `{"$": "`/users/${id}`"}` (backticks kept, so
`is_template` can tell it apart).
"""

from __future__ import annotations

from typing import Any, NotRequired, TypedDict

from archaudit.languages.python.facts import expr_text, is_expr

Value = Any
__all__ = ["ClassFact", "Decorator", "expr_text", "is_expr", "is_template", "template_text"]


class Decorator(TypedDict):
    name: str  # dotted name of the decorator (of the called function when it is a call)
    line: int
    call: bool
    args: list[Value]
    # per argument, the first argument of `new X(arg)` written there (None for other arguments and `new X()`);
    # present only when one argument has it: `@UsePipes(new ValidationPipe({ whitelist: true }))`
    new_options: NotRequired[list[Value]]


class Import(TypedDict):
    module: str  # the module specifier as written: "@nestjs/common", "./users.service", "fs"
    names: list[str]  # ["Controller", "b as c", "default as X", "* as ns"]; [] for side-effect/require
    line: int
    kind: str  # import | require | dynamic | reexport
    type_only: bool  # `import type ...` or every specifier is `type X`


class Param(TypedDict):
    name: str
    type: str  # annotation text ("" when absent), e.g. "UsersService", "Repository<User>"
    decorators: list[Decorator]


class MethodFact(TypedDict):
    name: str
    line: int
    end: int
    decorators: list[Decorator]
    params: list[Param]
    statements: int  # statements in the body, nested callbacks included
    branches: int  # if / loops / case / catch / ternaries in the body


class FieldFact(TypedDict):
    name: str
    line: int
    decorators: list[Decorator]
    type: str


class ClassFact(TypedDict):
    name: str
    line: int
    end: int
    decorators: list[Decorator]
    extends: str
    implements: list[str]
    methods: list[MethodFact]  # the constructor included, named "constructor"
    fields: list[FieldFact]
    exported: bool


class FunctionFact(TypedDict):
    name: str  # function declarations and `const f = (...) => ...` / `function` expressions
    line: int
    end: int
    statements: int
    branches: int


class CallFact(TypedDict):
    callee: str  # dotted callee text: "app.get", "this.queue.add", "new Queue", "router.route().get"
    line: int
    func: str  # enclosing "Class.method" or function name, "" at module level
    args: list[Value]


class ConstFact(TypedDict):
    name: str  # module-level `const NAME = <object/array/string literal>`
    line: int
    value: Value
    lines: dict[str, int]  # line of each top-level key of an object literal ({} otherwise)


class HeaderFact(TypedDict):
    name: str  # an HTTP header name written as a string literal: "X-Request-ID", "x-correlation-id"
    line: int


SETTING_KEYS = frozenset(
    {"synchronize", "dropSchema", "rejectUnauthorized", "NODE_TLS_REJECT_UNAUTHORIZED", "playground", "debug",
     "entities", "autoLoadEntities", "csrfPrevention", "hsts", "strictTransportSecurity"}
)
# `ctx.body = {...}` assignments are kept too (key "body"): what a Koa handler answers


class SettingFact(TypedDict):
    key: str  # one of SETTING_KEYS: an object-literal property, or the last part of an assignment target
    line: int
    value: Value
    func: str  # enclosing "Class.method" or function name, "" at module level
    keys: list[str]  # every key of the enclosing object literal, sorted, "..." for a spread ([] for an assignment)
    target: str  # the dotted assignment target ("process.env.NODE_TLS_REJECT_UNAUTHORIZED"), "" for a property


class EnvRead(TypedDict):
    name: str  # the variable of `process.env.NAME`, `process.env['NAME']` or `const { NAME } = process.env`
    line: int
    func: str  # enclosing "Class.method" or function name, "" at module level
    has_default: bool  # `process.env.X || d`, `?? d`, or a destructuring default
    default: Value  # the fallback when has_default, else None


class SinkFact(TypedDict):
    kind: str  # shell | eval | http | file | jwt | html (see languages.typescript.sinks)
    callee: str  # "child_process.exec", "axios.get", "res.sendFile", "dangerouslySetInnerHTML"
    line: int
    func: str
    origin: str  # where the first argument comes from: request | param | code | unknown (flow.origin)
    what: str  # the expression that brings it in ("req.query.url", "cmd (parameter of run)")
    prefix: str  # the literal text the argument starts with ("https://api.example.com/"), "" when none
    keys: list[str]  # keys of object-literal options passed after the first argument ({root: ...})
    arg: str  # the first argument's source text, cut


class EnvFallbackFact(TypedDict):
    name: str  # the variable read: `process.env.JWT_SECRET || "dev"` -> "JWT_SECRET"
    line: int
    func: str
    value: str  # the literal used when the variable is unset


class ErrorMiddlewareFact(TypedDict):
    """A four-parameter function `(err, req, res, next)`: Express's error-handling middleware signature."""
    name: str  # the declared function's qualified name, "" for a function written inline in `.use(...)`
    line: int
    inline: bool  # written as an argument of a `.use(...)` call (registered there)
    err: str  # the first parameter's name
    statuses: list[int]  # literal codes it sends: `.status(500)`, `.sendStatus(404)`, sorted, unique
    dynamic_status: bool  # a `.status(x)` / `.sendStatus(x)` whose code is not a literal
    reads_status: bool  # reads `err.status` / `err.statusCode` (or destructures them from err)
    calls_next: bool  # calls `next(...)`: hands the error on


class TsFacts(TypedDict):
    lines: int
    imports: list[Import]
    exports: list[str]  # exported names, "default" for a default export; sorted, unique
    classes: list[ClassFact]
    functions: list[FunctionFact]
    calls: list[CallFact]
    consts: list[ConstFact]
    headers: list[HeaderFact]  # string literals naming X-* headers (request ids, API keys...)
    id_names: list[HeaderFact]  # variables named for a request/correlation/trace id (`const requestId = ...`)
    settings: list[SettingFact]  # security-relevant options wherever they are written (SETTING_KEYS)
    env: list[EnvRead]  # environment variables read through process.env
    sinks: list[SinkFact]  # security-relevant calls with the origin of their input
    env_fallbacks: list[EnvFallbackFact]  # `process.env.X || "literal"` / `?? "literal"`
    error_middleware: list[ErrorMiddlewareFact]  # `.use((err, req, res, next) => ...)` and 4-parameter err functions
    errors: int  # ERROR/MISSING nodes tree-sitter had to insert (0 for clean code)
    # lines naming a password (`password`, `newPassword`...), [line, "read"], and lines bounding one,
    # [line, "bound"]: `password.length`, isStrongPassword / isLength / minLength; [] in most files
    passwords: list[list[Any]]


def is_template(value: Value) -> bool:
    """True for a template string with substitutions (`{"$": "`/a/${id}`"}`). (`expr_text` inlined: asked
    of every argument of every call by several detectors.)"""
    if not isinstance(value, dict) or len(value) != 1 or "$" not in value:
        return False
    text = value["$"]
    if not isinstance(text, str):
        text = str(text)
    return len(text) >= 2 and text[0] == "`" and text[-1] == "`"


def template_text(value: Value) -> str:
    """The body of a template-string Value without its backticks ("" for anything else)."""
    return expr_text(value)[1:-1] if is_template(value) else ""
