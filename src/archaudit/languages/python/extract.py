"""Turn one Python source into `ModuleFacts` with a single walk over its AST.

Every analysis reads these facts; none re-parses the file. The walk is one recursive function with
a dispatch table by node type, so adding a fact costs one branch, not one more traversal.
"""

from __future__ import annotations

import ast
import re
import warnings
from typing import Any

from archaudit.languages.python.downlevel import downlevel
from archaudit.languages.python.facts import FunctionFact, ModuleFacts
from archaudit.languages.python.logs import is_log_call, reads
from archaudit.languages.python.signals import (
    IDENTIFIER,
    MUTATORS,
    WEB_OBJECTS,
    body_kind,
    exits,
    exposes_exception,
    guard_contexts,
    is_main_guard,
    is_shared,
    materialises,
)
from archaudit.languages.python.values import (
    MAX_ARGS,
    annotation,
    decorator,
    dotted,
    is_formatted_sql,
    is_interpolated,
    is_sql_text,
    source,
    value_of,
)

_BRANCHES = frozenset({ast.If, ast.For, ast.AsyncFor, ast.While, ast.Try, ast.With, ast.AsyncWith, ast.IfExp,
                       ast.BoolOp, ast.Match, ast.comprehension, ast.ExceptHandler})
_STATEMENTS = frozenset(c for c in vars(ast).values() if isinstance(c, type) and issubclass(c, ast.stmt))
_LEAF_FIELDS = frozenset({"ctx", "type_comment", "id", "attr", "arg", "asname", "module", "level", "kind",
                          "conversion", "is_async", "type_ignores"})
_FIELDS: dict[type, tuple[str, ...]] = {}
# names a function body reads that say it looks at who calls or what they may do (FunctionFact.reads)
IDENTITY_READ = re.compile(r"user|owner|tenant|author|creator|created_by|member|account|org|principal|identity|"
                           r"perm|role|admin|staff|scope|acl|polic|authori|allowed|access|can_|has_|ensure|"
                           r"check|assert|verify|guard|sub\b|uid", re.IGNORECASE)


