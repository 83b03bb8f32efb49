"""Shared indexes over the Python facts, each computed once per audit via `repo.derived`.

Use these instead of re-looping over every module in each rule:
    aliases = repo.derived(import_aliases)[path]      # local name -> absolute dotted name
    qualified(aliases, "sa.text")                     # -> "sqlalchemy.text"
    repo.derived(calls_by_function)[(path, "get_user")]
    first_import(repo, ("sentry_sdk",))              # first (path, line) importing it in app code
"""

from __future__ import annotations

from collections import defaultdict
from operator import itemgetter

from archaudit.languages.python.facts import CallFact, FunctionFact
from archaudit.repo import Repo

FunctionKey = tuple[str, str]  # (path, qualname)
Place = tuple[str, int]  # (path, line)


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


# -- inverted indexes: look things up instead of scanning every call of every module ---------------

CallRef = tuple[str, CallFact, str]  # (path, call fact, qualified callee name)


def qualified_calls(repo: Repo) -> list[CallRef]:
    """Every call of every module with its callee qualified through that module's imports,
    in (path, line) order. Computed once; the indexes below are built from it."""
    all_aliases = repo.derived(import_aliases)
    out: list[CallRef] = []
    append = out.append
    for path, facts in repo.python_items():
        aliases = all_aliases[path]
        for call in facts["calls"]:
            name = call["name"]
            head, sep, rest = name.partition(".")
            target = aliases.get(head)
            append((path, call, name if target is None else (target + sep + rest if sep else target)))
    return out


def calls_by_name(repo: Repo) -> dict[str, list[CallRef]]:
    """Qualified callee name -> its calls, e.g. index["jwt.encode"], index["sqlalchemy.text"]."""
    out: dict[str, list[CallRef]] = defaultdict(list)
    for ref in repo.derived(qualified_calls):
        out[ref[2]].append(ref)
    return dict(out)


def calls_by_method(repo: Repo) -> dict[str, list[CallRef]]:
    """Last part of the callee name -> its calls, e.g. index["commit"] for `db.session.commit()`."""
    out: dict[str, list[CallRef]] = defaultdict(list)
    for ref in repo.derived(qualified_calls):
        out[ref[2].rsplit(".", 1)[-1]].append(ref)
    return dict(out)


def calls_named(repo: Repo, *names: str) -> list[CallRef]:
    """Calls whose qualified callee is one of `names` (exact), in (path, line) order."""
    index = repo.derived(calls_by_name)
    refs = [ref for name in names for ref in index.get(name, [])]
    return sorted(refs, key=lambda r: (r[0], r[1]["line"])) if len(names) > 1 else refs


def modules_importing(repo: Repo) -> dict[str, list[str]]:
    """Top-level imported package -> sorted paths of the modules importing it (absolute imports)."""
    out: dict[str, set[str]] = defaultdict(set)
    for path, tops in repo.derived(imported_top_levels).items():
        for top in tops:
            out[top].add(path)
    return {k: sorted(v) for k, v in out.items()}


def name_readers(repo: Repo) -> dict[str, list[str]]:
    """Identifier or attribute name -> sorted paths of the modules that read it (facts "names")."""
    out: dict[str, list[str]] = defaultdict(list)
    for path, facts in repo.python_items():
        for name in facts["names"]:
            out[name].append(path)
    return dict(out)


def _renamed_imports(repo: Repo) -> dict[str, list[tuple[str, str]]]:
    """Local name -> [(path, target)] for imports binding a name unlike the target's last part
    (`from x import a as b`): the only case where a call's written and qualified last parts differ."""
    out: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for path, names in repo.derived(import_aliases).items():
        for local, target in names.items():
            if target != local and not target.endswith("." + local):
                out[local].append((path, target))
    return dict(out)


