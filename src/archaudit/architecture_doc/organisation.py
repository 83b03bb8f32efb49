"""The code organisation tree (two levels, each folder's role and where the role comes from) and
the endpoints grouped by the router, blueprint or controller that declares them."""

from __future__ import annotations

from collections import Counter, defaultdict

from archaudit.architecture_doc.styles import layer_folders
from archaudit.detect import structure
from archaudit.detect.api.endpoint import Endpoint
from archaudit.detect.api.section import find_endpoints
from archaudit.detect.structure import find_apps, named_role
from archaudit.detect.typescript_backends import find_ts_endpoints
from archaudit.findings import Evidence, Message
from archaudit.model import EndpointGroup, EndpointRow, Folder
from archaudit.repo import Repo

MAX_CHILDREN = 15

UNDETERMINED = Message("not determined")


def _top_roles(repo: Repo) -> dict[str, str]:
    """Top-level folder -> role, as the structure section establishes them."""
    table = structure.section(repo).tables[0]
    return {str(r["folder"]).rstrip("/"): r["role"] for r in table.rows}  # the role stays a Message


def _child_role(repo: Repo, folder: str) -> tuple[str, str]:
    """(role, source) of a second-level folder: its own manifest, a layer folder, a well-known name."""
    app = next((a for a in repo.derived(find_apps) if a.folder == folder), None)
    if app is not None:
        return app.kind, f"manifest {app.manifest}"
    layer = repo.derived(layer_folders).get(folder)
    if layer is not None:
        return Message("{layer} layer", layer=layer[0]), "folder name"
    named = named_role(folder.rsplit("/", 1)[-1])
    return (named, "folder name") if named else (UNDETERMINED, "")


def code_tree(repo: Repo) -> tuple[list[Folder], list[str]]:
    """The folders of the first two levels, with their roles; notes on what was cut."""
    top_counts: Counter[str] = Counter()
    child_counts: dict[str, Counter[str]] = defaultdict(Counter)
    for f in repo.files:
        parts = f.path.split("/")
        if len(parts) == 1:
            continue
        top_counts[parts[0]] += 1
        if len(parts) > 2:
            child_counts[parts[0]][f"{parts[0]}/{parts[1]}"] += 1
    roles = _top_roles(repo)
    out: list[Folder] = []
    notes: list[str] = []
    for top in sorted(top_counts):
        role = roles.get(top, UNDETERMINED)
        source = "manifest" if any(a.folder == top for a in repo.derived(find_apps)) else \
            "folder name" if named_role(top) else "structure section" if role != "not determined" else ""
        out.append(Folder(top + "/", 1, role, top_counts[top], source))
        if top.startswith("."):
            continue
        children = sorted(child_counts[top])
        for child in children[:MAX_CHILDREN]:
            role, source = _child_role(repo, child)
            out.append(Folder(child + "/", 2, role, child_counts[top][child], source))
        if len(children) > MAX_CHILDREN:
            notes.append(Message("{top}/ has {n} sub-folders; the first {max_children} are shown",
                                 top=top, n=len(children), max_children=MAX_CHILDREN))
    return out, notes


def _auth(e: Endpoint) -> str:
    if e.auth is None:
        return UNDETERMINED
    said = Message("yes") if e.auth else Message("no")
    return Message("{auth} ({how})", auth=said, how=e.auth_evidence) if e.auth_evidence else said


def _common_prefix(paths: list[str]) -> str:
    split = [p.strip("/").split("/") for p in paths]
    shared = []
    for segments in zip(*split, strict=False):
        if len(set(segments)) != 1 or segments[0].startswith((":", "{", "<")):
            break
        shared.append(segments[0])
    return "/" + "/".join(shared) if shared else ""


def _group_name(e: Endpoint) -> str:
    if e.framework == "nestjs":
        return f"{e.handler.split('.', 1)[0]} ({e.file})"
    return f"{e.file} ({e.router})" if e.router else e.file


def endpoint_groups(repo: Repo) -> tuple[list[EndpointGroup], list[str]]:
    """Endpoints of every framework, grouped by what declares them, largest group first."""
    endpoints = list(repo.derived(find_endpoints)) + list(repo.derived(find_ts_endpoints))
    groups: dict[str, list[Endpoint]] = defaultdict(list)
    for e in endpoints:
        groups[_group_name(e)].append(e)
    out = []
    for name, members in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        rows = tuple(EndpointRow(e.method, e.path, e.handler, _auth(e), Evidence(e.file, e.line)) for e in members)
        prefix = _common_prefix([e.path for e in members]) if len(members) > 1 else ""
        out.append(EndpointGroup(name, prefix, rows))
    notes: list[str] = [] if endpoints else [Message("no endpoint was found in the code the audit reads")]
    if endpoints and all(e.auth is None for e in endpoints):
        notes.append(Message("no guard mechanism is visible anywhere: whether endpoints are protected is not "
                             "determined"))
    return out, notes