class _Extractor:
    """Holds the lists being filled and the scope stacks during the single walk."""

    def __init__(self) -> None:
        self.facts: ModuleFacts = {
            "lines": 0, "docstring": False, "imports": [], "classes": [], "functions": [], "calls": [],
            "assigns": [], "raises": [], "withs": [], "mutations": [], "handlers": [], "names": [],
            "globals": [], "item_writes": [],
            "slices": [],
            "main_block": [],
            "type_aliases": [],
            "returns": [],
            "include_lists": [],
            "list_spans": [],
            "context_blocks": [],
            "logs": [],
            "loops": [],
        }
        self.names: set[str] = set()
        self.materialised: dict[tuple[str, str], str] = {}  # (function, local) -> ".all()" / "list()"
        self.local_values: dict[tuple[str, str], list[tuple[int, ast.AST | None]]] = {}  # (function, local) -> assigns
        self.sql_locals: set[tuple[str, str]] = set()  # (function, local) assigned SQL text (literal or formatted)
        self.counts: list[list[int]] = [[0, 0]]  # [statements, branches] per enclosing function
        self.func: list[str] = []  # qualname stack of enclosing functions
        self.func_end: list[int] = []  # last line of each enclosing function
        self.cls: list[str] = []  # enclosing class names
        self.locks = 0  # depth of enclosing lock contexts
        self.type_checking = 0
        self.dispatch: dict[type, Any] = {
            ast.Import: self.import_, ast.ImportFrom: self.import_from, ast.ClassDef: self.class_,
            ast.FunctionDef: self.function, ast.AsyncFunctionDef: self.function, ast.Call: self.call,
            ast.Assign: self.assign, ast.AnnAssign: self.assign, ast.AugAssign: self.assign,
            ast.Raise: self.raise_, ast.With: self.with_, ast.AsyncWith: self.with_,
            ast.ExceptHandler: self.handler, ast.If: self.if_, ast.Global: self.global_,
            ast.Return: self.return_, ast.Subscript: self.subscript, ast.For: self.for_, ast.AsyncFor: self.for_,
            ast.ListComp: self.comprehension, ast.SetComp: self.comprehension, ast.GeneratorExp: self.comprehension,
            ast.DictComp: self.comprehension,
        }

    # -- traversal -------------------------------------------------------------------------------
    def visit(self, node: ast.AST) -> None:
        cls = node.__class__
        if cls in _STATEMENTS:
            self.counts[-1][0] += 1
        if cls in _BRANCHES:
            self.counts[-1][1] += 1
        handler = self.dispatch.get(cls)
        if handler is not None:
            handler(node)
        elif cls is ast.Name:
            self.names.add(node.id)  # type: ignore[attr-defined]
        elif cls is ast.Attribute:
            self.names.add(node.attr)  # type: ignore[attr-defined]
            self.visit(node.value)  # type: ignore[attr-defined]
        else:
            self.children(node)

    def children(self, node: ast.AST) -> None:
        """Visit child nodes; faster than ast.iter_child_nodes (cached field names, no ctx)."""
        fields = _FIELDS.get(node.__class__)
        if fields is None:
            fields = _FIELDS[node.__class__] = tuple(f for f in node._fields if f not in _LEAF_FIELDS)
        visit = self.visit
        for name in fields:
            value = getattr(node, name, None)
            if value.__class__ is list:
                for item in value:
                    if isinstance(item, ast.AST):
                        visit(item)
            elif isinstance(value, ast.AST):
                visit(value)

    @property
    def scope(self) -> str:
        return self.func[-1] if self.func else ""

    # -- handlers --------------------------------------------------------------------------------
    def import_(self, node: ast.Import) -> None:
        local = bool(self.func) or self.type_checking > 0
        for alias in node.names:
            self.facts["imports"].append(
                {"module": alias.name, "names": [], "line": node.lineno, "level": 0, "local": local,
                 "alias": alias.asname or ""}
            )

    def import_from(self, node: ast.ImportFrom) -> None:
        self.facts["imports"].append({
            "module": node.module or "", "line": node.lineno, "level": node.level or 0,
            "names": [f"{a.name} as {a.asname}" if a.asname else a.name for a in node.names],
            "local": bool(self.func) or self.type_checking > 0, "alias": "",
        })

    def if_(self, node: ast.If) -> None:
        guard = dotted(node.test)
        if not self.func and is_main_guard(node.test):
            self.facts["main_block"] = [node.lineno, node.end_lineno or node.lineno]
            self.facts["context_blocks"].append(["script", node.lineno, node.end_lineno or node.lineno])
        self._guarded(node)
        if guard.endswith("TYPE_CHECKING"):
            self.type_checking += 1
            for stmt in node.body:
                self.visit(stmt)
            self.type_checking -= 1
            for stmt in node.orelse:
                self.visit(stmt)
            return
        self.children(node)

    def _guarded(self, node: ast.If) -> None:
        """Blocks an environment guard confines: the body of `if DEBUG:`, the else of
        `if not TESTING:`, and the rest of a function after `if not settings.DEBUG: return`."""
        body, orelse = guard_contexts(node.test)
        blocks = self.facts["context_blocks"]
        if body and node.body:
            blocks.append([body, node.body[0].lineno, node.body[-1].end_lineno or node.lineno])
        if orelse and node.orelse:
            blocks.append([orelse, node.orelse[0].lineno, node.orelse[-1].end_lineno or node.lineno])
        if orelse and not node.orelse and self.func_end and exits(node.body) \
                and (node.end_lineno or node.lineno) < self.func_end[-1]:
            blocks.append([orelse, (node.end_lineno or node.lineno) + 1, self.func_end[-1]])

    def class_(self, node: ast.ClassDef) -> None:
        fields = []
        for stmt in node.body:
            if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
                fields.append({"name": stmt.target.id, "line": stmt.lineno,
                               "annotation": dotted(stmt.annotation) or source(stmt.annotation, 80),
                               "value": value_of(stmt.value), "has_value": stmt.value is not None})
            elif isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
                fields.append({"name": stmt.targets[0].id, "line": stmt.lineno, "annotation": "",
                               "value": value_of(stmt.value), "has_value": True})
        self.facts["classes"].append({
            "name": node.name, "line": node.lineno, "end": node.end_lineno or node.lineno,
            "bases": [dotted(b) or type(b).__name__ for b in node.bases],
            "decorators": [decorator(d) for d in node.decorator_list],
            "keywords": {k.arg: value_of(k.value) for k in node.keywords if k.arg},
            "fields": fields,  # type: ignore[typeddict-item]
            "methods": [s.name for s in node.body if isinstance(s, ast.FunctionDef | ast.AsyncFunctionDef)],
        })
        for d in node.decorator_list:
            self.visit(d)
        for b in node.bases:
            self.visit(b)
        self.cls.append(node.name)
        saved, self.func = self.func, []
        for stmt in node.body:
            self.visit(stmt)
        self.func = saved
        self.cls.pop()

    def function(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        cls = self.cls[-1] if self.cls and not self.func else ""
        prefix = self.func[-1] + "." if self.func else (cls + "." if cls else "")
        qualname = prefix + node.name
        args = node.args
        params = [a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs)]
        annotations = {a.arg: annotation(a.annotation)
                       for a in (*args.posonlyargs, *args.args, *args.kwonlyargs) if a.annotation}
        if node.returns is not None:
            annotations["return"] = dotted(node.returns) or source(node.returns, 80)
        for ann in (*(a.annotation for a in (*args.posonlyargs, *args.args, *args.kwonlyargs)), node.returns):
            self._annotation_names(ann)
        positional = [*args.posonlyargs, *args.args]
        defaults = {a.arg: value_of(d) for a, d in zip(positional[len(positional) - len(args.defaults):],
                                                        args.defaults, strict=False)}
        defaults.update({a.arg: value_of(d) for a, d in zip(args.kwonlyargs, args.kw_defaults, strict=False)
                         if d is not None})
        fact: FunctionFact = {
            "qualname": qualname, "name": node.name, "cls": cls, "line": node.lineno,
            "end": node.end_lineno or node.lineno, "is_async": isinstance(node, ast.AsyncFunctionDef),
            "decorators": [decorator(d) for d in node.decorator_list], "params": params,
            "annotations": annotations, "defaults": defaults, "statements": 0,
            "branches": 0, "body": body_kind(node.body), "reads": [],
        }
        self.facts["functions"].append(fact)
        for d in node.decorator_list:
            self.visit(d)
        self.func.append(qualname)
        self.func_end.append(fact["end"])
        saved_locks, self.locks = self.locks, 0
        self.counts.append([0, 0])
        first_call = len(self.facts["calls"])
        outer_names, self.names = self.names, set()
        for stmt in node.body:
            self.visit(stmt)
        inner, self.names = self.names, outer_names
        outer_names |= inner
        wanted = set(params)
        fact["reads"] = sorted(n for n in inner if n in wanted or IDENTITY_READ.search(n))
        self.func_end.pop()
        self._console_function(node, qualname, first_call)
        statements, branches = self.counts.pop()
        fact["statements"], fact["branches"] = statements, branches
        self.counts[-1][0] += statements  # nested bodies count for the enclosing function too
        self.counts[-1][1] += branches
        self.locks = saved_locks
        self.func.pop()

    def _console_function(self, node: ast.FunctionDef | ast.AsyncFunctionDef, qualname: str, first_call: int) -> None:
        """A function that asks the operator (`input()`) talks to a console: script context. One
        named `debug_*` is a debugging aid (Celery's `debug_task`): dev context."""
        end = node.end_lineno or node.lineno
        if any(c["name"] == "input" and c["func"] == qualname for c in self.facts["calls"][first_call:]):
            self.facts["context_blocks"].append(["script", node.lineno, end])
        elif node.name == "debug" or node.name.startswith("debug_"):
            self.facts["context_blocks"].append(["dev", node.lineno, end])

    def call(self, node: ast.Call) -> None:
        name = dotted(node.func)
        if name:
            self.facts["calls"].append({
                "name": name, "line": node.lineno, "func": self.scope,
                "args": [value_of(a) for a in node.args[:MAX_ARGS]],
                "kwargs": {k.arg: value_of(k.value) for k in node.keywords if k.arg},
            })
            if any(k.arg is None for k in node.keywords):  # `**options`: keywords not known statically
                self.facts["calls"][-1]["star_kwargs"] = True
            method = name.rsplit(".", 1)[-1]
            owner = name[: -len(method) - 1]
            if is_log_call(name) and (node.args or node.keywords):
                self.facts["logs"].append({"line": node.lineno, "func": self.scope, "call": name,
                                           "reads": reads(node)})
            if method == "include" and node.args and isinstance(node.args[0], ast.List | ast.Tuple):
                self.facts["include_lists"].append([node.lineno, node.end_lineno or node.lineno])
            if self.func and owner and method in MUTATORS and is_shared(owner):
                self.facts["mutations"].append({"target": owner, "line": node.lineno, "func": self.scope,
                                                "kind": "call:" + method, "locked": self.locks > 0})
        self.children(node)

    def assign(self, node: ast.Assign | ast.AnnAssign | ast.AugAssign) -> None:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        value = value_of(node.value) if node.value is not None else None
        if not self.func and not self.cls and isinstance(node.value, ast.List | ast.Tuple) \
                and isinstance(targets[0], ast.Name) and node.end_lineno and node.end_lineno > node.lineno:
            self.facts["list_spans"].append([targets[0].id, node.lineno, node.end_lineno])
        if not self.func and isinstance(node.value, ast.Subscript) and isinstance(targets[0], ast.Name) \
                and dotted(node.value.value).endswith("Annotated"):
            self.facts["type_aliases"].append({"name": targets[0].id, "line": node.lineno,
                                               "text": source(node.value)})
        if self.func and isinstance(targets[0], ast.Name):  # None marks an augmented assignment
            self.local_values.setdefault((self.scope, targets[0].id), []).append(
                (node.lineno, None if isinstance(node, ast.AugAssign) else node.value))
        web_object = isinstance(node.value, ast.Call) \
            and dotted(node.value.func).rsplit(".", 1)[-1] in WEB_OBJECTS
        for t in targets:
            name = dotted(t)
            if not name:
                continue
            extends_sql = self._extends_sql(node, name, value)
            if not self.func or name.startswith(("self.", "app.", "settings.")) or "[" in name or web_object \
                    or is_formatted_sql(value) or extends_sql:
                self.facts["assigns"].append({"target": name, "line": node.lineno, "value": value,
                                              "func": self.scope, "cls": self.cls[-1] if self.cls else ""})
            if self.func and isinstance(node, ast.Assign) and isinstance(t, ast.Subscript) \
                    and isinstance(t.value, ast.Name) and isinstance(t.slice, ast.Constant):
                self.facts["item_writes"].append([t.value.id, node.lineno, self.scope])
            if self.func and is_shared(name.split("[")[0]) and ("." in name or "[" in name):
                kind = "subscript" if "[" in name else "assign"
                self.facts["mutations"].append({"target": name.split("[")[0], "line": node.lineno,
                                                "func": self.scope, "kind": kind, "locked": self.locks > 0})
        self.children(node)
        # recorded after the value is walked: in `rows = list(rows[:limit])` the slice reads the old `rows`
        if self.func and isinstance(targets[0], ast.Name) and materialises(node.value):
            self.materialised[(self.scope, targets[0].id)] = materialises(node.value)

    def _extends_sql(self, node: ast.Assign | ast.AnnAssign | ast.AugAssign, name: str, value: Any) -> bool:
        """`query = "SELECT ..."` then `query += f" ORDER BY {col}"`: the SQL is built across statements.
        Remembers the function's locals holding SQL text, and is True for an interpolated piece added to one
        (recorded as an assign of that piece, so SEC006 can follow `execute(query)` back to it)."""
        if not self.func:
            return False
        key = (self.scope, name)
        if not isinstance(node, ast.AugAssign):
            if is_formatted_sql(value) or is_sql_text(value):
                self.sql_locals.add(key)
            return False
        return key in self.sql_locals and isinstance(node.op, ast.Add) and is_interpolated(value)

    def return_(self, node: ast.Return) -> None:
        """Literal dict returns (`return {...}`, `return {...}, 400`) and `return <call>, 400`: keys and status."""
        value, status = node.value, 0
        if isinstance(value, ast.Tuple) and value.elts:
            second = value.elts[1] if len(value.elts) > 1 else None
            if isinstance(second, ast.Constant) and type(second.value) is int:
                status = second.value
            value = value.elts[0]
        if isinstance(value, ast.Dict) or status:
            keys = [k.value for k in value.keys[:30] if isinstance(k, ast.Constant) and isinstance(k.value, str)] \
                if isinstance(value, ast.Dict) else []
            self.facts["returns"].append({"line": node.lineno, "func": self.scope, "keys": keys, "status": status})
        self.children(node)

    def subscript(self, node: ast.Subscript) -> None:
        """`items[skip:skip + limit]` on a list materialised in the same function (in-memory paging)."""
        sl = node.slice
        if self.func and isinstance(sl, ast.Slice) and not all(
                b is None or isinstance(b, ast.Constant | ast.UnaryOp) for b in (sl.lower, sl.upper)):
            base = node.value
            source = self.materialised.get((self.scope, base.id), "") if isinstance(base, ast.Name) \
                else materialises(base)
            if source:
                bounds = sorted({n.id if isinstance(n, ast.Name) else n.attr  # type: ignore[union-attr]
                                 for b in (sl.lower, sl.upper) if b is not None for n in ast.walk(b)
                                 if isinstance(n, ast.Name | ast.Attribute)})  # `settings.PAGE_SIZE` too
                self.facts["slices"].append({"line": node.lineno, "func": self.scope, "target": dotted(base),
                                             "source": source, "bounds": bounds})
        self.children(node)

    def for_(self, node: ast.For | ast.AsyncFor) -> None:
        """A loop inside a function: its iterable's source and the attribute chains read off its item
        (what an N+1 check needs: `for o in Order.objects.all(): o.customer.name`)."""
        if self.func:
            self._loop(node.target, node.iter, list(node.body), node.lineno, node.end_lineno or node.lineno,
                       node.body[0].lineno)
        self.children(node)

    def comprehension(self, node: ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp) -> None:
        """`[o.customer.name for o in Order.objects.all()]`: a loop too (its first generator)."""
        if self.func and node.generators:
            gen = node.generators[0]
            body: list[ast.AST] = [node.key, node.value] if isinstance(node, ast.DictComp) else [node.elt]
            end = node.end_lineno or node.lineno
            self._loop(gen.target, gen.iter, body + list(gen.ifs) + list(node.generators[1:]), node.lineno, end,
                       node.lineno)
        self.children(node)

    def _loop(self, target_node: ast.AST, iter_node: ast.expr, body: list[ast.AST], line: int, end: int,
              first: int) -> None:
        target = target_node.id if isinstance(target_node, ast.Name) else ""
        chains: set[str] = set()
        if target:
            for stmt in body:
                for sub in ast.walk(stmt):
                    if isinstance(sub, ast.Attribute) and isinstance(sub.ctx, ast.Load):
                        chain = dotted(sub)
                        if chain.startswith(target + ".") and "(" not in chain and chain.count(".") <= 2:
                            chains.add(chain)
        sources = [[at, source(value, 300) if value is not None else "+="]
                   for at, value in self.local_values.get((self.scope, iter_node.id), [])[:10]
                   if at < line] if isinstance(iter_node, ast.Name) else []
        self.facts["loops"].append({"line": line, "end": end, "body": first, "func": self.scope, "target": target,
                                    "iter": source(iter_node, 300), "reads": sorted(chains)[:30],
                                    "sources": sources})

    def _annotation_names(self, node: ast.expr | None) -> None:
        """Names used only in a signature's annotations (incl. "quoted" forward references) count as read."""
        if node is None:
            return
        for sub in ast.walk(node):  # an annotation is a tiny subtree, not the module
            if isinstance(sub, ast.Name):
                self.names.add(sub.id)
            elif isinstance(sub, ast.Attribute):
                self.names.add(sub.attr)
            elif isinstance(sub, ast.Constant) and isinstance(sub.value, str) and len(sub.value) < 200:
                self.names.update(IDENTIFIER.findall(sub.value))

    def global_(self, node: ast.Global) -> None:
        self.facts["globals"].append({"names": list(node.names), "line": node.lineno, "func": self.scope})

    def raise_(self, node: ast.Raise) -> None:
        exc = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
        self.facts["raises"].append({"exc": dotted(exc), "line": node.lineno, "func": self.scope})
        self.children(node)

    def with_(self, node: ast.With | ast.AsyncWith) -> None:
        is_lock = False
        for item in node.items:
            ctx = dotted(item.context_expr.func if isinstance(item.context_expr, ast.Call) else item.context_expr)
            is_lock = is_lock or "lock" in ctx.lower() or "semaphore" in ctx.lower()
            self.facts["withs"].append({"ctx": ctx, "line": node.lineno, "end": node.end_lineno or node.lineno,
                                        "func": self.scope, "is_async": isinstance(node, ast.AsyncWith)})
        self.locks += is_lock
        self.children(node)
        self.locks -= is_lock

    def handler(self, node: ast.ExceptHandler) -> None:
        types = node.type.elts if isinstance(node.type, ast.Tuple) else [node.type] if node.type else []
        leaks = False
        if node.name:
            for sub in ast.walk(node):
                if isinstance(sub, ast.Return | ast.Call) and exposes_exception(sub, node.name):
                    leaks = True
                    break
        self.facts["handlers"].append({"types": [dotted(t) for t in types], "line": node.lineno,
                                       "func": self.scope, "leaks": leaks, "swallows": _swallows(node.body)})
        self.children(node)