def calls_written(repo: Repo, *methods: str) -> list[CallRef]:
    """Calls whose callee *as written* ends with one of `methods` as its last part (`db.execute()`,
    `execute()`), whatever the imports say: the calls a test of `call["name"].rsplit(".", 1)[-1] in
    methods` on every call would keep, without the scan. Grouped by sorted path; within a path, each
    method's calls in extraction order (sort by line when that matters)."""
    by_method = repo.derived(calls_by_method)
    wanted = frozenset(methods)
    # a written name without a dot may be an import alias of something else (`from x import a as b`)
    refs = [r for m in sorted(wanted) for r in by_method.get(m, ()) if "." in r[1]["name"] or r[1]["name"] in wanted]
    renamed = repo.derived(_renamed_imports)
    by_name = repo.derived(calls_by_name)
    for m in sorted(wanted):
        for path, target in renamed.get(m, ()):
            if target.rsplit(".", 1)[-1] not in wanted:
                refs += [r for r in by_name.get(target, ()) if r[0] == path and r[1]["name"] == m]
    refs.sort(key=itemgetter(0))
    return refs


def written_methods_ending(repo: Repo, *suffixes: str) -> list[str]:
    """Last parts of callee names as written that end with one of `suffixes`; pass them to
    `calls_written` to find calls such as `MyFastAPI()` or `app.run()` by suffix."""
    names = {*repo.derived(calls_by_method), *repo.derived(_renamed_imports)}
    return sorted(n for n in names if n.endswith(suffixes))


def first_call(repo: Repo, refs: list[CallRef]) -> CallRef | None:
    """The ref a scan of every module (sorted paths, each file's calls in extraction order) would meet
    first; extraction order is not always line order (`a() if b() else c()` yields b first)."""
    if not refs:
        return None
    path = min(r[0] for r in refs)
    mine = {id(r[1]): r for r in refs if r[0] == path}
    return next(mine[id(c)] for c in repo.python[path]["calls"] if id(c) in mine)


def qualified_names_ending(repo: Repo, *suffixes: str) -> list[str]:
    """The distinct qualified callee names ending with one of `suffixes` (plain string suffix), sorted."""
    return sorted(name for name in repo.derived(calls_by_name) if name.endswith(suffixes))


def is_app_code(repo: Repo, path: str) -> bool:
    """Source files that ship with the application (not tests, docs, migrations, examples...)."""
    f = repo.by_path.get(path)
    if f is None or f.role not in ("source", "config", "other"):
        return False
    top = path.split("/", 1)[0]
    return top not in ("examples", "example", "docs", "benchmarks", "samples")


def import_places(repo: Repo) -> dict[str, list[Place]]:
    """Module name -> sorted (path, line) of its imports in non-test Python files.

    Every dotted prefix is a key (`opentelemetry.instrumentation.fastapi` also counts for
    `opentelemetry`), and `from m import n` adds `m.n`, so callers can ask at any depth."""
    out: dict[str, set[Place]] = defaultdict(set)
    prefixes: dict[str, tuple[str, ...]] = {}
    for path, facts in repo.python_items():
        if not is_app_code(repo, path):
            continue
        for imp in facts["imports"]:
            module = imp["module"]
            if imp["level"] or not module:
                continue
            keys = prefixes.get(module)
            if keys is None:
                parts = module.split(".")
                keys = prefixes[module] = tuple(".".join(parts[:i]) for i in range(1, len(parts) + 1))
            place = (path, imp["line"])
            for key in keys:
                out[key].add(place)
            for n in imp["names"]:
                out[f"{module}.{n.split(' as ')[0]}"].add(place)
    return {k: sorted(v) for k, v in out.items()}


def first_import(repo: Repo, modules: tuple[str, ...] | list[str]) -> Place | None:
    """The first place (by path, line) importing any of `modules`, or None."""
    index = repo.derived(import_places)
    places = [p for m in modules for p in index.get(m, [])[:1]]
    return min(places) if places else None


def importers_of(repo: Repo) -> dict[str, list[Place]]:
    """Repository module path -> (importing path, line) of every import that names it (`import a.b`,
    `from a import b` for a submodule b, `from a.b import x`, relative forms), a module never listing
    itself; `from pkg import x` also counts as importing `pkg/__init__.py`."""
    out: dict[str, list[Place]] = defaultdict(list)
    for path, facts in repo.python_items():
        for imp in facts["imports"]:
            module = repo.resolve_import(path, imp["module"], imp["level"])
            targets = {repo.internal_path(module)} if module else set()
            targets |= {repo.internal_path(f"{module}.{n.partition(' as ')[0]}" if module else n.partition(" as ")[0])
                        for n in imp["names"]}
            for target in targets - {None, path}:
                out[str(target)].append((path, imp["line"]))
    return dict(out)
