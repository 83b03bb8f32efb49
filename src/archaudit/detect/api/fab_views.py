"""Flask-AppBuilder view classes as the framework sees them: the project classes deriving from FAB's
BaseView/BaseApi families, their method resolution order, and the class attributes FAB reads when it
builds their blueprint (`route_base`, `resource_name`, `version`, `include_route_methods`,
`exclude_route_methods`), resolved statically through project constants such as
`RouteMethod.REST_MODEL_VIEW_CRUD_SET | {"export"}`.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from archaudit.detect.api.routers import has_test_role, resolve_symbol
from archaudit.languages.python.extract import parse
from archaudit.languages.python.facts import ClassFact, FunctionFact
from archaudit.languages.python.values import source
from archaudit.repo import Repo
from archaudit.resolve.python_index import import_aliases, imported_top_levels, qualified

ClassKey = tuple[str, str]  # (file, class name)
FAB_ATTRS = ("route_base", "resource_name", "version", "include_route_methods", "exclude_route_methods")
UNKNOWN = object()  # an attribute whose value could not be determined statically


@dataclass(frozen=True)
class FabClass:
    """A project class with its linearised ancestors: project classes (file, name) and FAB leaves."""

    file: str
    fact: ClassFact
    ancestors: tuple[ClassKey, ...]  # project classes, the class itself first
    fab_bases: tuple[str, ...]  # names of the flask_appbuilder classes reached (BaseApi, ModelView...)


def class_index(repo: Repo) -> dict[ClassKey, ClassFact]:
    """Every class of every non-test module by (file, name)."""
    return {(path, c["name"]): c for path, facts in repo.python_items()
            if not has_test_role(repo, path) for c in facts["classes"]}


def methods_index(repo: Repo) -> dict[ClassKey, dict[str, FunctionFact]]:
    """Methods defined directly in each class body, by (file, class name) then method name."""
    out: dict[ClassKey, dict[str, FunctionFact]] = {}
    for path, facts in repo.python_items():
        for fn in facts["functions"]:
            if fn["cls"] and fn["qualname"] == fn["cls"] + "." + fn["name"]:
                out.setdefault((path, fn["cls"]), {})[fn["name"]] = fn
    return out


def _bases(repo: Repo, key: ClassKey, classes: dict[ClassKey, ClassFact]) -> list[ClassKey | str]:
    """Direct bases: project classes as keys, flask_appbuilder classes as "fab:Name"; others dropped."""
    path = key[0]
    aliases = repo.derived(import_aliases).get(path, {})
    out: list[ClassKey | str] = []
    for base in classes[key]["bases"]:
        if not base or "[" in base or "(" in base:
            continue
        full = qualified(aliases, base)
        if full.startswith("flask_appbuilder."):
            out.append("fab:" + full.rsplit(".", 1)[-1])
            continue
        target = resolve_symbol(repo, path, base)
        if target is not None and target in classes and target != key:
            out.append(target)
    return out


def _linearise(repo: Repo, key: ClassKey, classes: dict[ClassKey, ClassFact],
               memo: dict[ClassKey, list[ClassKey | str]], depth: int = 0) -> list[ClassKey | str]:
    """C3 linearisation (Python's MRO) over project classes and FAB leaves; depth-first order when the
    hierarchy is inconsistent or too deep (the interpreter would refuse it anyway)."""
    if key in memo:
        return memo[key]
    memo[key] = [key]  # cycle guard
    bases = _bases(repo, key, classes) if depth < 20 else []
    seqs = [([b] if isinstance(b, str) else _linearise(repo, b, classes, memo, depth + 1)) for b in bases]
    memo[key] = [key, *_merge([list(s) for s in seqs] + [list(bases)])]
    return memo[key]


def _merge(seqs: list[list[ClassKey | str]]) -> list[ClassKey | str]:
    out: list[ClassKey | str] = []
    while True:
        seqs = [s for s in seqs if s]
        if not seqs:
            return out
        head = next((s[0] for s in seqs if not any(s[0] in t[1:] for t in seqs)), None)
        if head is None:  # inconsistent: keep first occurrences in depth-first order
            rest = [x for s in seqs for x in s]
            return out + [x for i, x in enumerate(rest) if x not in rest[:i] and x not in out]
        out.append(head)
        seqs = [s[1:] if s[0] == head else s for s in seqs]


def fab_classes(repo: Repo) -> dict[ClassKey, FabClass]:
    """Every project class that reaches a flask_appbuilder base class (directly or through project classes)."""
    out: dict[ClassKey, FabClass] = {}
    if not any("flask_appbuilder" in tops for tops in repo.derived(imported_top_levels).values()):
        return out
    classes = repo.derived(class_index)
    memo: dict[ClassKey, list[ClassKey | str]] = {}
    for key in sorted(classes):
        mro = _linearise(repo, key, classes, memo)
        fab = tuple(x[4:] for x in mro if isinstance(x, str))
        if fab:
            own = tuple(x for x in mro if not isinstance(x, str))
            out[key] = FabClass(key[0], classes[key], own, fab)
    return out


def attribute(repo: Repo, cls: FabClass, name: str) -> tuple[object, str, int]:
    """(value, file, line) of class attribute `name` as the first project class of the MRO binds it;
    (None, "", 0) when only FAB binds it; value UNKNOWN when it is not a resolvable constant."""
    classes = repo.derived(class_index)
    for key in cls.ancestors:
        for f in classes[key]["fields"]:
            if f["name"] == name and f["has_value"]:
                return _field_value(repo, key, name, f["value"]), key[0], f["line"]
    return None, "", 0


def _field_value(repo: Repo, key: ClassKey, name: str, value: object) -> object:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return frozenset(value)
    node = _parsed(repo, key[0]).get((key[1], name))
    return UNKNOWN if node is None else _eval(repo, key, node, 0)


def _class_assignments(repo: Repo) -> dict[str, dict[tuple[str, str], ast.expr]]:
    """Per file, memo of parsed class-level assignments (filled lazily by `_parsed`)."""
    return {}


def _parsed(repo: Repo, path: str) -> dict[tuple[str, str], ast.expr]:
    """Class-level `name = <expr>` assignments of one module, parsed from its text only when a FAB
    attribute is an expression the facts do not keep (`A.SET | {"x"}`)."""
    memo = repo.derived(_class_assignments)
    if path in memo:
        return memo[path]
    out: dict[tuple[str, str], ast.expr] = {}
    try:
        tree = parse(repo.text(path) or "")
    except (SyntaxError, ValueError, RecursionError):
        tree = ast.Module(body=[], type_ignores=[])
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            for stmt in node.body:
                target = stmt.targets[0] if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 else (
                    stmt.target if isinstance(stmt, ast.AnnAssign) else None)
                value = stmt.value if isinstance(stmt, ast.Assign | ast.AnnAssign) else None
                if isinstance(target, ast.Name) and value is not None:
                    out[(node.name, target.id)] = value
    memo[path] = out
    return out


def _eval(repo: Repo, key: ClassKey, node: ast.expr, depth: int) -> object:
    """A string or frozenset of strings built from literals, set operators and named constants
    (class fields or module constants of the project); UNKNOWN for anything else."""
    if depth > 8:
        return UNKNOWN
    if isinstance(node, ast.Constant):
        return node.value if isinstance(node.value, str) or node.value is None else UNKNOWN
    if isinstance(node, ast.Set | ast.List | ast.Tuple):
        items = [_eval(repo, key, e, depth + 1) for e in node.elts]
        return frozenset(items) if all(isinstance(i, str) for i in items) else UNKNOWN  # type: ignore[arg-type]
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr | ast.Sub | ast.BitAnd | ast.Add):
        left, right = _eval(repo, key, node.left, depth + 1), _eval(repo, key, node.right, depth + 1)
        if not (isinstance(left, frozenset) and isinstance(right, frozenset)):
            return UNKNOWN
        if isinstance(node.op, ast.Sub):
            return left - right
        return left & right if isinstance(node.op, ast.BitAnd) else left | right
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("set", "frozenset") \
            and len(node.args) <= 1 and not node.keywords:
        return _eval(repo, key, node.args[0], depth + 1) if node.args else frozenset()
    if isinstance(node, ast.Name | ast.Attribute):
        return _named(repo, key, source(node), depth)
    return UNKNOWN


def _named(repo: Repo, key: ClassKey, dotted: str, depth: int) -> object:
    """Value of a name read in class `key`'s body: a sibling field, `Class.FIELD`, or a module constant."""
    path, cls = key
    owner, _, attr = dotted.rpartition(".")
    if not owner:
        if (cls, attr) in _parsed(repo, path):  # a sibling field of the same class body
            return _eval(repo, key, _parsed(repo, path)[(cls, attr)], depth + 1)
        owner, attr = "", dotted
    target = resolve_symbol(repo, path, owner or attr)
    if target is None:
        return UNKNOWN
    tpath, tname = target
    if owner:  # Class.FIELD
        node = _parsed(repo, tpath).get((tname, attr))
        return UNKNOWN if node is None else _eval(repo, (tpath, tname), node, depth + 1)
    facts = repo.python.get(tpath)
    for a in facts["assigns"] if facts is not None else ():
        if a["target"] == tname and not a["func"] and not a["cls"]:
            v = a["value"]
            return v if isinstance(v, str) else (frozenset(v) if isinstance(v, list) and all(
                isinstance(x, str) for x in v) else UNKNOWN)
    return UNKNOWN
