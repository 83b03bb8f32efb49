"""MOD055 unused-scaffolding."""

from __future__ import annotations

import re
from collections.abc import Iterator

from archaudit.detect.architecture.layers import is_test_path, layer_of
from archaudit.detect.architecture.patterns import find_ports, is_abstract
from archaudit.findings import Axis, Hit, Message, Severity
from archaudit.repo import Repo
from archaudit.rules.base import Rule

_SUFFIXES = ("Mixin", "Port", "Dispatcher", "Interface")
_IDENT = re.compile(r"[A-Za-z_]\w*")
_VENDORED = re.compile(r"(^|/)(_?vendor(ed)?|third_party|site-packages)/")


def referenced(repo: Repo, candidates: set[str]) -> set[str]:
    """The candidate names that some module (tests included) reads, imports, annotates with (names of
    annotations are in `names`), exports in `__all__` or mentions in a string argument or value."""
    out: set[str] = set()
    for _, facts in repo.python_items():
        out.update(candidates.intersection(facts["names"]))
        for imp in facts["imports"]:
            out.update(candidates.intersection(n.partition(" as ")[0] for n in imp["names"]))
        strings: list[str] = []
        for a in facts["assigns"]:
            value = a["value"]
            values = value if isinstance(value, list) else list(value.values()) if isinstance(value, dict) \
                else [value]
            strings.extend(v for v in values if isinstance(v, str))
        for call in facts["calls"]:  # cast("Port", x), TypeVar("T", bound="Port"), registry strings
            strings.extend(v for v in (*call["args"], *call["kwargs"].values()) if isinstance(v, str))
        for text in strings:
            if len(text) < 200:
                out.update(candidates.intersection(_IDENT.findall(text)))
    return out


def check(repo: Repo) -> Iterator[Hit]:
    """In application code with recognised layers (api/, services/, domain/...), looks for classes
    declared as scaffolding (a name ending in Mixin, Port, Dispatcher or Interface, or a Protocol/ABC)
    that nothing uses: no class lists it as a base or implements it by name (a port with an adapter),
    and no module reads, imports, annotates with, exports (`__all__`) or names it in a string. Tests
    count as users; stubs and vendored code are skipped; libraries (no layer folders) are skipped since
    their interfaces serve other projects."""
    if not repo.derived(layer_of):  # libraries declare public interfaces for others to use
        return
    found = []
    for path, facts in repo.python_items():
        if is_test_path(repo, path) or path.endswith(".pyi") or _VENDORED.search(path):
            continue
        for cls in facts["classes"]:
            kind = is_abstract(cls)
            registered = any("regist" in d["name"].lower() for d in cls["decorators"])
            if (cls["name"].endswith(_SUFFIXES) or kind) and not registered:
                found.append((path, cls, kind))
    used = referenced(repo, {cls["name"] for _, cls, _ in found}) if found else set()
    used.update(p.name for p in repo.derived(find_ports) if p.implementations)  # implemented structurally
    for path, cls, kind in found:
        name = cls["name"]
        if name not in used:
            what = f"{kind} class" if kind else next(s for s in _SUFFIXES if name.endswith(s)).lower()
            yield Hit(path, cls["line"], Message("{name} ({what}) is declared but nothing subclasses, implements or "
                                                 "references it.",
                                                 name=name, what=what), key=name)


RULE = Rule(
    id="MOD055",
    name="unused-scaffolding",
    axis=Axis.MODULARITY,
    severity=Severity.LOW,
    title="Declared scaffolding (mixin, port, dispatcher, interface) is never used",
    impact="Readers assume a mechanism exists (events dispatched, ports implemented) that is not wired; "
           "the dead abstraction misleads reviews and rots as the code around it changes.",
    action="Wire the abstraction where it was meant to be used, or delete it until it is needed.",
    check=check,
    absence_in=frozenset({"python"}),
    example_bad="class EventRecorderMixin:\n    def record_event(self, event): ...\n# no class inherits it",
    example_good="class Order(EventRecorderMixin, Base):\n    ...",
)
