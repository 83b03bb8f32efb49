"""DX003 documented-tool-not-provisioned."""

from __future__ import annotations

from collections.abc import Iterator

from archaudit.detect.cicd.devtools import (
    JUSTFILES,
    MAKEFILES,
    Command,
    find_commands,
    just_recipes,
    make_targets,
)
from archaudit.findings import Axis, Evidence, Hit, Message, Severity
from archaudit.repo import Repo
from archaudit.resolve.context import ALL
from archaudit.rules.base import Rule

_NEEDS_PROJECT = {"uv": ("sync", "lock", "add", "remove"), "pdm": ("install", "sync", "lock", "add", "run")}
_THIRD_PARTY_BUILD = ("./configure", "cmake ", "tar x", "tar -x", "tar zx", "tar -zx")
_POETRY_SUBS = frozenset({"install", "run", "shell", "add", "remove", "lock", "sync", "update", "build", "export"})


def basenames(repo: Repo) -> frozenset[str]:
    """Every file name present in the repository (computed once)."""
    return frozenset(f.path.rsplit("/", 1)[-1] for f in repo.files)


def _has(repo: Repo, *names: str) -> bool:
    present = repo.derived(basenames)
    return any(n in present for n in names)


def pyproject_text(repo: Repo) -> str:
    """All pyproject.toml files, concatenated (computed once)."""
    return "\n".join(repo.text(f.path) or "" for f in repo.find(name="pyproject.toml"))


def _pyproject_mentions(repo: Repo, *needles: str) -> bool:
    text = repo.derived(pyproject_text)
    return any(n in text for n in needles)


def _missing(repo: Repo, cmd: Command) -> str:
    """What the command needs and the repository lacks ("" when it is provisioned or not checkable)."""
    sub = cmd.words[0] if cmd.words else ""
    if cmd.tool == "poetry" and sub in _POETRY_SUBS:
        if not _has(repo, "poetry.lock") and not _pyproject_mentions(repo, "[tool.poetry", "poetry.core"):
            return Message("a Poetry project ([tool.poetry] in pyproject.toml or poetry.lock)")
    elif cmd.tool in _NEEDS_PROJECT and sub in _NEEDS_PROJECT[cmd.tool]:
        if not _has(repo, "pyproject.toml", f"{cmd.tool}.lock"):
            return Message("a pyproject.toml or {lock}", lock=f"{cmd.tool}.lock")
    elif cmd.tool == "tox" and not _has(repo, "tox.ini", "tox.toml") and not _pyproject_mentions(repo, "[tool.tox"):
        return Message("a tox configuration (tox.ini or [tool.tox])")
    elif cmd.tool == "nox" and not _has(repo, "noxfile.py"):
        return Message("a noxfile.py")
    elif cmd.tool in ("make", "just"):
        return _missing_target(repo, cmd)
    return ""


def _missing_target(repo: Repo, cmd: Command) -> str:
    if any(w.startswith("-") for w in cmd.words) or _builds_third_party(repo, cmd.path):
        return ""  # -C dir / -f file, or building downloaded sources: not this repository's Makefile
    targets = [w for w in cmd.words if "=" not in w and w.replace("-", "").replace("_", "").replace(".", "").isalnum()]
    if cmd.tool == "make":
        label, present = "Makefile", _has(repo, *MAKEFILES)
        known = make_targets(repo) if present else set()
    else:
        label, present = "justfile", _has(repo, *JUSTFILES)
        known = just_recipes(repo) if present else set()
    if not present:
        return Message("a {label}", label=label)
    if known is None:
        return ""
    missing = [t for t in targets if t not in known]
    return Message("a `{target}` target in the {label}", target=missing[0], label=label) if missing else ""


def _builds_third_party(repo: Repo, path: str) -> bool:
    """The file compiles downloaded sources (./configure, cmake, tar x): its `make` is not ours."""
    text = repo.text(path) or ""
    return any(s in text for s in _THIRD_PARTY_BUILD)


def check(repo: Repo) -> Iterator[Hit]:
    """Reads tool commands in README/docs code (fenced blocks and inline code), Makefile and justfile
    recipes and shell scripts: `poetry install/run`, `uv sync`, `pdm install`, `make X`, `just X`, `tox`,
    `nox`. Reports each (tool, missing piece) once when the repository lacks what the command needs:
    Poetry configuration or lock, a pyproject.toml, a tox/nox configuration, a Makefile or justfile, or
    the named target."""
    groups: dict[tuple[str, str], list[Command]] = {}
    for cmd in repo.derived(find_commands):
        need = _missing(repo, cmd)
        if need:
            groups.setdefault((cmd.tool, need), []).append(cmd)
    for (tool, need), cmds in sorted(groups.items(), key=lambda kv: (kv[1][0].path, kv[1][0].line, kv[0])):
        first = cmds[0]
        shown = " ".join((first.tool, *first.words))[:80]
        yield Hit(first.path, first.line, Message("`{shown}` is documented ({n} place(s)) but the repository has no "
                                                  "{need}.",
                                                  shown=shown, n=len(cmds), need=need),
                  also=tuple(Evidence(c.path, c.line) for c in cmds[1:4]),
                  key=f"{tool}:{need}")


RULE = Rule(
    id="DX003",
    name="documented-tool-not-provisioned",
    axis=Axis.DEVELOPER_EXPERIENCE,
    severity=Severity.MEDIUM,
    title="Documented command cannot work in this repository",
    impact="Newcomers follow the README or scripts and hit an error on the first command; the documented "
           "workflow has drifted from the repository and nobody notices.",
    action="Either provision the tool (add its configuration, lockfile or the missing Makefile target) or "
           "update the README and scripts to the commands the project really uses.",
    contexts=ALL,
    check=check,
    supersedes=("DEP006",),
    example_bad="README.md: `poetry install` / `make test`\n(no [tool.poetry], no Makefile)",
    example_good="README.md: `make test`\nMakefile:\n  test:\n  \tpytest",
)