_LOG_CALLS = frozenset({"debug", "info", "warning", "warn", "error", "exception", "critical", "log", "print",
                        "print_exc", "pprint", "echo", "secho"})


def _swallows(body: list[ast.stmt]) -> str:
    """What the handler body does when it only passes, logs or prints and carries on (`pass`,
    `continue`, `logger.error(...)`, `return None` / a constant or empty literal): "silent" when it
    logs nothing, "logged" when it logs or prints; "" when it does anything else (raise, a response...)."""
    logged = False
    for stmt in body:
        if isinstance(stmt, ast.Pass | ast.Continue | ast.Break):
            continue
        if isinstance(stmt, ast.Expr):
            if isinstance(stmt.value, ast.Constant):
                continue  # a docstring-like string or `...`
            if isinstance(stmt.value, ast.Call) and dotted(stmt.value.func).rsplit(".", 1)[-1] in _LOG_CALLS:
                logged = True
                continue
            return ""
        if isinstance(stmt, ast.Return):
            v = stmt.value
            if v is None or isinstance(v, ast.Constant) or (isinstance(v, ast.List | ast.Dict | ast.Tuple | ast.Set)
                                                              and not getattr(v, "elts", getattr(v, "keys", None))):
                continue
            return ""
        return ""
    return "logged" if logged else "silent"


def parse(source: str) -> ast.Module:
    """The module's tree; syntax newer than the running Python is read through `downlevel` (a
    3.12+ file is valid code whose facts must not be lost). Raises the original SyntaxError when
    the file is not valid Python of any version we know. The compiler's warnings about the audited
    code (an invalid escape such as '\\d') are its own business: they are not printed."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return ast.parse(source)
        except SyntaxError:
            older = downlevel(source)
            if older is None:
                raise
            try:
                return ast.parse(older)
            except SyntaxError:
                pass
            raise


def extract(source: str) -> ModuleFacts:
    """Parse `source` (raises SyntaxError/ValueError/RecursionError on bad input) and extract facts."""
    tree = parse(source)
    ex = _Extractor()
    ex.facts["lines"] = source.count("\n") + (0 if source.endswith("\n") or not source else 1)
    ex.facts["docstring"] = ast.get_docstring(tree) is not None
    for stmt in tree.body:
        ex.visit(stmt)
    ex.facts["names"] = sorted(ex.names)
    return ex.facts
