"""DEP006 package-manager-without-lockfile."""

from __future__ import annotations

import re
from collections.abc import Iterator

from archaudit.detect.dependencies.manifests import find_lockfiles
from archaudit.detect.dependencies.usage import command_texts
from archaudit.findings import Axis, Evidence, Hit, Message, Severity
from archaudit.repo import Repo
from archaudit.resolve.context import ALL
from archaudit.rules.base import Rule
from archaudit.rules.reproducibility._deps import NO_PYTHON_LOCK

# manager -> (lockfile kind, command pattern that reads or writes its lockfile)
_MANAGERS = {
    "poetry": ("poetry", re.compile(r"(?<![\w-])poetry\s+(install|sync|lock|add|run|shell|update|build|export)\b")),
    "uv": ("uv", re.compile(r"(?<![\w-])uv\s+(sync|lock|add|export)\b")),
    "pdm": ("pdm", re.compile(r"(?<![\w-])pdm\s+(install|sync|lock|add|run|update)\b")),
    "pipenv": ("pipenv", re.compile(r"(?<![\w-])pipenv\s+(install|sync|lock|run|shell|update)\b")),
}
_LOCK_NAME = {"poetry": "poetry.lock", "uv": "uv.lock", "pdm": "pdm.lock", "pipenv": "Pipfile.lock"}


def check(repo: Repo) -> Iterator[Hit]:
    """Commands of a package manager (`poetry install`, `uv sync`, `pdm install`, `pipenv install`) in
    READMEs, docs, Makefile, scripts, Dockerfiles or CI while no lockfile of that manager is committed
    anywhere in the repository. One finding per manager, at its first command."""
    kinds = {lock.kind for lock in find_lockfiles(repo)}
    for manager, (kind, pattern) in sorted(_MANAGERS.items()):
        if kind in kinds:
            continue
        places: list[Evidence] = []
        for path, text in repo.derived(command_texts):
            for m in pattern.finditer(text):
                places.append(Evidence(path, text.count("\n", 0, m.start()) + 1))
        if places:
            places.sort()
            first = places[0]
            yield Hit(first.path, first.line, Message("`{manager}` is used here but no {lock_name} is committed.",
                                                      manager=manager, lock_name=_LOCK_NAME[manager]),
                      also=tuple(places[1:4]), key=manager, fact=NO_PYTHON_LOCK)


RULE = Rule(
    id="DEP006",
    name="package-manager-without-lockfile",
    axis=Axis.REPRODUCIBILITY,
    severity=Severity.MEDIUM,
    title="Package manager used without its lockfile",
    impact="The manager resolves versions afresh on every machine and CI run: the lockfile it was designed "
           "around is missing, so builds are not reproducible and reviews never see version changes.",
    action="Run the manager's lock command (poetry lock, uv lock, pdm lock, pipenv lock), commit the lockfile "
           "and install with the frozen/locked option in CI and Docker.",
    contexts=ALL,
    check=check,
    languages=frozenset(),  # repository files, whatever the language
    example_bad="README.md\n  poetry install\n(no poetry.lock in the repository)",
    example_good="README.md\n  poetry install\npoetry.lock (committed)",
)
