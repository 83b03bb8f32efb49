"""DEP003 dependency-sources-disagree."""

from __future__ import annotations

from collections.abc import Iterator

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import InvalidVersion, Version

from archaudit.detect.dependencies.manifests import Dependency, find_dependencies, find_lockfiles, pinned_version
from archaudit.findings import Axis, Evidence, Hit, Message, Severity
from archaudit.repo import Repo
from archaudit.rules.base import Rule


def _sources(repo: Repo) -> dict[str, tuple[list[Dependency], list[Dependency]]]:
    """Per app: runtime requirements-file entries and pyproject [project.dependencies] entries."""
    locks = {lock.path for lock in find_lockfiles(repo)}
    out: dict[str, tuple[list[Dependency], list[Dependency]]] = {}
    for dep in find_dependencies(repo):
        if dep.ecosystem != "python" or dep.kind != "runtime" or dep.source in locks:
            continue
        base = dep.source.rsplit("/", 1)[-1]
        reqs, project = out.setdefault(dep.app, ([], []))
        if base.endswith(".txt") and not dep.group:
            reqs.append(dep)
        elif base == "pyproject.toml" and not dep.group:
            project.append(dep)
    return out


def _conflict(a: Dependency, b: Dependency) -> bool:
    """True when both specs are readable and no version can satisfy both."""
    pa, pb = pinned_version(a), pinned_version(b)
    try:
        if pa and pb and pa != "url" and pb != "url":
            return Version(pa) != Version(pb)
        if pa and pa != "url" and b.spec:
            return not SpecifierSet(b.spec).contains(pa, prereleases=True)
        if pb and pb != "url" and a.spec:
            return not SpecifierSet(a.spec).contains(pb, prereleases=True)
    except (InvalidSpecifier, InvalidVersion):
        return False
    return False


def check(repo: Repo) -> Iterator[Hit]:
    """Apps that list runtime dependencies both in requirements.txt (not a lockfile) and in
    pyproject.toml [project.dependencies]: one finding per package whose versions cannot agree
    (different pins, or a pin outside the other file's range), and one for the packages listed in
    only one of the two files."""
    for app, (reqs, project) in sorted(_sources(repo).items()):
        if not reqs or not project:
            continue
        by_req = {d.name: d for d in reqs}
        by_proj = {d.name: d for d in project}
        for name in sorted(by_req.keys() & by_proj.keys()):
            a, b = by_req[name], by_proj[name]
            if _conflict(a, b):
                yield Hit(a.source, a.line, Message("`{name}` is `{value}` here but `{value2}` in {ref}.",
                                                    name=name, value=a.spec or Message("(any)"),
                                                    value2=b.spec or Message("(any)"), ref=b.ref),
                          also=(Evidence(b.source, b.line),), key=f"conflict:{name}")
        only_req = sorted(by_req.keys() - by_proj.keys())
        only_proj = sorted(by_proj.keys() - by_req.keys())
        if not only_req and not only_proj:
            continue
        first = project[0]
        parts = []
        if only_req:
            parts.append(Message("{n} only in {source} ({names})", n=len(only_req), source=reqs[0].source,
                                 names=", ".join(only_req[:5])))
        if only_proj:
            parts.append(Message("{n} only in {source} ({names})", n=len(only_proj), source=first.source,
                                 names=", ".join(only_proj[:5])))
        also = tuple(Evidence(by_req[n].source, by_req[n].line) for n in only_req[:3])
        yield Hit(first.source, first.line, Message("Two lists of runtime dependencies disagree: {parts}.",
                                                    parts=Message.joined("; ", parts)),
                  also=also, key=f"lists:{app}")


RULE = Rule(
    id="DEP003",
    name="dependency-sources-disagree",
    axis=Axis.REPRODUCIBILITY,
    severity=Severity.MEDIUM,
    title="requirements.txt and pyproject.toml disagree",
    impact="Two sources of truth: the package built from pyproject.toml and the deployment installed from "
           "requirements.txt run with different libraries, so what is tested is not what runs.",
    action="Keep one source of truth: declare dependencies in pyproject.toml and generate requirements.txt "
           "from it (uv export / pip-compile), or drop the dependency list from the other file.",
    check=check,
    example_bad="pyproject.toml   dependencies = [\"fastapi>=0.115\"]\nrequirements.txt fastapi==0.110.0\n"
                "                 sqlalchemy==2.0.25",
    example_good="pyproject.toml   dependencies = [\"fastapi>=0.110\", \"sqlalchemy>=2.0\"]\n"
                 "requirements.txt (generated: uv export --frozen)",
)
