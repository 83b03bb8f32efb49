"""MOD002 transaction-in-handler."""

from __future__ import annotations

from collections.abc import Iterator

from archaudit.findings import Axis, Evidence, Hit, Severity
from archaudit.repo import Repo
from archaudit.resolve.python_index import calls_within
from archaudit.rules.base import Rule
from archaudit.rules.modularity._handlers import handlers, service_layer

_TX_METHODS = frozenset({"commit", "rollback"})
_TX_OWNERS = ("session", "db", "conn", "connection", "transaction", "tx")


def _is_tx(name: str) -> bool:
    owner, _, method = name.rpartition(".")
    last = owner.rsplit(".", 1)[-1].lower()
    return method in _TX_METHODS and any(last == w or last.endswith("_" + w) or last.startswith(w + "_")
                                         for w in _TX_OWNERS)


def check(repo: Repo) -> Iterator[Hit]:
    """When the project has a service/repository layer (a services/, repositories/, crud/,
    use_cases/ package or a *_service.py module), reports route handlers that call
    `commit()`/`rollback()` on a session/db/connection themselves (first call per handler)."""
    layer = service_layer(repo)
    if not layer:
        return
    for h in handlers(repo):
        calls = [c for c in calls_within(repo, h.file, h.fn["qualname"]) if _is_tx(c["name"])]
        if calls:
            first = calls[0]
            yield Hit(h.file, first["line"],
                      f"Handler {h.label} manages the transaction itself (`{first['name']}()`) although the "
                      f"project has a service/repository layer ({layer}).",
                      also=(Evidence(layer, 0),), key=h.fn["qualname"])


RULE = Rule(
    id="MOD002",
    name="transaction-in-handler",
    axis=Axis.MODULARITY,
    severity=Severity.MEDIUM,
    title="Route handler commits or rolls back the database transaction",
    impact="The transaction boundary is spread across HTTP handlers: business operations cannot be "
           "composed atomically or reused from jobs and tests, and partial writes appear when a handler "
           "forgets to roll back.",
    action="Let the service (or a unit-of-work / request-scoped session dependency) own commit and rollback; "
           "handlers only call the service.",
    check=check,
    example_bad='@router.post("/users")\ndef create(data: UserIn, db: Session = Depends(get_db)):\n'
                '    db.add(User(**data.dict()))\n    db.commit()',
    example_good='@router.post("/users")\ndef create(data: UserIn, users: UserService = Depends()):\n'
                 '    return users.create(data)  # the service commits',
)
