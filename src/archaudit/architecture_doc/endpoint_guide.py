""""How to add an endpoint", derived from the repository's own conventions: the folder most route
files live in, how the example router or controller is declared and mounted, how routes are
guarded, and which layer the routers call. Each step quotes an existing place; a step whose
convention cannot be established is replaced by a note saying so, never by a guess."""

from __future__ import annotations

from collections import Counter

from archaudit.architecture_doc.places import quoted
from archaudit.architecture_doc.styles import layer_folders
from archaudit.detect.api.endpoint import Endpoint
from archaudit.detect.api.nest import find_nest_modules
from archaudit.detect.api.routers import find_objects
from archaudit.detect.api.section import find_endpoints
from archaudit.detect.architecture.layers import internal_imports, layer_of
from archaudit.detect.architecture.typescript import layer_of_path
from archaudit.detect.typescript_backends import find_ts_endpoints
from archaudit.findings import Evidence, Message
from archaudit.model import Guide, Statement
from archaudit.repo import Repo
from archaudit.resolve.typescript_index import resolve_import, ts_facts

TITLE = Message("How to add an endpoint")


def _folder(path: str) -> str:
    return path.rsplit("/", 1)[0] if "/" in path else "."


def _convention(endpoints: list[Endpoint]) -> tuple[str, str, list[str]]:
    """(folder holding most route files or "", example file, notes)."""
    per_file = Counter(e.file for e in endpoints)
    folders = Counter(_folder(f) for f in per_file)
    folder, count = max(folders.items(), key=lambda kv: (kv[1], sum(n for f, n in per_file.items()
                                                                     if _folder(f) == kv[0])))
    notes: list[str] = []
    if count * 2 < len(per_file) or (count == 1 and len(per_file) > 1):
        notes.append(Message("route files are spread over {n} folders with none holding most of them: where a new "
                             "one goes is not established",
                             n=len(folders)))
        folder = ""
    pool = [f for f in per_file if not folder or _folder(f) == folder]
    example = max(sorted(pool), key=lambda f: per_file[f])
    return folder, example, notes


def _declaration(repo: Repo, first: Endpoint) -> Statement | None:
    """How the example file declares its router (Python) or controller class (NestJS)."""
    if first.framework == "nestjs":
        cls_name = first.handler.split(".", 1)[0]
        for cls in repo.derived(ts_facts).get(first.file, {"classes": []})["classes"]:
            deco = next((d for d in cls["decorators"] if d["name"] == "Controller"), None)
            if cls["name"] == cls_name and deco:
                return Statement(Message("Declare a controller class, as {cls_name} is",
                                         cls_name=cls_name),
                                 (quoted(repo, first.file, deco["line"]),))
        return None
    for obj in repo.derived(find_objects).by_key.values():
        if obj.file == first.file and obj.name == first.router and obj.kind == "router":
            return Statement(Message("Declare the router object as {file} does",
                                     file=first.file), (quoted(repo, obj.file, obj.line),))
    return None


def _mount(repo: Repo, first: Endpoint) -> Statement | None:
    if first.framework == "nestjs":
        cls_name = first.handler.split(".", 1)[0]
        module = next((m for m in repo.derived(find_nest_modules) if cls_name in m.controllers), None)
        if module is None:
            return None
        return Statement(Message("Register the controller in the controllers of {name}",
                                 name=module.name),
                         (quoted(repo, module.file, module.line),))
    for obj in repo.derived(find_objects).by_key.values():
        if obj.file == first.file and obj.name == first.router and obj.parents:
            m = obj.parents[0]
            return Statement(Message("Mount the new router where the existing one is mounted"),
                             (quoted(repo, m.file, m.line),))
    return None


