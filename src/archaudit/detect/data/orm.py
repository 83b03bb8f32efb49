"""ORM models: SQLAlchemy declarative classes, SQLModel tables and Django models.

A class is a model when one of its bases resolves, through the file's imports and across files, to
a declarative root (a `DeclarativeBase` subclass, a `declarative_base()` result, Flask-SQLAlchemy's
`db.Model`, `SQLModel` with `table=True`, `django.db.models.Model`) or to another model class.
Names are resolved through imports, never guessed from the class name alone; the only name-based
fallback is a class that declares `__tablename__` (an SQLAlchemy-only attribute).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from archaudit.languages.python.facts import ClassFact, Value, expr_text
from archaudit.repo import Repo
from archaudit.resolve.python_index import import_aliases, qualified

_ROOTS = {
    "sqlalchemy.orm.DeclarativeBase": "sqlalchemy", "sqlalchemy.orm.DeclarativeBaseNoMeta": "sqlalchemy",
    "sqlalchemy.orm.decl_api.DeclarativeBase": "sqlalchemy", "sqlmodel.SQLModel": "sqlmodel",
    "django.db.models.Model": "django", "django.db.models.base.Model": "django",
}
_BASE_FACTORIES = ("declarative_base", "generate_base")
_SA_FIELD = re.compile(r"^(?:[\w.]+\.)?(Column|mapped_column|relationship|column_property|synonym|composite)\(")
_DJ_FIELD = re.compile(r"^(?:[\w.]+\.)?\w*(Field|ForeignKey|OneToOneField|ManyToManyField)\(")
_KIND_LABEL = {"sqlalchemy": "SQLAlchemy", "sqlmodel": "SQLModel", "django": "Django"}


@dataclass(frozen=True)
class Model:
    """One mapped class (abstract classes and declarative bases themselves are not models)."""

    name: str
    kind: str  # sqlalchemy | sqlmodel | django
    table: str  # "" when not determined
    table_source: str  # __tablename__ | Meta.db_table | default | inherited | ""
    mixins: tuple[str, ...]  # bases that are neither models nor the declarative root, as written
    columns: int | None  # mapped fields counted from the class body; None when not countable
    path: str
    line: int

    @property
    def label(self) -> str:
        return _KIND_LABEL.get(self.kind, self.kind)


class _Index:
    """All classes and declarative roots of the repository, keyed by absolute dotted name."""

    def __init__(self, repo: Repo) -> None:
        self.repo = repo
        self.aliases = repo.derived(import_aliases)
        self.classes: dict[str, tuple[str, ClassFact]] = {}
        self.roots = dict(_ROOTS)
        for path, facts in repo.python_items():
            module = repo.module_of.get(path, path)
            for cls in facts["classes"]:
                self.classes.setdefault(f"{module}.{cls['name']}", (path, cls))
                if any(d["name"].rsplit(".", 1)[-1] == "as_declarative" for d in cls["decorators"]):
                    self.roots[f"{module}.{cls['name']}"] = "sqlalchemy"
            for a in facts["assigns"]:
                if a["func"] or a["cls"]:
                    continue
                call = expr_text(a["value"]).split("(", 1)[0].rsplit(".", 1)[-1]
                if call in _BASE_FACTORIES:
                    self.roots[f"{module}.{a['target']}"] = "sqlalchemy"
                elif call == "SQLAlchemy":
                    self.roots[f"{module}.{a['target']}.Model"] = "sqlalchemy"
        self.memo: dict[str, str | None] = {}

    def resolve(self, path: str, base: str) -> str:
        q = qualified(self.aliases.get(path, {}), base)
        if q == base:
            return f"{self.repo.module_of.get(path, path)}.{base}"
        return q

    def base_kind(self, path: str, base: str) -> str | None:
        """The ORM a base expression leads to, or None."""
        q = self.resolve(path, base)
        if q in self.roots:
            return self.roots[q]
        if q in self.classes:
            return self.kind(q)
        if base == "db.Model" or base.endswith(".db.Model"):
            return "sqlalchemy"
        return None

    def kind(self, key: str) -> str | None:
        if key in self.memo:
            return self.memo[key]
        self.memo[key] = None  # cycle guard
        path, cls = self.classes[key]
        found = next((k for b in cls["bases"] if (k := self.base_kind(path, b))), None)
        self.memo[key] = found
        return found


def _field(cls: ClassFact, name: str) -> Value:
    return next((f["value"] for f in cls["fields"] if f["name"] == name), None)


def _meta(repo: Repo, path: str, cls: ClassFact) -> ClassFact | None:
    for other in repo.python[path]["classes"]:
        if other["name"] == "Meta" and cls["line"] < other["line"] <= cls["end"]:
            return other
    return None


def _columns(kind: str, cls: ClassFact) -> int | None:
    names = set()
    for f in cls["fields"]:
        if f["name"].startswith("__"):
            continue
        text = expr_text(f["value"])
        if kind == "django":
            if _DJ_FIELD.match(text):
                names.add(f["name"])
        elif kind == "sqlmodel":
            if f["annotation"] and "ClassVar" not in f["annotation"]:
                names.add(f["name"])
        elif _SA_FIELD.match(text) or "Mapped[" in f["annotation"]:
            names.add(f["name"])
    return len(names)


def _django_app(path: str) -> str:
    parts = path.split("/")
    if parts[-1] == "models.py" and len(parts) >= 2:
        return parts[-2]
    if len(parts) >= 3 and parts[-2] == "models":
        return parts[-3]
    return ""


def _django_table(repo: Repo, path: str, cls: ClassFact) -> tuple[str, str] | None:
    """(table, source), or None for abstract/proxy models that own no table."""
    meta = _meta(repo, path, cls)
    if meta is not None:
        if _field(meta, "abstract") is True or _field(meta, "proxy") is True:
            return None
        db_table = _field(meta, "db_table")
        if isinstance(db_table, str):
            return db_table, "Meta.db_table"
        label = _field(meta, "app_label")
        if isinstance(label, str):
            return f"{label}_{cls['name'].lower()}", "default"
    app = _django_app(path)
    return (f"{app}_{cls['name'].lower()}", "default") if app else ("", "")


def _model(index: _Index, key: str) -> Model | None:
    path, cls = index.classes[key]
    kind = index.kind(key)
    if cls["name"] == "Meta":
        return None
    has_table_attr = any(f["name"] == "__tablename__" for f in cls["fields"])
    if kind is None and has_table_attr and cls["bases"]:
        kind = "sqlalchemy"
    if kind is None or _field(cls, "__abstract__") is True:
        return None
    base_kinds = [(b, index.base_kind(path, b), index.resolve(path, b)) for b in cls["bases"]]
    if any(q in _ROOTS and q != "sqlmodel.SQLModel" and kind == "sqlalchemy" for _, _, q in base_kinds):
        return None  # `class Base(DeclarativeBase)`: the root itself
    mixins = tuple(b for b, k, _ in base_kinds if k is None)
    parents = [q for _, k, q in base_kinds if k is not None and q in index.classes]
    table, source = "", ""
    if kind == "django":
        found = _django_table(index.repo, path, cls)
        if found is None:
            return None
        table, source = found
    else:
        if kind == "sqlmodel" and cls["keywords"].get("table") is not True:
            return None
        value = _field(cls, "__tablename__")
        if isinstance(value, str):
            table, source = value, "__tablename__"
        elif kind == "sqlmodel" and not has_table_attr:
            table, source = cls["name"].lower(), "default"
        elif not has_table_attr and parents:
            parent = index.classes[parents[0]][1]
            table, source = f"(table of {parent['name']})", "inherited"
    return Model(name=cls["name"], kind=kind, table=table, table_source=source, mixins=mixins,
                 columns=_columns(kind, cls), path=path, line=cls["line"])


def find_models(repo: Repo) -> list[Model]:
    """Every ORM model of the repository (tests excluded), sorted by (path, line).
    Memoise with `repo.derived(find_models)`."""
    index = _Index(repo)
    out = []
    for key in sorted(index.classes):
        path = index.classes[key][0]
        if repo.by_path[path].role in ("test", "migration"):
            continue
        model = _model(index, key)
        if model is not None:
            out.append(model)
    return sorted(out, key=lambda m: (m.path, m.line))
