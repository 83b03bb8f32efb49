"""Dotted module names and database URLs written in literal Values (call arguments, assigned
values): what `usage.usage_index` needs to tell whether a dependency is named by a string.

Strings count at any depth, lists and dicts down to depth 5 (Tortoise's nested TORTOISE_ORM); an
expression `{"$": text}` counts like a string and is also searched for a database URL (see `ValueScanner.scan`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import chain
from operator import itemgetter
from typing import Any

from archaudit.languages.python.facts import ModuleFacts

_DOTTED = re.compile(r"^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*$")
_DSN = re.compile(r"\b(postgres(?:ql)?|mysql|mariadb|sqlite|oracle|mssql|postgis)(?:\+(\w+))?://", re.I)
# A URL scheme written alone, as ORMs' driver tables do ({"mysql": "mysql+aiomysql"}); a bare
# "postgresql"/"mysql" names the dialect's default driver (psycopg2, mysqlclient).
_SCHEME = re.compile(r"^(postgres(?:ql)?|mysql|mariadb|sqlite|oracle|mssql)(?:\+(\w+))?$", re.I)
_QUOTED_SCHEME = re.compile(r"[\"'](postgres(?:ql)?|mysql|mariadb|sqlite|oracle|mssql)\+(\w+)[\"':]", re.I)
_DJANGO_ENGINE = re.compile(r"django(?:\.contrib\.gis)?\.db\.backends\.(postgresql\w*|postgis|mysql|oracle|sqlite3)")

_Actions = tuple[tuple[str, ...], tuple[str, ...]]  # (dotted prefixes named, DSN tokens found)
_SCALARS = frozenset({int, float, bool, type(None)})
_VALUE, _ARGS, _KWARGS = itemgetter("value"), itemgetter("args"), itemgetter("kwargs")


def _is_text_expr(value: Any) -> bool:
    """`{"$": "some text"}`: an expression Value (see facts.is_expr) whose text is a str."""
    return value.__class__ is dict and len(value) == 1 and value.get("$").__class__ is str


class ValueScanner:
    """Collects dotted names and DSN tokens from literal Values. Facts repeat the same strings and
    expression texts many times, so what one text yields is computed once and memoised."""

    def __init__(self, dsn: dict[str, list[tuple[str, int]]]) -> None:
        self.dsn = dsn  # token -> [(path, line)], appended to
        self._prefixes: dict[str, tuple[str, ...]] = {}
        self._str: dict[str, _Actions] = {}
        self._expr: dict[str, _Actions] = {}

    def prefixes(self, dotted: str) -> tuple[str, ...]:
        """"a.b.c" -> ("a", "a.b", "a.b.c")."""
        out = self._prefixes.get(dotted)
        if out is None:
            parts = dotted.split(".")
            out = self._prefixes[dotted] = tuple(".".join(parts[:i]) for i in range(1, len(parts) + 1))
        return out

    def _str_actions(self, value: str) -> _Actions:
        actions = self._str.get(value)
        if actions is None:
            tokens: list[str] = []
            if _DOTTED.match(value) and len(value) < 120:
                prefixes = self.prefixes(value)
            else:
                prefixes = ()
                tokens += dsn_tokens(value)
            if _DJANGO_ENGINE.search(value) or (prefixes and _SCHEME.match(value)):
                tokens += dsn_tokens(value)
            actions = self._str[value] = (prefixes, tuple(tokens))
        return actions

    def _expr_actions(self, text: str) -> _Actions:
        """`{"$": text}`: the text is scanned for DSNs, then like any string."""
        actions = self._expr.get(text)
        if actions is None:
            prefixes, tokens = self._str_actions(text)
            actions = self._expr[text] = (prefixes, (*dsn_tokens(text), *tokens))
        return actions

    def scan_module(self, facts: ModuleFacts, path: str) -> set[str]:
        """Dotted names in the module's assigned values and call arguments; DSN tokens recorded.

        Fast path: the distinct top-level strings and expression texts are collected with
        comprehensions and looked up once each; nested values go through `scan`. Only a module where
        some text holds a database URL is scanned again value by value, for the line of each URL."""
        calls = facts["calls"]
        flat: list[Any] = list(map(_VALUE, facts["assigns"]))  # C-level flattening, no Python loop
        flat += chain.from_iterable(map(_ARGS, calls))
        flat += chain.from_iterable(map(dict.values, map(_KWARGS, calls)))
        strs = {v for v in flat if v.__class__ is str}
        rest = [v for v in flat if v.__class__ is not str and v.__class__ not in _SCALARS]
        try:
            exprs = {v["$"] for v in rest if v.__class__ is dict and len(v) == 1 and "$" in v}
        except TypeError:  # an unhashable "$" (never produced by the extractor)
            return self._scan_module_exact(facts, path)
        out: set[str] = set()
        with_urls = False
        for text in strs:
            prefixes, tokens = self._str.get(text) or self._str_actions(text)
            out.update(prefixes)
            with_urls = with_urls or bool(tokens)
        odd = [v for v in rest if not _is_text_expr(v)] if any(t.__class__ is not str for t in exprs) else \
            [v for v in rest if v.__class__ is not dict or len(v) != 1 or "$" not in v]
        for text in exprs:
            if text.__class__ is str:
                prefixes, tokens = self._expr.get(text) or self._expr_actions(text)
                out.update(prefixes)
                with_urls = with_urls or bool(tokens)
        if odd:
            probe: dict[str, list[tuple[str, int]]] = {}
            self.dsn, real = probe, self.dsn
            try:
                for v in odd:
                    self.scan(v, out, path, 0, 0)
            finally:
                self.dsn = real
            with_urls = with_urls or bool(probe)
        return self._scan_module_exact(facts, path) if with_urls else out

    def _scan_module_exact(self, facts: ModuleFacts, path: str) -> set[str]:
        """`scan_module` value by value, recording each DSN token with its line."""
        out: set[str] = set()
        for a in facts["assigns"]:
            self.scan(a["value"], out, path, a["line"], 0)
        str_memo, expr_memo, slow, add_tokens = self._str, self._expr, self.scan, self._add_tokens
        for c in facts["calls"]:
            args, kwargs = c["args"], c["kwargs"]
            if not args and not kwargs:
                continue
            for values in (args, kwargs.values()) if kwargs else (args,):
                for value in values:
                    kind = type(value)
                    if kind is dict:
                        text = value.get("$")
                        if type(text) is str and len(value) == 1:
                            actions = expr_memo.get(text) or self._expr_actions(text)
                        else:
                            slow(value, out, path, c["line"], 0)
                            continue
                    elif kind is str:
                        actions = str_memo.get(value) or self._str_actions(value)
                    else:
                        slow(value, out, path, c["line"], 0)
                        continue
                    if actions[0]:
                        out.update(actions[0])
                    if actions[1]:
                        add_tokens(actions[1], path, c["line"])
        return out

    def scan(self, value: Any, out: set[str], path: str, line: int, depth: int) -> None:
        """Strings at any depth; lists and dicts down to depth 5."""
        kind = type(value)
        if kind is str:
            prefixes, tokens = self._str_actions(value)
        elif kind is dict and depth < 5:
            if len(value) == 1 and type(value.get("$")) is str:
                prefixes, tokens = self._expr_actions(value["$"])
            else:
                if "$" in value and isinstance(value["$"], str):
                    self._add_tokens(dsn_tokens(value["$"]), path, line)
                for v in value.values():
                    self.scan(v, out, path, line, depth + 1)
                return
        elif kind is list and depth < 5:
            for v in value:
                self.scan(v, out, path, line, depth + 1)
            return
        elif isinstance(value, (str, list, dict)):
            self._scan_subclass(value, out, path, line, depth)
            return
        else:
            return
        if prefixes:
            out.update(prefixes)
        if tokens:
            self._add_tokens(tokens, path, line)

    def _scan_subclass(self, value: Any, out: set[str], path: str, line: int, depth: int) -> None:
        """Subclasses of str/list/dict (never produced by the extractor) and containers past depth 3."""
        if isinstance(value, str):
            self.scan(str(value), out, path, line, depth)
        elif isinstance(value, list) and depth < 5:
            self.scan(list(value), out, path, line, depth)
        elif isinstance(value, dict) and depth < 5:
            self.scan(dict(value), out, path, line, depth)

    def _add_tokens(self, tokens: tuple[str, ...] | list[str], path: str, line: int) -> None:
        for token in tokens:
            self.dsn.setdefault(token, []).append((path, line))


def dsn_tokens(text: str) -> list[str]:
    """Driver/database tokens named by the database URLs and Django engines in `text`."""
    if "://" not in text and "backends" not in text:
        quoted = [m.group(2).lower() for m in _QUOTED_SCHEME.finditer(text)] if "+" in text else []
        if quoted:  # an expression's quoted driver strings: `"mysql+asyncmy" if mysql else "postgresql+asyncpg"`
            return quoted
        m = _SCHEME.match(text)
        if m is None or not (m.group(2) or m.group(1)[0] in "pPmM"):
            return []
        # "~": a dialect named alone: evidence for its default driver, but no visible URL
        return [m.group(2).lower() if m.group(2) else "~" + m.group(1).lower()]
    out = [(m.group(2) or m.group(1)).lower() for m in _DSN.finditer(text)]
    for m in _DJANGO_ENGINE.finditer(text):
        token = "postgresql" if m.group(1).startswith(("postgres", "postgis")) else m.group(1).lower()
        out.append("mysqldb" if token == "mysql" else token)
    return out


def quoted_driver_strings(text: str) -> Iterator[re.Match[str]]:
    """Quoted `"scheme+driver"` strings in source text (group 2: the driver)."""
    return _QUOTED_SCHEME.finditer(text)
