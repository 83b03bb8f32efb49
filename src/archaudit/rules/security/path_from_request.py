"""SEC115 file-served-from-request-path."""

from __future__ import annotations

from collections.abc import Iterator

from archaudit.findings import Axis, Hit, Message, Severity
from archaudit.repo import Repo
from archaudit.rules.base import PYTHON, TYPESCRIPT, Rule
from archaudit.rules.security._sinks import (
    CODE,
    REQUEST,
    hit,
    may_reach_request,
    python_calls,
    python_input,
    ts_input,
    ts_sinks,
)

_SERVERS = ("flask.send_file", "flask.helpers.send_file", "django.http.FileResponse", "fastapi.responses.FileResponse",
            "starlette.responses.FileResponse", "aiofiles.open")
_OPENERS = ("open", "io.open", "builtins.open")
# calls whose result cannot climb out of a directory
_CONFINING = frozenset({"basename", "secure_filename", "safe_join", "get_valid_filename", "int", "uuid4"})
_FACT = Message("the file path comes from the request")


def check(repo: Repo) -> Iterator[Hit]:
    """Looks at files served or opened from a path: Flask `send_file`, Django/Starlette
    `FileResponse`, `open()`; in TypeScript `res.sendFile`/`res.download` and `fs.readFile`/
    `createReadStream`. The path is followed one step (local variables, `os.path.join` pieces, a
    route handler's parameters): request data is a finding (`../` reaches any file the process can
    read). Silent: `send_from_directory` and `sendFile(x, { root })` (they refuse `..`), pieces passed
    through `basename()`/`secure_filename()`/`safe_join()`, and, for `open()` and `fs`, paths whose
    source is not established; for the serving calls such a path is reported as not determined."""
    for path, call, name in python_calls(repo, *_SERVERS, *_OPENERS):
        if name in _OPENERS and not may_reach_request(repo, path, call):
            continue
        found = python_input(repo, path, call, call["name"].rsplit(".", 1)[-1], 0,
                             ("path", "path_or_file", "filename", "file", "streaming_content"), safe=_CONFINING)
        if found is None or found.state == CODE or (name in _OPENERS and found.state != REQUEST):
            continue
        yield hit(path, call["line"], Message("{name}() opens a file at a path taken from {what}.",
                                              name=name, what=found.what), found, _FACT,
                  key=name)
    for path, s in ts_sinks(repo, "file"):
        found = ts_input(s)
        serving = s["callee"].endswith((".sendFile", ".download"))
        if found.state == CODE or (serving and "root" in s["keys"]) or (not serving and found.state != REQUEST):
            continue
        yield hit(path, s["line"], Message("{callee}() reads a file at a path taken from {what}.",
                                           callee=s['callee'], what=found.what), found, _FACT,
                  key=s["callee"])


RULE = Rule(
    id="SEC115",
    name="file-served-from-request-path",
    axis=Axis.SECURITY,
    severity=Severity.HIGH,
    title="File read or served from a path taken from the request",
    impact="With `../` in the path a caller downloads any file the server can read: settings, keys, the database.",
    action="Serve from a fixed directory with a function that refuses `..` (send_from_directory, safe_join, "
           "sendFile with the root option), or look the file up by an identifier.",
    check=check,
    languages=PYTHON | TYPESCRIPT,
    example_bad='return send_file(os.path.join(UPLOADS, request.args["name"]))',
    example_good='return send_from_directory(UPLOADS, request.args["name"])',
)
