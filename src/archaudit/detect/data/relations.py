"""Relation fields of Django models: which attributes of an instance load another row when read.

A forward `ForeignKey` / `OneToOneField` attribute (`order.customer`) runs a query the first time it
is read unless the queryset that produced the instance used `select_related`; a `ManyToManyField`
manager (`order.tags.all()`) runs one on every call unless `prefetch_related` was used. Only fields
declared in the model's own class body are listed (inherited ones are not looked up), and a model
that declares its own `objects` manager is marked: its default queryset may already join.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from archaudit.detect.data.orm import find_models
from archaudit.languages.python.facts import expr_text
from archaudit.repo import Repo

_RELATION = re.compile(r"^(?:[\w.]+\.)?(ForeignKey|OneToOneField|ManyToManyField|ParentalKey)\(")


@dataclass(frozen=True)
class DjangoRelations:
    """One Django model's declared relation fields."""

    model: str  # absolute dotted name, e.g. "shop.models.Order"
    path: str
    line: int
    forward: frozenset[str]  # ForeignKey / OneToOneField attribute names
    many: frozenset[str]  # ManyToManyField attribute names
    custom_manager: bool  # the class assigns `objects = ...` itself


def django_relations(repo: Repo) -> dict[str, DjangoRelations]:
    """Django models by absolute dotted name (memoise via repo.derived)."""
    out: dict[str, DjangoRelations] = {}
    for model in repo.derived(find_models):
        if model.kind != "django":
            continue
        cls = next((c for c in repo.python[model.path]["classes"] if c["line"] == model.line), None)
        if cls is None:
            continue
        forward: set[str] = set()
        many: set[str] = set()
        for field in cls["fields"]:
            found = _RELATION.match(expr_text(field["value"]))
            if found:
                (many if found.group(1) == "ManyToManyField" else forward).add(field["name"])
        key = f"{repo.module_of.get(model.path, model.path)}.{model.name}"
        out[key] = DjangoRelations(key, model.path, model.line, frozenset(forward), frozenset(many),
                                   any(f["name"] == "objects" for f in cls["fields"]))
    return out
