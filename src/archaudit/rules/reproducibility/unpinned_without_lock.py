"""DEP005 unpinned-dependencies-without-lockfile."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from archaudit.detect.dependencies.manifests import Dependency, find_dependencies, find_lockfiles, pinned_version
from archaudit.findings import Axis, Evidence, Hit, Message, Severity
from archaudit.repo import Repo
from archaudit.rules.base import Rule
from archaudit.rules.reproducibility._deps import NO_PYTHON_LOCK, has_python_lock

_APP_FRAMEWORKS = {"fastapi", "flask", "django", "starlette", "litestar", "sanic", "aiohttp", "tornado",
                   "quart", "falcon", "pyramid", "celery", "gunicorn", "uvicorn"}


def _checked_manifests(repo: Repo) -> dict[str, list[Dependency]]:
    """Runtime Python declarations per manifest that an app installs from: requirements files always;
    pyproject.toml / Pipfile only for applications (a framework or server is declared) that have no
    requirements file, since a library's pyproject legitimately uses ranges."""
    locks = {lock.path for lock in find_lockfiles(repo)}
    per_file: dict[str, list[Dependency]] = defaultdict(list)
    req_apps: set[str] = set()
    for dep in find_dependencies(repo):
        if dep.ecosystem == "python" and dep.kind == "runtime" and dep.source not in locks:
            per_file[dep.source].append(dep)
            if dep.source.endswith((".txt", ".in")):
                req_apps.add(dep.app)
    out = {}
    for source, deps in per_file.items():
        base = source.rsplit("/", 1)[-1]
        application = deps[0].app not in req_apps and any(d.name in _APP_FRAMEWORKS for d in deps)
        if base.endswith((".txt", ".in")) or (base in ("pyproject.toml", "Pipfile") and application):
            out[source] = deps
    return out


def _bounded_exceptions(loose: list[Dependency], deps: list[Dependency]) -> bool:
    """A manifest that pins nearly everything (90 % or more) and bounds the few others from above
    (`>=8.12,<8.14`, `~=1.2`): the drift left is deliberate and bounded, not an unpinned manifest."""
    return len(loose) * 10 <= len(deps) and all("<" in d.spec or "~=" in d.spec for d in loose)


def check(repo: Repo) -> Iterator[Hit]:
    """Manifests whose runtime dependencies are not pinned to an exact version (`==`, or a bare
    Poetry version) while the app commits no lockfile (poetry.lock, uv.lock, pdm.lock, Pipfile.lock,
    pip-compile output or fully hashed requirements). One finding per manifest, at its first
    unpinned line; `.in` files are skipped when a compiled lock exists, as they are meant to float."""
    for source, deps in sorted(_checked_manifests(repo).items()):
        if has_python_lock(repo, deps[0].app):
            continue
        loose = sorted((d for d in deps if pinned_version(d) is None), key=lambda d: d.line)
        if not loose or _bounded_exceptions(loose, deps):
            continue
        names = ", ".join(f"{d.name}{d.spec}" for d in loose[:5]) + (", ..." if len(loose) > 5 else "")
        yield Hit(source, loose[0].line, Message("{n} of {n2} runtime dependencies have no exact version ({names}) "
                                                 "and no lockfile is committed.",
                                                 n=len(loose), n2=len(deps), names=names),
                  also=tuple(Evidence(d.source, d.line) for d in loose[1:4]), key=source, fact=NO_PYTHON_LOCK)


RULE = Rule(
    id="DEP005",
    name="unpinned-dependencies-without-lockfile",
    axis=Axis.REPRODUCIBILITY,
    severity=Severity.MEDIUM,
    title="Unpinned dependencies and no lockfile",
    impact="Each install resolves whatever versions are newest that day: two builds of the same commit can "
           "differ, and a breaking or compromised release reaches production without any code change.",
    action="Commit a lockfile (uv lock, poetry lock, pip-compile --generate-hashes) and install from it in CI "
           "and Docker, or pin exact versions in the requirements file.",
    check=check,
    supersedes=("DEP006",),  # "poetry is used but no poetry.lock": the same missing lockfile, said from a README
    example_bad="requirements.txt\n  fastapi\n  sqlalchemy>=2.0",
    example_good="requirements.in  fastapi, sqlalchemy>=2.0\nrequirements.txt (pip-compile output, "
                 "fastapi==0.110.0 ...)",
)
