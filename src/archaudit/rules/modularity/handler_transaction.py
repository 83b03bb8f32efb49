"""MOD002 transaction-in-handler."""

from __future__ import annotations

from collections.abc import Iterator

from archaudit.findings import Axis, Evidence, Hit, Message, Severity
from archaudit.repo import Repo
from archaudit.resolve.python_index import calls_within
from archaudit.rules.base import Rule
from archaudit.rules.modularity._handlers import handlers, is_transaction_call, transaction_owner


def check(repo: Repo) -> Iterator[Hit]:
    """When the project's service/repository layer (a services/, repositories/, crud/, use_cases/
    package or a *_service.py module) itself commits or rolls back - the evidence that the layer
    owns the unit of work - reports route handlers that call `commit()`/`rollback()` on a
    session/db/connection themselves (first call per handler). A layer folder that never touches a
    transaction (active-record models committing themselves, services/ of OAuth clients) is no
    premise: the handler commits as the project's pattern is."""
    owner = transaction_owner(repo)
    if owner is None:
        return
    layer, line = owner
    for h in handlers(repo):
        calls = [c for c in calls_within(repo, h.file, h.fn["qualname"]) if is_transaction_call(c["name"])]
        if calls:
            first = calls[0]
            yield Hit(h.file, first["line"],
                      Message("Handler {label} manages the transaction itself (`{name}()`) although the project's "
                              "service/repository layer owns transactions ({layer}:{line}).",
                              label=h.label, name=first['name'], layer=layer, line=line),
                      also=(Evidence(layer, line),), key=h.fn["qualname"])


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
