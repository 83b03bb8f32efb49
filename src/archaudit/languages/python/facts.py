"""The facts extracted from one Python module, as plain typed dicts.

Plain dicts and lists (never AST nodes) so they can be cached with `marshal` and shared by every
analysis. A `Value` is a literal (str, int, float, bool, None, list, dict) or, for anything that is
not a literal, `{"$": "source-ish text"}` (e.g. `{"$": "settings.DEBUG"}`); see `is_expr`.
"""

from __future__ import annotations

from typing import Any, NotRequired, TypedDict

Value = Any


class Decorator(TypedDict):
    name: str  # dotted name of the decorator (of the called function when it is a call)
    line: int
    call: bool
    args: list[Value]
    kwargs: dict[str, Value]
    text: str  # source of the decorator when a keyword value is a subscript/call (else ""), e.g. list[User]


class Import(TypedDict):
    module: str  # absolute dotted module ("" for `from . import x`, then see level)
    names: list[str]  # `from m import a, b as c` -> ["a", "b as c"]; [] for `import m`
    line: int
    level: int  # relative import level
    local: bool  # inside a function or an `if TYPE_CHECKING` block
    alias: str  # `import a.b as c` -> "c"; "" otherwise


class Field(TypedDict):
    name: str
    line: int
    annotation: str
    value: Value  # None when there is no default (see `has_value`)
    has_value: bool


class ClassFact(TypedDict):
    name: str
    line: int
    end: int
    bases: list[str]
    decorators: list[Decorator]
    keywords: dict[str, Value]
    fields: list[Field]
    methods: list[str]


class FunctionFact(TypedDict):
    qualname: str  # Class.method or func or outer.inner
    name: str
    cls: str  # enclosing class name, "" for plain functions
    line: int
    end: int
    is_async: bool
    decorators: list[Decorator]
    params: list[str]
    annotations: dict[str, str]  # parameter name -> annotation text, "return" -> return annotation
    defaults: dict[str, Value]  # parameter name -> default value
    statements: int
    branches: int
    body: str  # code | pass | ellipsis | not-implemented | empty-return | docstring-only
    # names read in the body (nested functions included) that are parameters of the function or read
    # as identity/access vocabulary (user, owner, tenant, role, permission...): what the authorisation
    # rules need to tell whether a handler looks at who is calling, without keeping every name read
    reads: list[str]


class CallFact(TypedDict):
    name: str  # dotted callee, e.g. "db.session.commit", "requests.get", "Celery"
    line: int
    func: str  # qualname of the enclosing function, "" at module level
    args: list[Value]
    kwargs: dict[str, Value]
    star_kwargs: NotRequired[bool]  # present (True) when the call passes `**mapping`


class AssignFact(TypedDict):
    target: str  # dotted target, e.g. "DEBUG", "app.config.DEBUG", "app.config[SECRET_KEY]"
    line: int
    value: Value
    func: str  # enclosing function qualname, "" at module or class level
    cls: str


class RaiseFact(TypedDict):
    exc: str
    line: int
    func: str


class WithFact(TypedDict):
    ctx: str
    line: int
    end: int
    func: str
    is_async: bool


class MutationFact(TypedDict):
    target: str  # e.g. "self.sessions" or "CACHE"
    line: int
    func: str
    kind: str  # assign | subscript | call:<method>
    locked: bool  # inside a `with`/`async with` whose context names a lock


class HandlerFact(TypedDict):
    types: list[str]
    line: int
    func: str
    leaks: bool  # the handler body puts str(exc)/traceback into a return or response
    swallows: str  # the body only passes/returns a constant ("silent") or also logs ("logged"); "" otherwise


class TypeAliasFact(TypedDict):
    name: str
    line: int
    text: str  # source of the aliased type, e.g. "Annotated[User, Depends(get_current_user)]"


class ReturnFact(TypedDict):
    line: int
    func: str
    keys: list[str]  # string keys of a returned dict literal (`return {...}` or `return {...}, 400`); [] for a call
    status: int  # the int status of `return {...}, 400`, else 0


class GlobalFact(TypedDict):
    names: list[str]  # `global a, b` inside a function: the module globals it rebinds
    line: int
    func: str


class SliceFact(TypedDict):
    line: int
    func: str
    target: str  # what is sliced ("items", "db.query().all()")
    source: str  # how it was loaded: ".all()" | ".fetchall()" | "list()"
    bounds: list[str]  # names used in the slice bounds, e.g. ["limit", "skip"]


class LoopFact(TypedDict):
    line: int
    end: int
    body: int  # first line of the loop body
    func: str
    target: str  # the loop variable when it is a plain name, else ""
    iter: str  # source of the iterated expression (cut to 300 characters)
    reads: list[str]  # `target.a` / `target.a.b` attribute chains read (loaded) in the body, sorted, at most 30
    # when `iter` is a local name: [line, source] of its assignments earlier in the function ("+=" for augmented)
    sources: list[list[Any]]


class LogFact(TypedDict):
    line: int
    func: str
    call: str  # the logging call, e.g. "logger.info", "print"
    reads: list[str]  # dotted reads in its arguments (see languages.python.logs)


class ModuleFacts(TypedDict):
    lines: int
    docstring: bool
    imports: list[Import]
    classes: list[ClassFact]
    functions: list[FunctionFact]
    calls: list[CallFact]
    assigns: list[AssignFact]
    raises: list[RaiseFact]
    withs: list[WithFact]
    mutations: list[MutationFact]
    handlers: list[HandlerFact]
    names: list[str]  # every identifier and attribute name read in the module, sorted, unique
    globals: list[GlobalFact]
    # [name, line, function] of `NAME[<constant>] = value` in a function (a fixed slot of a module-level container)
    item_writes: list[list[Any]]
    slices: list[SliceFact]  # variable-bound slices of a list materialised in the same function
    main_block: list[int]  # [first, last] line of `if __name__ == "__main__":`, [] when absent
    type_aliases: list[TypeAliasFact]  # module-level `X = Annotated[...]` (FastAPI dependency aliases)
    returns: list[ReturnFact]  # literal dict returns, and `return <expr>, <int status>`
    include_lists: list[list[int]]  # [first, last] line of each `include([...])` with an inline list (Django urls)
    list_spans: list[list[Any]]  # [name, first, last line] of multi-line module-level `NAME = [...]` lists
    # [context, first, last line] of blocks whose execution context the code itself confines: "script"
    # (`if __name__ == "__main__":`, a function asking `input()`), "dev" (`if DEBUG:`, the rest of a function
    # after `if not DEBUG: return`, `debug_*` functions), "test" (`if TESTING:`, `if "test" in sys.argv:`)
    context_blocks: list[list[Any]]
    logs: list[LogFact]  # logging and print calls with what their arguments read
    loops: list[LoopFact]  # `for` statements and comprehensions in functions: what they iterate, what they read


def is_expr(value: Value) -> bool:
    """True when a Value stands for a non-literal expression."""
    return isinstance(value, dict) and "$" in value and len(value) == 1


def expr_text(value: Value) -> str:
    """The text of a non-literal Value, or "" for literals."""
    return str(value["$"]) if is_expr(value) else ""
