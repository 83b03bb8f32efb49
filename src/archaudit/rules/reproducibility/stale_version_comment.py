"""DEP004 version-comment-contradicts-pin."""

from __future__ import annotations

import re
from collections.abc import Iterator

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import InvalidVersion, Version

from archaudit.detect.dependencies.manifests import Dependency, find_dependencies, normalize, pinned_version
from archaudit.findings import Axis, Evidence, Hit, Message, Severity
from archaudit.repo import Repo
from archaudit.rules.base import Rule

# A name starts a word (the lookbehind: a 60 KB word is tried once, not from each of its characters),
# and only the first _COMMENT_CHARS of a comment are read: no backtracking grows past that.
_MENTION = re.compile(r"(?<![\w.\-])([A-Za-z][\w.\-]*[A-Za-z0-9])\s*(==|>=|<=|~=|<|>|@|\s)\s*v?(\d+(?:\.\d+)+)")
_COMMENT_CHARS = 500


def _agrees(op: str, mentioned: str, pinned: str) -> bool:
    try:
        if op in ("==", ">=", "<=", "~=", "<", ">"):
            return SpecifierSet(op + mentioned).contains(pinned, prereleases=True)
        want, have = Version(mentioned).release, Version(pinned).release
        return have[: len(want)] == want
    except (InvalidSpecifier, InvalidVersion):
        return True


def _pins(repo: Repo) -> dict[tuple[str, str], Dependency]:
    out: dict[tuple[str, str], Dependency] = {}
    for dep in find_dependencies(repo):
        version = pinned_version(dep)
        if dep.ecosystem == "python" and version and version != "url":
            out.setdefault((dep.app, dep.name), dep)
    return out


def check(repo: Repo) -> Iterator[Hit]:
    """Trailing comments of requirements lines that name another declared package with a version
    (`starlette==0.52.1  # compatible FastAPI 0.121.0`) while that package is pinned to a version
    the comment does not allow (`fastapi==0.133.1`)."""
    pins = _pins(repo)
    for dep in find_dependencies(repo):
        if not dep.comment or dep.ecosystem != "python":
            continue
        for m in _MENTION.finditer(dep.comment[:_COMMENT_CHARS]):
            name, op, mentioned = normalize(m.group(1)), m.group(2).strip(), m.group(3)
            other = pins.get((dep.app, name))
            if other is None or name == dep.name:
                continue
            pinned = pinned_version(other) or ""
            if not _agrees(op, mentioned, pinned):
                yield Hit(dep.source, dep.line, Message("The comment on `{name}` refers to {value} "
                                                        "{value2}{mentioned}, but `{name2}` is pinned to {pinned} "
                                                        "({ref}).",
                                                        name=dep.name, value=m.group(1),
                                                        value2=op if op not in ('', '@') else '',
                                                        mentioned=mentioned, name2=name, pinned=pinned,
                                                        ref=other.ref),
                          also=(Evidence(other.source, other.line),), key=f"{dep.name}:{name}")
                break


RULE = Rule(
    id="DEP004",
    name="version-comment-contradicts-pin",
    axis=Axis.REPRODUCIBILITY,
    severity=Severity.LOW,
    title="Version comment contradicts the pinned versions",
    impact="The comment documents a compatibility that no longer holds: whoever upgrades trusts it and may "
           "keep an incompatible pair of versions, or the pin it justifies is obsolete.",
    action="Re-check the compatibility of the two packages, then update or remove the comment (a lockfile "
           "resolver is a better guarantee than a comment).",
    check=check,
    example_bad="fastapi==0.133.1\nstarlette==0.52.1  # compatible FastAPI 0.121.0",
    example_good="fastapi==0.133.1\nstarlette==0.52.1  # required by FastAPI 0.133",
)
