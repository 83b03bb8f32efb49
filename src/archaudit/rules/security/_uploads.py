"""Which endpoints accept credentials or files, shared by SEC005 (rate limiting) and SEC009 (uploads)."""

from __future__ import annotations

from archaudit.detect.api.endpoint import Endpoint, is_login
from archaudit.detect.api.section import find_endpoints
from archaudit.repo import Repo
from archaudit.resolve.python_index import function_index, name_readers

_UPLOAD_TYPES = ("UploadFile", "FileStorage")


def _file_readers(repo: Repo) -> frozenset[tuple[str, str]]:
    """(path, function) pairs that read `request.files...`; only modules reading a `files` name can."""
    out = set()
    for path in repo.derived(name_readers).get("files", ()):
        for call in repo.python[path]["calls"]:
            if call["name"].startswith("request.files"):
                out.add((path, call["func"]))
    return frozenset(out)


def is_upload(repo: Repo, e: Endpoint) -> bool:
    """Handlers taking an UploadFile/FileStorage parameter or reading request.files."""
    fn = repo.derived(function_index).get((e.handler_file, e.handler))
    if fn is None:
        return False
    annotations = "\n".join(fn["annotations"].values())
    if any(t in annotations for t in _UPLOAD_TYPES):
        return True
    return (e.handler_file, e.handler) in repo.derived(_file_readers)


def login_and_upload_endpoints(repo: Repo) -> list[tuple[Endpoint, str]]:
    """(endpoint, "login" | "upload") sorted as find_endpoints sorts, WS/HEAD/OPTIONS excluded
    (computed once per audit: SEC005 and SEC009 both read it)."""
    return repo.derived(_login_and_upload_endpoints)


def _login_and_upload_endpoints(repo: Repo) -> list[tuple[Endpoint, str]]:
    out = []
    for e in find_endpoints(repo):
        if e.method in ("WS", "HEAD", "OPTIONS"):
            continue
        if is_login(e):
            out.append((e, "login"))
        elif is_upload(repo, e):
            out.append((e, "upload"))
    return out
