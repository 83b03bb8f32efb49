"""CFG107 flask-upload-size-unlimited."""

from __future__ import annotations

from collections.abc import Iterator

from archaudit.detect.deploy.proxy import body_limit_proxy
from archaudit.findings import Axis, Evidence, Hit, Message, Premise, Severity
from archaudit.repo import Repo
from archaudit.rules.base import Rule
from archaudit.rules.config_security._flask import absent, production_apps

_UPLOAD_CALLS = ("request.files.get", "request.files.getlist", "request.files.items", "request.files.values",
                 "request.files.to_dict", "request.files.keys")
_UPLOAD_IMPORTS = ("flask_wtf.file", "flask_uploads", "flask_reuploaded")
_UPLOAD_NAMES = frozenset({"FileField", "MultipleFileField", "FileRequired", "FileAllowed"})


def _upload(repo: Repo) -> Evidence | None:
    """Where production code accepts an uploaded file (request.files, a Flask-WTF/WTForms file field)."""
    for path, facts in repo.python_items():
        if repo.by_path[path].role == "test":
            continue
        for call in facts["calls"]:
            if call["name"] in _UPLOAD_CALLS:
                return Evidence(path, call["line"])
        for imp in facts["imports"]:
            names = {n.split(" as ")[0].strip() for n in imp["names"]}
            if imp["module"].startswith(_UPLOAD_IMPORTS) or (imp["module"].startswith("wtforms") and
                                                             names & _UPLOAD_NAMES):
                return Evidence(path, imp["line"])
    return None


_BODY_CALLS = ("request.get_json", "request.get_data", "flask.request.get_json", "flask.request.get_data")


def _body_read(repo: Repo) -> Evidence | None:
    """Where production code reads a whole request body into memory (request.get_json(), get_data())."""
    for path, facts in repo.python_items():
        if repo.by_path[path].role == "test":
            continue
        for call in facts["calls"]:
            if call["name"] in _BODY_CALLS:
                return Evidence(path, call["line"])
    return None


def check(repo: Repo) -> Iterator[Hit]:
    """Looks at production's configuration of each Flask application that accepts uploaded files
    (`request.files.get/getlist`, Flask-WTF or WTForms file fields) or reads whole request bodies
    (`request.get_json()`, `request.get_data()`: Werkzeug buffers them in memory) for MAX_CONTENT_LENGTH (see CFG105
    for how the configuration is found): not set means Flask reads request bodies of any size. Silent
    when the deployment shows nginx in front (its client_max_body_size, 1 MiB by default, limits the
    body). Werkzeug 3.1's MAX_FORM_MEMORY_SIZE (500 kB) and MAX_FORM_PARTS (1000) have safe defaults
    and are not asked for. A key named elsewhere than the configuration followed, or a configuration
    that cannot be followed, makes the claim not determined."""
    upload = _upload(repo)
    body = None if upload else _body_read(repo)
    if (upload is None and body is None) or body_limit_proxy(repo) is not None:
        return
    judged, unknown = production_apps(repo, Message("Whether production's Flask configuration limits request bodies."))
    yield from unknown
    accepts = Premise(Message("the application accepts uploaded files"), evidence=(upload,)) if upload else \
        Premise(Message("the application reads whole request bodies"), evidence=(body,) if body else ())
    no_proxy = Premise(Message("the deployment in the repository shows no nginx limiting the body"))
    for app in judged:
        missing, premise = absent(repo, app, "MAX_CONTENT_LENGTH")
        if missing:
            extra = (premise,) if premise else ()
            what = Message("Flask application {app} accepts uploads ({ref}) and sets no MAX_CONTENT_LENGTH: a "
                           "request body of any size is read.", app=app.config.app, ref=upload.ref) if upload else \
                Message("Flask application {app} reads JSON request bodies whole ({ref}) and sets no "
                        "MAX_CONTENT_LENGTH: a body of any size is read into memory.",
                        app=app.config.app, ref=body.ref if body else "")
            yield Hit(app.anchor.path, app.anchor.line, what, also=(body,) if body else (),
                      key=f"{app.config.app} max content", premises=(*app.premises, accepts, no_proxy, *extra))


RULE = Rule(
    id="CFG107",
    name="flask-upload-size-unlimited",
    axis=Axis.CONFIG_SECURITY,
    severity=Severity.LOW,
    title="A Flask application accepting uploads or JSON bodies sets no MAX_CONTENT_LENGTH",
    impact="Without a limit Flask accepts request bodies of any size: a few large uploads fill the disk "
           "(spooled files) or memory, a huge JSON body is buffered whole before parsing, and workers are tied up.",
    action="Set MAX_CONTENT_LENGTH in the production config to the largest upload the application needs "
           "(e.g. 16 * 1024 * 1024), or limit the body at the proxy (nginx client_max_body_size).",
    check=check,
    example_bad='class Config:\n    SECRET_KEY = os.environ["SECRET_KEY"]\n\n'
                '@app.post("/avatar")\ndef avatar():\n    f = request.files.get("avatar")',
    example_good='class Config:\n    MAX_CONTENT_LENGTH = 4 * 1024 * 1024',
)
