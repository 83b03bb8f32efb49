"""MOD008 duplicated-class."""

from __future__ import annotations

from collections.abc import Iterator

from archaudit.findings import Axis, Evidence, Hit, Message, Severity
from archaudit.languages.python.facts import ClassFact
from archaudit.repo import Repo
from archaudit.resolve.context import Context, context_of
from archaudit.resolve.python_index import is_app_code
from archaudit.rules.base import Rule

_MIN_SHARED = 3  # methods of its own a class needs before two copies of it say something
_MIN_OVERLAP = 0.8  # share of the smaller copy's methods the larger one also defines


def _own_methods(cls: ClassFact) -> frozenset[str]:
    """The methods a class defines, special methods aside (every class may have __init__, __repr__)."""
    return frozenset(m for m in cls["methods"] if not (m.startswith("__") and m.endswith("__")))


def _based(cls: ClassFact) -> bool:
    """The class extends a base: same-named subclasses of one base in sibling modules are implementations
    of one interface (a Backend per database, an AddView per Django module), not copies of each other."""
    return any(b not in ("object", "builtins.object") for b in cls["bases"])


def _copies(repo: Repo) -> list[tuple[str, ClassFact, str, ClassFact, frozenset[str]]]:
    """(path, class, other path, other class, shared methods) for classes of one name defined in two
    production modules that do not import each other's class, the smaller's methods mostly repeated by
    the larger (at least `_MIN_SHARED`, and `_MIN_OVERLAP` of the smaller's)."""
    by_name: dict[str, list[tuple[str, ClassFact]]] = {}
    for path in sorted(repo.python):
        if not is_app_code(repo, path) or context_of(repo, path) is not Context.PRODUCTION:
            continue
        for cls in repo.python[path]["classes"]:
            if len(_own_methods(cls)) >= _MIN_SHARED:
                by_name.setdefault(cls["name"], []).append((path, cls))
    out = []
    for _, defs in sorted(by_name.items()):
        for i, (path, cls) in enumerate(defs):
            for other_path, other in defs[i + 1:]:
                if other_path == path or _based(cls) or _based(other):
                    continue
                mine, theirs = _own_methods(cls), _own_methods(other)
                shared = mine & theirs
                if len(shared) >= _MIN_SHARED and len(shared) >= _MIN_OVERLAP * min(len(mine), len(theirs)):
                    out.append((path, cls, other_path, other, shared))
    return out


def check(repo: Repo) -> Iterator[Hit]:
    """Reports a class defined under the same name in two production modules of the application
    (tests, scripts, examples, migrations, templates aside) where at least three methods of the smaller
    copy, and four fifths of them, are defined again by the other; special methods do not count. Classes
    extending a base are left out: same-named subclasses in sibling modules implement one interface.
    One finding per pair of modules."""
    for path, cls, other_path, other, shared in _copies(repo):
        yield Hit(path, cls["line"], Message("Class {name} is defined twice, here and in {other}, with {n} of "
                                             "the same methods ({methods}): two copies to keep in step.",
                                             name=cls["name"], other=other_path, n=len(shared),
                                             methods=", ".join(sorted(shared)[:5])),
                  also=(Evidence(other_path, other["line"]),), key=other_path)


RULE = Rule(
    id="MOD008",
    name="duplicated-class",
    axis=Axis.MODULARITY,
    severity=Severity.LOW,
    title="The same class defined in two modules",
    impact="Two copies of one class drift apart: a fix lands in one and not the other, and callers do not "
           "know which copy is the current one.",
    action="Keep one definition and import it where needed; delete the stale copy (or make one extend "
           "the other when they must differ).",
    check=check,
    example_bad="# app/forecaster.py and forecast/forecaster.py\nclass Forecaster:\n    def train(self): ...\n"
                "    def predict(self): ...\n    def cleanup(self): ...",
    example_good="# forecast/forecaster.py defines it; app/ imports it\nfrom forecast.forecaster import Forecaster",
)
