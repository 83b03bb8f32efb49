"""Design patterns visible in the code: ports (Protocol/ABC interfaces) and their implementations,
dependency-injection style and domain packages.

Everything is read from class/function/call facts; names alone never make a port (it must also be
a Protocol or an ABC), and an implementation must subclass the port or carry its name with a
technology prefix (`SqlAlchemyProductRepository` implements `ProductRepository`).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from archaudit.detect.architecture.layers import is_test_path, layers
from archaudit.languages.python.facts import ClassFact, FunctionFact, expr_text
from archaudit.repo import Repo
from archaudit.resolve.python_index import calls_written

_ABSTRACT_BASES = frozenset({"Protocol", "ABC", "Interface"})
_PORT_SUFFIXES = ("Port", "Repository", "Gateway", "Interface", "Provider", "Dispatcher", "Scheduler", "Sender",
                  "Notifier", "Storage", "Publisher", "Hasher", "Client")
_DEPENDS = re.compile(r"\b(?:Depends|Security)\(([A-Za-z_][\w.]*)")
STANDARD_FILES = ("models", "api", "services", "repository", "factories", "exceptions", "constants", "schemas")
_DOMAIN_PARENTS = frozenset({"core", "domain", "domains", "app", "apps", "modules", "features"})
_NOT_DOMAINS = frozenset({"api", "core", "utils", "common", "shared", "config", "settings", "lib", "tests",
                          "migrations", "static", "templates", "scripts", "db", "infrastructure", "application",
                          "domain", "routes", "routers", "schemas", "models", "services", "admin"})


def base_name(base: str) -> str:
    """`typing.Protocol[T]` -> "Protocol"."""
    return base.split("[", 1)[0].rsplit(".", 1)[-1]


def is_abstract(cls: ClassFact) -> str:
    """"Protocol", "ABC" or "" for a class declared as an interface."""
    for base in cls["bases"]:
        name = base_name(base)
        if name in _ABSTRACT_BASES:
            return "Protocol" if name == "Protocol" else "ABC"
    meta = expr_text(cls["keywords"].get("metaclass"))
    return "ABC" if meta.endswith("ABCMeta") else ""


@dataclass(frozen=True, order=True)
class Port:
    """An interface of the application/domain layer, with the classes that implement it."""

    path: str
    line: int
    name: str
    kind: str  # Protocol | ABC
    implementations: tuple[tuple[str, int, str], ...]  # (path, line, class name)


def _stem(name: str) -> str:
    """`UserRepositoryPort` -> "UserRepository", `IUserRepository` -> "UserRepository"."""
    for suffix in ("Port", "Protocol", "Interface", "ABC"):
        if name.endswith(suffix) and len(name) > len(suffix):
            name = name[: -len(suffix)]
            break
    if len(name) > 2 and name[0] == "I" and name[1].isupper() and name[2].islower():
        name = name[1:]
    return name


def find_ports(repo: Repo) -> list[Port]:
    """Protocol/ABC classes of the application or domain layer named like a port, with implementations."""
    info = repo.derived(layers)
    candidates = []
    every: list[tuple[str, ClassFact]] = []
    for path, facts in repo.python_items():
        if is_test_path(repo, path):
            continue
        for cls in facts["classes"]:
            every.append((path, cls))
            layer = info.get(path)
            kind = is_abstract(cls)
            if kind and layer and layer.layer in ("application", "domain") and cls["name"].endswith(_PORT_SUFFIXES):
                candidates.append((path, cls, kind))
    by_stem: dict[str, list[int]] = defaultdict(list)
    for i, (_, cls, _) in enumerate(candidates):
        by_stem[_stem(cls["name"])].append(i)
    impls: dict[int, set[tuple[str, int, str]]] = defaultdict(set)
    names = {cls["name"]: i for i, (_, cls, _) in enumerate(candidates)}
    for path, cls in every:
        if is_abstract(cls):
            continue
        for base in cls["bases"]:
            if base_name(base) in names:
                impls[names[base_name(base)]].add((path, cls["line"], cls["name"]))
        for stem, idxs in by_stem.items():
            if cls["name"].endswith(stem) and cls["name"] != stem and cls["name"][: -len(stem)][:1].isupper():
                for i in idxs:
                    impls[i].add((path, cls["line"], cls["name"]))
    return sorted(Port(p, c["line"], c["name"], k, tuple(sorted(impls[i]))) for i, (p, c, k) in enumerate(candidates))


@dataclass(frozen=True, order=True)
class DomainPackage:
    folder: str  # e.g. "src/pcapi/core/offers"
    files: tuple[str, ...]  # the standard files present, in STANDARD_FILES order
    path: str  # a file of the package, as evidence


def find_domain_packages(repo: Repo) -> list[DomainPackage]:
    """Folders `<core|domain|app|...>/<name>/` holding at least two standard domain files."""
    present: dict[str, set[str]] = defaultdict(set)
    first: dict[str, str] = {}
    for path in sorted(repo.python):
        if is_test_path(repo, path):
            continue
        parts = path[:-3].split("/")
        for depth in (2, 3):  # <parent>/<domain>/<file> or <parent>/<domain>/<std>/<file>
            if len(parts) <= depth:
                continue
            parent, name, std = parts[-depth - 1], parts[-depth], parts[-depth + 1]
            if parent in _DOMAIN_PARENTS and name not in _NOT_DOMAINS and std in STANDARD_FILES \
                    and re.fullmatch(r"[a-z][a-z0-9_]*", name):
                folder = "/".join(parts[:-depth + 1])
                present[folder].add(std)
                first.setdefault(folder, path)
    return [DomainPackage(folder, tuple(s for s in STANDARD_FILES if s in files), first[folder])
            for folder, files in sorted(present.items()) if len(files) >= 2]


@dataclass(frozen=True, order=True)
class DiEvidence:
    style: str
    path: str
    line: int
    detail: str


_DEPENDS_CALLS = frozenset({"Depends", "Security"})


def _dependency_texts(fn: FunctionFact) -> list[str]:
    """Parameter defaults and annotations of `fn` that mention Depends/Security."""
    texts = []
    for v in fn["defaults"].values():
        if type(v) is dict and "$" in v and len(v) == 1:  # an expression (see facts.is_expr)
            t = str(v["$"])
            if "Depends" in t or "Security" in t:
                texts.append(t)
    texts += [t for t in fn["annotations"].values() if "Depends" in t or "Security" in t]
    return texts


def find_di(repo: Repo) -> list[DiEvidence]:
    """Dependency-injection mechanisms: FastAPI `Depends` providers, dependency-injector containers,
    injector/punq/lagom/svcs containers, and hand-written `*Container`/`*Registry` classes."""
    out: list[DiEvidence] = []
    # first place each provider is named: (path, 0 for a call / 1 for a default or annotation, line)
    providers: dict[str, tuple[str, int, int]] = {}
    for path, call, _ in sorted(calls_written(repo, *_DEPENDS_CALLS), key=lambda r: (r[0], r[1]["line"])):
        if call["args"] and not is_test_path(repo, path):
            name = expr_text(call["args"][0])
            if name and name not in providers:
                providers[name] = (path, 0, call["line"])
    found: dict[str, list[str]] = {}  # text -> the providers it names (texts repeat across handlers)
    for path, facts in repo.python_items():
        if is_test_path(repo, path):
            continue
        for fn in facts["functions"]:  # defaults/annotations are not walked as calls
            for text in _dependency_texts(fn) if fn["defaults"] or fn["annotations"] else ():
                names = found.get(text)
                if names is None:
                    names = found[text] = _DEPENDS.findall(text)
                for name in names:
                    known = providers.get(name)
                    if known is None or known[0] > path:  # calls of the same module came first
                        providers[name] = (path, 1, fn["line"])
        for imp in facts["imports"]:
            top = imp["module"].split(".")[0]
            if top in ("dependency_injector", "injector", "punq", "lagom", "svcs", "kink", "dishka", "wireup"):
                out.append(DiEvidence(f"container library ({top})", path, imp["line"], imp["module"]))
        for cls in facts["classes"]:
            if cls["name"].endswith(("Container", "Registry", "ServiceLocator")) and not is_abstract(cls):
                out.append(DiEvidence("hand-written container/registry", path, cls["line"], cls["name"]))
    for name, (path, _, line) in sorted(providers.items()):
        out.append(DiEvidence("FastAPI Depends provider", path, line, name))
    return sorted(out)
