"""What a TypeScript/JavaScript argument holds when it names a constant: the value followed one hop.

A call's argument is kept at parse time as a literal or as its source text (`{"$": "jwtConstants.secret"}`).
Rules asking "is this value written in the code?" resolve it here, once, instead of each rule reading
imports: a module-level `const` of the same file, or one imported from a file of the repository
(`import { jwtConstants } from './constants'`, tsconfig path aliases included). Only one hop: a
constant built from another constant, a re-export, a function's result stay unresolved (None), so
a caller never states a value that the code computes.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from archaudit.languages.typescript.facts import ConstFact, Value, expr_text, is_expr
from archaudit.repo import Repo
from archaudit.resolve.typescript_index import resolve_import, ts_facts

_REFERENCE = re.compile(r"^([A-Za-z_$][\w$]*)(?:\.([A-Za-z_$][\w$]*))?$")


class Literal(NamedTuple):
    value: str  # the string itself (callers never print it: it may be a secret)
    path: str  # the file where it is written
    line: int


def _const(repo: Repo, path: str, name: str) -> ConstFact | None:
    facts = repo.derived(ts_facts).get(path)
    if facts is None:
        return None
    return next((c for c in facts["consts"] if c["name"] == name), None)


def _imported(repo: Repo, path: str, local: str) -> tuple[str, str] | None:
    """(file, exported name) of the named import that binds `local` in `path`, when it is a repository file."""
    facts = repo.derived(ts_facts).get(path)
    if facts is None:
        return None
    for imp in facts["imports"]:
        if imp["kind"] not in ("import", "require") or imp["type_only"]:
            continue
        for spec in imp["names"]:
            original, _, alias = spec.partition(" as ")
            if (alias or original) != local or original in ("*", "default"):
                continue
            target = resolve_import(repo, path, imp["module"])
            return (target, original) if target else None
    return None


def string_literal(repo: Repo, path: str, value: Value, line: int) -> Literal | None:
    """The string literal `value` (an argument read at `path`:`line`) holds: itself, or a module
    constant (`SECRET`, `jwtConstants.secret`) of this file or imported from another one. None
    when it is anything else (an environment read, a call, a template with substitutions, a
    constant that is not a plain string)."""
    if isinstance(value, str):
        return Literal(value, path, line)
    if not is_expr(value):
        return None
    match = _REFERENCE.match(expr_text(value))
    if match is None:
        return None
    name, key = match.group(1), match.group(2)
    const, where = _const(repo, path, name), path
    if const is None:
        found = _imported(repo, path, name)
        if found is None:
            return None
        where, exported = found
        const = _const(repo, where, exported)
        if const is None:
            return None
    held = const["value"]
    if key is None:
        return Literal(held, where, const["line"]) if isinstance(held, str) else None
    if isinstance(held, dict) and not is_expr(held) and isinstance(held.get(key), str):
        return Literal(held[key], where, const.get("lines", {}).get(key, const["line"]))
    return None
