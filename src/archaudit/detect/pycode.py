"""Shared indexes over the Python facts, each computed once per audit via `repo.derived`.

Use these instead of re-looping over every module in each rule:
    aliases = repo.derived(import_aliases)[path]      # local name -> absolute dotted name
    qualified(aliases, "sa.text")                     # -> "sqlalchemy.text"
    repo.derived(calls_by_function)[(path, "get_user")]
"""

from __future__ import annotations

from collections import defaultdict

from archaudit.languages.python.facts import CallFact, FunctionFact
from archaudit.repo import Repo

FunctionKey = tuple[str, str]  # (path, qualname)


def import_aliases(repo: Repo) -> dict[str, dict[str, str]]:
    """Per file: the local name each import binds -> the absolute dotted name it stands for."""
    out: dict[str, dict[str, str]] = {}
    for path, facts in repo.python_items():
        names: dict[str, str] = {}
        for imp in facts["imports"]:
            module = repo.resolve_import(path, imp["module"], imp["level"])
            if not imp["names"]:
                if imp["alias"]:
                    names[imp["alias"]] = module
                else:
                    names[module.split(".")[0]] = module.split(".")[0]
                continue
            for name in imp["names"]:
                local, _, alias = name.partition(" as ")
                names[alias or local] = f"{module}.{local}" if module else local
        out[path] = names
    return out


def qualified(aliases: dict[str, str], dotted: str) -> str:
    """Expand the first part of a dotted name through the file's imports (unchanged if local)."""
    head, sep, rest = dotted.partition(".")
    target = aliases.get(head)
    if target is None:
        return dotted
    return target + sep + rest if sep else target


def imported_top_levels(repo: Repo) -> dict[str, set[str]]:
    """Per file: the top-level package names it imports (absolute imports only)."""
    out: dict[str, set[str]] = {}
    for path, facts in repo.python_items():
        out[path] = {imp["module"].split(".")[0] for imp in facts["imports"] if not imp["level"] and imp["module"]}
    return out


def function_index(repo: Repo) -> dict[FunctionKey, FunctionFact]:
    return {(path, fn["qualname"]): fn for path, facts in repo.python_items() for fn in facts["functions"]}


def calls_by_function(repo: Repo) -> dict[FunctionKey, list[CallFact]]:
    """Calls grouped by the function that makes them; module-level calls under qualname ""."""
    out: dict[FunctionKey, list[CallFact]] = defaultdict(list)
    for path, facts in repo.python_items():
        for call in facts["calls"]:
            out[(path, call["func"])].append(call)
    return dict(out)


def calls_within(repo: Repo, path: str, qualname: str) -> list[CallFact]:
    """Calls made by a function and by the functions nested in it."""
    index = repo.derived(calls_by_function)
    facts = repo.python[path]
    out = list(index.get((path, qualname), []))
    for fn in facts["functions"]:
        if fn["qualname"].startswith(qualname + "."):
            out.extend(index.get((path, fn["qualname"]), []))
    return sorted(out, key=lambda c: c["line"])
