"""Do-nothing classes wired as real services (shared by MOD056 and MOD058)."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from archaudit.detect.architecture.layers import is_test_path
from archaudit.detect.architecture.patterns import base_name, is_abstract
from archaudit.findings import Evidence
from archaudit.languages.python.facts import ClassFact, FunctionFact, expr_text
from archaudit.repo import Repo

_EMPTY = frozenset({"pass", "ellipsis", "empty-return", "docstring-only"})
_GENERIC = frozenset({"service", "services", "client", "manager", "recorder", "backend", "provider", "noop", "no",
                      "op", "null", "dummy", "impl", "base", "default", "handler", "adapter", "collector",
                      "exporter", "tracker", "sender", "reporter", "facade", "gateway"})
_NEUTRAL_BASES = frozenset({"object", "Protocol", "ABC", "Generic"})
_NULL_NAMES = re.compile(r"^_?(Noop|NoOp|Null|Dummy|Fake|Stub|Mock|Nop)[A-Z_]")
_ENABLED = re.compile(r"enable", re.IGNORECASE)
_TRUE_DEFAULT = re.compile(r"default=(True|'(true|1|yes|on)')", re.IGNORECASE)


@dataclass(frozen=True, order=True)
class NoopService:
    path: str
    line: int
    name: str
    methods: int
    used_at: Evidence  # first instantiation / injection
    flag: Evidence | None  # a settings flag enabling it that defaults to True
    named_null: bool  # the name says it is a deliberate null object (NoopMetrics, DummyHook)


def _is_noop(cls: ClassFact, methods: list[FunctionFact]) -> bool:
    own = [m for m in methods if not m["name"].startswith("__")]
    if not own or is_abstract(cls) or any(base_name(b).endswith(("Error", "Exception")) for b in cls["bases"]):
        return False
    if any(d["name"].rsplit(".", 1)[-1] in ("abstractmethod", "property") for m in own for d in m["decorators"]):
        return False
    return all(m["body"] in _EMPTY for m in own)


def _uses(repo: Repo, names: set[str]) -> dict[str, Evidence]:
    """Class name -> first place (non-test) where it is called, injected or passed as a value."""
    out: dict[str, Evidence] = {}
    for path, facts in repo.python_items():
        if is_test_path(repo, path):
            continue
        for call in facts["calls"]:
            last = call["name"].rsplit(".", 1)[-1]
            if last in names and last not in out:
                out[last] = Evidence(path, call["line"])
            for value in (*call["args"], *call["kwargs"].values()):
                if isinstance(value, dict) and isinstance(value.get("$"), str):
                    ref = value["$"].rsplit(".", 1)[-1]
                    if ref in names and ref not in out:
                        out[ref] = Evidence(path, call["line"])
    return out


def _flags(repo: Repo) -> list[tuple[str, Evidence]]:
    """(lower-cased name, place) of settings flags named *enable* whose default is True."""
    out = []
    for path, facts in repo.python_items():
        if is_test_path(repo, path):
            continue
        fields = [(f["name"], f["line"], f["value"]) for c in facts["classes"] for f in c["fields"]]
        assigns = [(a["target"], a["line"], a["value"]) for a in facts["assigns"] if not a["func"]]
        for name, line, value in fields + assigns:
            if _ENABLED.search(name) and (value is True or _TRUE_DEFAULT.search(expr_text(value))):
                out.append((name.lower(), Evidence(path, line)))
    return sorted(out)


def _words(name: str) -> set[str]:
    return {w.lower() for w in re.findall(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+", name)} - _GENERIC


def find_noop_services(repo: Repo) -> list[NoopService]:
    """Classes whose every own method does nothing, that are instantiated or injected in non-test code,
    not subclassed, with no base but interfaces (Protocol/ABC/object), and not a null-object sibling of
    a real implementation of the same interface."""
    classes: list[tuple[str, ClassFact, list[FunctionFact]]] = []
    real_by_base: dict[str, int] = defaultdict(int)
    subclassed: set[str] = set()
    interfaces: set[str] = set(_NEUTRAL_BASES)
    for path, facts in repo.python_items():
        if is_test_path(repo, path) or path.endswith(".pyi"):
            continue
        interfaces.update(c["name"] for c in facts["classes"] if is_abstract(c))
        by_cls: dict[str, list[FunctionFact]] = defaultdict(list)
        for fn in facts["functions"]:
            if fn["cls"]:
                by_cls[fn["cls"]].append(fn)
        for cls in facts["classes"]:
            methods = by_cls.get(cls["name"], [])
            bases = {base_name(b) for b in cls["bases"]}
            subclassed.update(bases)
            if _is_noop(cls, methods):
                classes.append((path, cls, methods))
            elif any(m["body"] == "code" for m in methods):
                for b in bases:
                    real_by_base[b] += 1
    if not classes:
        return []
    uses = _uses(repo, {c["name"] for _, c, _ in classes})
    flags = repo.derived(_flags)
    out = []
    for path, cls, methods in classes:
        name = cls["name"]
        bases = {base_name(b) for b in cls["bases"]} - {"object"}
        if name in subclassed or name not in uses or any(real_by_base.get(b) for b in bases):
            continue
        if not bases <= interfaces:  # inherits real behaviour (an external or concrete base class)
            continue
        words = _words(name)
        flag = next((ev for flag_name, ev in flags if any(w in flag_name for w in words)), None)
        own = [m for m in methods if not m["name"].startswith("__")]
        out.append(NoopService(path, cls["line"], name, len(own), uses[name], flag,
                               bool(_NULL_NAMES.match(name))))
    return sorted(out)
