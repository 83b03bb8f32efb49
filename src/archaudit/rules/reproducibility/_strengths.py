"""Reproducibility strengths: a committed lockfile, dependencies pinned to exact versions."""

from __future__ import annotations

from collections import defaultdict

from archaudit.detect.dependencies.manifests import Dependency, find_dependencies, find_lockfiles, pinned_version
from archaudit.findings import Evidence, Message
from archaudit.model import Fact
from archaudit.repo import Repo

_NAMES = {"poetry": "Poetry", "uv": "uv", "pdm": "PDM", "pipenv": "Pipenv", "pip-compile": "pip-compile",
          "pip-hashes": "pip with hashes", "npm": "npm", "yarn": "Yarn", "pnpm": "pnpm"}


def lockfile_committed(repo: Repo) -> list[Fact]:
    """One fact per committed lockfile (evidence: the lockfile)."""
    return [Fact(Message("Lockfile committed: {path} ({value})",
                         path=lock.path, value=_NAMES.get(lock.kind, lock.kind)),
                 (Evidence(lock.path, 0),)) for lock in find_lockfiles(repo)]


def dependencies_pinned(repo: Repo) -> list[Fact]:
    """Python manifests (not lockfiles) whose runtime dependencies, three or more, all have exact versions."""
    locks = {lock.path for lock in find_lockfiles(repo)}
    per_file: dict[str, list[Dependency]] = defaultdict(list)
    for dep in find_dependencies(repo):
        if dep.ecosystem == "python" and dep.kind == "runtime" and dep.source not in locks:
            per_file[dep.source].append(dep)
    out = []
    for source, deps in sorted(per_file.items()):
        if len(deps) >= 3 and all(pinned_version(d) for d in deps):
            first = min(d.line for d in deps)
            out.append(Fact(Message("All {n} runtime dependencies in {source} are pinned to exact versions",
                                    n=len(deps), source=source),
                            (Evidence(source, first),)))
    return out
