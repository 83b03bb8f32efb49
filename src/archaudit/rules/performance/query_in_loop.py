"""PERF130 query-per-item-in-loop (N+1)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from archaudit.detect.data.orm import find_models
from archaudit.detect.data.relations import DjangoRelations, django_relations
from archaudit.findings import Axis, Evidence, Hit, Message, Premise, Severity
from archaudit.languages.python.facts import LoopFact, ModuleFacts
from archaudit.repo import Repo
from archaudit.resolve.python_index import import_aliases, qualified
from archaudit.rules.base import Rule

_QUERYSET = re.compile(r"^(\w+(?:\.\w+)?)\.objects\.\w+\(")
_NO_INSTANCES = ("select_related", "prefetch_related", ".values(", ".values_list(", ".raw(", ".aggregate(")
_MANY_READS = frozenset({"all", "filter", "exclude", "count", "exists", "first", "last", "get", "order_by",
                         "values", "values_list"})
_SA_QUERY = re.compile(r"^([\w.]+)\.(query|execute|scalars)\(")
_SA_PER_ITEM = frozenset({"query", "execute", "scalars", "scalar", "get"})
_SESSION_NAMES = frozenset({"session", "db", "db_session", "dbsession", "sess"})


def _django_model(loop: LoopFact, local: dict[str, str], module: str,
                  models: dict[str, DjangoRelations]) -> tuple[DjangoRelations, int] | None:
    """The model whose queryset the loop iterates (directly, or a local assigned only querysets of
    it in the same function), and the line where that queryset is built; None when not established."""
    source, line = loop["iter"], loop["line"]
    if re.fullmatch(r"\w+", source):
        texts = [text for _, text in loop["sources"]]
        if not texts or not all(t.startswith(f"{source}.") for t in texts[1:]):
            return None  # not (only) a queryset built here, e.g. a parameter or a helper's result
        if any(k in t for t in texts for k in _NO_INSTANCES):
            return None
        source, line = texts[0], loop["sources"][0][0]
    found = _QUERYSET.match(source)
    if found is None or any(k in source for k in _NO_INSTANCES):
        return None
    name = found.group(1)
    q = qualified(local, name)
    model = models.get(q if q != name else f"{module}.{name}")
    return (model, line) if model is not None else None


def _django_reads(loop: LoopFact, model: DjangoRelations) -> list[str]:
    target = loop["target"]
    out = set()
    for chain in loop["reads"]:
        parts = chain.split(".")
        if parts[1] in model.forward:
            out.add(f"{target}.{parts[1]}")
        elif parts[1] in model.many and len(parts) == 3 and parts[2] in _MANY_READS:
            out.add(chain + "()")
    return sorted(out)


def _django(repo: Repo, path: str, facts: ModuleFacts, models: dict[str, DjangoRelations]) -> Iterator[Hit]:
    local = repo.derived(import_aliases).get(path, {})
    module = repo.module_of.get(path, path)
    prefetched = {c["func"] for c in facts["calls"] if c["name"].rsplit(".", 1)[-1] == "prefetch_related_objects"}
    for loop in facts["loops"]:
        if not loop["target"] or not loop["reads"] or loop["func"] in prefetched:
            continue
        found = _django_model(loop, local, module, models)
        if found is None:
            continue
        model, built = found
        reads = _django_reads(loop, model)
        if not reads:
            continue
        name = model.model.rsplit(".", 1)[-1]
        premises: tuple[Premise, ...] = (
            Premise(Message("the loop iterates a {name} queryset", name=name), evidence=(Evidence(path, built),)),
            Premise(Message("{name} declares the relation fields read", name=name),
                    evidence=(Evidence(model.path, model.line),)))
        if model.custom_manager:
            premises += (Premise.unknown(
                Message("{name}.objects returns instances without the related rows joined", name=name),
                Message("{name} declares its own `objects` manager, whose queryset is not read", name=name)),)
        yield Hit(path, loop["line"], Message("loop over a {name} queryset built without "
                                              "select_related/prefetch_related reads {reads}: one more query per row.",
                                              name=name, reads=", ".join(reads)),
                  key=f"{loop['func']}:{','.join(reads)}", premises=premises)


def _sqlalchemy(path: str, facts: ModuleFacts) -> Iterator[Hit]:
    for loop in facts["loops"]:
        found = _SA_QUERY.match(loop["iter"])
        if found is None or found.group(1).rsplit(".", 1)[-1] not in _SESSION_NAMES or loop["body"] == loop["line"]:
            continue  # a comprehension (or one-line loop): its own query's call cannot be told from the body's
        session = found.group(1)
        inner = [c for c in facts["calls"] if c["func"] == loop["func"] and loop["body"] <= c["line"] <= loop["end"]
                 and c["name"].rpartition(".")[0] == session and c["name"].rpartition(".")[2] in _SA_PER_ITEM]
        if inner:
            yield Hit(path, inner[0]["line"], Message("{name}() runs once per row of the {session} query the loop "
                                                      "at line {line} iterates: one more query per row.",
                                                      name=inner[0]["name"], session=session, line=loop["line"]),
                      premises=(Premise(Message("the loop iterates a {session} query", session=session),
                                        evidence=(Evidence(path, loop["line"]),)),),
                      key=f"{loop['func']}:{loop['line'] - loop['body']}")


def check(repo: Repo) -> Iterator[Hit]:
    """Loops over ORM query results that run one more query per row. Django: `for o in
    Model.objects...:` (or a local assigned only querysets of that model in the same function) whose
    body reads a ForeignKey/OneToOne attribute of the item, or calls a read method of a ManyToMany
    manager, while the queryset has no select_related/prefetch_related (nor values(), which yields
    no instances). SQLAlchemy: `for x in session.query/execute/scalars(...)` whose body calls
    query/execute/scalars/scalar/get on the same session. Only models and relation fields declared
    in the repository count."""
    models = repo.derived(django_relations)
    orm_kinds = {m.kind for m in repo.derived(find_models)}
    for path, facts in repo.python_items():
        if not facts.get("loops"):
            continue
        if models:
            yield from _django(repo, path, facts, models)
        if orm_kinds & {"sqlalchemy", "sqlmodel"}:
            yield from _sqlalchemy(path, facts)


RULE = Rule(
    id="PERF130",
    name="query-per-item-in-loop",
    axis=Axis.PERFORMANCE,
    severity=Severity.MEDIUM,
    title="A query per item inside a loop over query results (N+1)",
    impact="Each iteration of the loop sends one more query to the database, so a page of 100 rows costs 101 "
           "round trips: latency grows with the data and the database's load with the traffic.",
    action="Load the related rows with the first query: select_related/prefetch_related on the Django queryset, "
           "joinedload/selectinload on the SQLAlchemy query, or one query with `IN (...)` over the collected ids.",
    check=check,
    example_bad="for order in Order.objects.filter(paid=True):\n    names.append(order.customer.name)",
    example_good="for order in Order.objects.filter(paid=True).select_related(\"customer\"):\n"
                 "    names.append(order.customer.name)",
)