def _auth(repo: Repo, endpoints: list[Endpoint]) -> tuple[list[Statement], list[str]]:
    guarded = [e for e in endpoints if e.auth]
    if not guarded:
        if all(e.auth is None for e in endpoints):
            return [], [Message("no guard mechanism is visible: how authentication is attached is not determined")]
        return [], [Message("none of the {n} endpoints shows an authentication guard: there is no convention to "
                            "follow for protecting a new one", n=len(endpoints))]
    how, n = Counter(e.auth_evidence for e in guarded).most_common(1)[0]
    example = next(e for e in guarded if e.auth_evidence == how)
    places = [quoted(repo, example.file, example.line)]
    if example.handler_file == example.file and example.handler_line not in (0, example.line):
        places.append(quoted(repo, example.handler_file, example.handler_line))
    steps = [Statement(Message("Endpoints that need authentication use {value} ({n} of the {n2} endpoints)",
                               value=how or Message("a guard"), n=n, n2=len(endpoints)), tuple(places))]
    opened = Counter(e.auth_evidence for e in endpoints if e.auth is False and e.auth_evidence)
    if opened:
        marker = opened.most_common(1)[0][0]
        public = next(e for e in endpoints if e.auth is False and e.auth_evidence == marker)
        steps.append(Statement(Message("A public route opts out with {marker}",
                                       marker=marker), (quoted(repo, public.file, public.line),)))
    return steps, []


def _python_service(repo: Repo, files: set[str]) -> list[Statement]:
    of = repo.derived(layer_of)
    calls = [i for i in repo.derived(internal_imports) if i.path in files and of.get(i.target) == "application"]
    if not calls:
        return []
    steps = [Statement(Message.plural("Put the business logic in the application layer, which the routers import "
                                      "({n} import)", "Put the business logic in the application layer, which the "
                                      "routers import ({n} imports)", n=len(calls)),
                       (quoted(repo, calls[0].path, calls[0].line),))]
    below = [i for i in repo.derived(internal_imports)
             if of.get(i.path) == "application" and of.get(i.target) == "infrastructure" and not i.local]
    if below:
        steps.append(Statement(Message("The application layer reaches storage through the infrastructure layer"),
                               (quoted(repo, below[0].path, below[0].line),)))
    return steps


def _ts_service(repo: Repo, files: set[str]) -> list[Statement]:
    facts = repo.derived(ts_facts)
    for path in sorted(files):
        for imp in facts.get(path, {"imports": []})["imports"]:
            target = resolve_import(repo, path, imp["module"]) if imp["module"].startswith(".") else None
            if target and layer_of_path(target)[0] == "application":
                return [Statement(Message("Put the business logic in a handler or service of the application layer, "
                                          "which the controllers import"), (quoted(repo, path, imp["line"]),))]
    return []


def add_endpoint_guide(repo: Repo) -> Guide:
    endpoints = list(repo.derived(find_endpoints)) + list(repo.derived(find_ts_endpoints))
    if not endpoints:
        return Guide(TITLE, (), (Message("no endpoint was found: there is no convention to derive the steps from"),))
    folder, example, notes = _convention(endpoints)
    in_file = sorted((e for e in endpoints if e.file == example), key=lambda e: e.line)
    first = in_file[0]
    files = sorted({e.file for e in endpoints if not folder or _folder(e.file) == folder})
    steps = []
    total = len({e.file for e in endpoints})
    if folder:
        where = (Message("the only file declaring routes lives") if total == 1 else
                 Message("{n} of the {total} files declaring routes live", n=len(files), total=total))
        steps.append(Statement(Message("Create the module in {folder}/, where {where}",
                                       folder=folder, where=where),
                               tuple(Evidence(f, min(e.line for e in endpoints if e.file == f)) for f in files[:5])))
    declared = _declaration(repo, first)
    if declared:
        steps.append(declared)
    steps.append(Statement(Message("Declare each route the way {example} does ({n} routes)",
                                   example=example, n=len(in_file)),
                           (quoted(repo, first.file, first.line),)))
    mounted = _mount(repo, first)
    if mounted:
        steps.append(mounted)
    elif first.router not in ("app", "") and first.framework != "express":
        notes.append(Message("where the example router is mounted could not be established"))
    elif first.framework == "express":
        notes.append(Message("Express mounts are resolved without their line: where to mount a new router is not "
                             "shown"))
    auth_steps, auth_notes = _auth(repo, endpoints)
    steps += auth_steps
    notes += auth_notes
    served = set(files) | {e.handler_file for e in endpoints if e.file in files and e.handler_file}
    service = _python_service(repo, served) or _ts_service(repo, served)
    if service:
        steps += service
    elif repo.derived(layer_folders):
        notes.append(Message("the route files import no module of an application/services layer: where business "
                             "logic goes is not established"))
    else:
        notes.append(Message("no service or application layer was recognised: where business logic goes is not "
                             "established"))
    return Guide(TITLE, tuple(steps), tuple(notes))
