"""CFG108 flask-development-server-in-production."""

from __future__ import annotations

import re
from collections.abc import Iterator

from archaudit.findings import Axis, Evidence, Hit, Message, Severity
from archaudit.languages.python.facts import expr_text, is_expr
from archaudit.repo import Repo
from archaudit.resolve.context import Context, context_of
from archaudit.resolve.python_index import modules_importing
from archaudit.rules.base import Rule
from archaudit.rules.config_security._helpers import enclosing_header

_APP_VALUE = re.compile(r"^(flask\.)?(Flask|create_app|make_app)\(")
_LAUNCH_FILE = re.compile(r"(^|/)(Dockerfile[^/]*|Procfile|[^/]*compose[^/]*\.ya?ml)$")
_LAUNCH_LINE = re.compile(r"^\s*(CMD|ENTRYPOINT|web:|command:|entrypoint:)\s*(.*)$", re.IGNORECASE)
_FLASK_RUN = re.compile(r"\bflask\s+(--app\s+\S+\s+)?run\b")
_PYTHON_FILE = re.compile(r"\bpython[\d.]*\s+(?:-u\s+)?([\w./-]+\.py)\b")


def _apps(repo: Repo, path: str) -> set[str]:
    """Module-level names bound to a Flask application in `path` (`app = Flask(__name__)`, `create_app()`)."""
    return {a["target"] for a in repo.python[path]["assigns"]
            if not a["func"] and not a["cls"] and is_expr(a["value"]) and _APP_VALUE.match(expr_text(a["value"]))}


def _run_calls(repo: Repo, path: str) -> list[tuple[int, bool]]:
    """(line, at import time) of `app.run(...)` calls on a Flask application of `path`; at import time
    means at module level outside an `if __name__ == "__main__":` guard."""
    apps = _apps(repo, path)
    out = []
    for call in repo.python[path]["calls"]:
        receiver, _, method = call["name"].rpartition(".")
        if method == "run" and receiver in apps:
            on_import = not call["func"] and "__main__" not in enclosing_header(repo, path, call["line"])
            out.append((call["line"], on_import, call["kwargs"].get("debug") is True))
    return [(line, on_import) for line, on_import, debug in out if not (debug and on_import)]  # CFG001 has those


def _launched(repo: Repo) -> Iterator[Hit]:
    """Production start commands running the development server: `flask run`, or `python x.py` where
    x.py calls app.run()."""
    for f in repo.files:
        if not _LAUNCH_FILE.search(f.path) or context_of(repo, f.path) is not Context.PRODUCTION:
            continue
        for n, raw in enumerate(repo.lines(f.path), 1):
            m = _LAUNCH_LINE.match(raw)
            if not m:
                continue
            command = re.sub(r"[\[\]\",']", " ", m.group(2))
            if _FLASK_RUN.search(command):
                yield Hit(f.path, n, Message("{path} starts the application with `flask run`, Werkzeug's "
                                             "development server.",
                                             path=f.path), key=f"{f.path} flask run")
                continue
            script = _PYTHON_FILE.search(command)
            target = _script(repo, f.path, script.group(1)) if script else None
            if target and target in repo.python and _run_calls(repo, target):
                line = _run_calls(repo, target)[0][0]
                yield Hit(f.path, n, Message("{path} starts `python {value}`, which serves the application with "
                                             "app.run() ({target}:{line}), Werkzeug's development server.",
                                             path=f.path, value=script.group(1) if script else '',
                                             target=target, line=line),
                          key=f"{f.path} python run", also=(Evidence(target, line),))


def _script(repo: Repo, launcher: str, name: str) -> str | None:
    """The repository file a start command names, relative to the repository root or the launcher's folder."""
    name = name.lstrip("./")
    folder = launcher.rsplit("/", 1)[0] + "/" if "/" in launcher else ""
    return next((p for p in (name, folder + name) if p in repo.python), None)


def check(repo: Repo) -> Iterator[Hit]:
    """Looks for Flask's development server serving production: `app.run(...)` on a Flask application
    object at module level, outside an `if __name__ == "__main__":` guard (it starts whenever a server
    imports the module; `app.run(debug=True)` there is CFG001's), and production start commands
    (Dockerfile CMD/ENTRYPOINT, Procfile `web:`, compose `command:`) running `flask run` or
    `python x.py` where x.py calls `app.run()`. Development compose files and Dockerfiles, scripts and
    tests are not judged."""
    if not repo.derived(modules_importing).get("flask"):
        return
    for path in sorted(repo.python):
        for line, on_import in _run_calls(repo, path):
            if on_import:
                yield Hit(path, line, Message("app.run() starts Werkzeug's development server when this module is "
                                              "imported, outside an `if __name__ == \"__main__\":` guard."),
                          key=f"{path} app.run")
    yield from _launched(repo)


RULE = Rule(
    id="CFG108",
    name="flask-development-server-in-production",
    axis=Axis.CONFIG_SECURITY,
    severity=Severity.MEDIUM,
    title="Production runs Flask's development server",
    impact="Werkzeug's development server is not made for production traffic: one process, no worker "
           "management, no hardening against slow or malformed clients; Flask warns against it.",
    action="Serve the application with a WSGI server (gunicorn, uWSGI, waitress: `gunicorn 'app:create_app()'`) "
           "and keep app.run() under `if __name__ == \"__main__\":` for local development.",
    check=check,
    example_bad='# Dockerfile\nCMD ["flask", "run", "--host=0.0.0.0"]',
    example_good='# Dockerfile\nCMD ["gunicorn", "-b", "0.0.0.0:8000", "app:create_app()"]',
)
