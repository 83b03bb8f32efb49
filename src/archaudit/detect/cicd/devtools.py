"""Developer tooling a repository provides: task runners, git hooks, Makefile targets and just
recipes, and the tool commands its docs and scripts ask developers to run.

Public, shared facts (memoise through `repo.derived`):
    find_task_runners(repo) -> list[DevTool]    Makefile, justfile, Taskfile, nox, tox, npm scripts, poe... (root,
                                                top-level and app folders)
    find_git_hooks(repo)    -> list[DevTool]    pre-commit, husky, lefthook, simple-git-hooks
    make_targets(repo)      -> set[str] | None  targets of every Makefile (None: a wildcard accepts any)
    just_recipes(repo)      -> set[str] | None
    find_commands(repo)     -> list[Command]    commands in doc code, Makefile/justfile recipes, shell scripts
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass

from archaudit.detect.formats.markdown import code_lines, doc_files
from archaudit.detect.structure import find_apps
from archaudit.repo import Repo

MAKEFILES = frozenset({"Makefile", "makefile", "GNUmakefile"})
JUSTFILES = frozenset({"justfile", "Justfile", ".justfile"})
_RUNNER_FILES = {**{n: "make" for n in MAKEFILES}, **{n: "just" for n in JUSTFILES},
                 "Taskfile.yml": "task", "Taskfile.yaml": "task", "noxfile.py": "nox", "tox.ini": "tox"}
_PYPROJECT_RUNNERS = re.compile(r"^\s*\[tool\.(poe|taskipy|pdm\.scripts|hatch\.envs\.[\w.-]+\.scripts|tox|invoke)\b")
_HOOK_FILES = frozenset({".pre-commit-config.yaml", ".pre-commit-config.yml", "lefthook.yml", "lefthook.yaml",
                         ".lefthook.yml", ".lefthook.yaml", "lefthook.toml", ".overcommit.yml",
                         ".simple-git-hooks.json", ".simple-git-hooks.js", ".simple-git-hooks.cjs"})
# lint-staged and yorkie only run from a git hook: declaring them shows the project wires one
_HOOK_PACKAGES = ("husky", "lefthook", "simple-git-hooks", "pre-commit", "lint-staged", "yorkie")
_MAX_LINE = 1000  # longer lines are data, not rules (and would slow the regexes down)
_MAKE_RULE = re.compile(r"^([^\s#=:][^=:]*?)\s*::?(?!=)")
_JUST_RECIPE = re.compile(r"^@?([A-Za-z_][\w-]*+)[^:=]*+:(?!=)")  # possessive: the two runs never trade
_JUST_ALIAS = re.compile(r"^alias\s+([\w-]+)\s*:=")
_SPLIT = re.compile(r"&&|\|\||;|\||\$\(|`")
_PROMPT = re.compile(r"^(\$|>|%|PS>)\s+")
_ENV = re.compile(r"^([A-Z_][A-Z0-9_]*=\S*\s+)+")


@dataclass(frozen=True, order=True)
class DevTool:
    kind: str
    path: str
    line: int


@dataclass(frozen=True, order=True)
class Command:
    """A tool command a developer is told to run: `poetry install`, `make test`, `tox`..."""

    tool: str  # poetry | uv | pdm | make | just | tox | nox
    words: tuple[str, ...]  # the command's words after the tool name
    path: str
    line: int


def find_task_runners(repo: Repo) -> list[DevTool]:
    """Task runners at the repository root, in a top-level folder, or in an app folder (with a manifest)."""
    folders = {""} | {a.folder for a in repo.derived(find_apps)}
    out = []
    for f in repo.files:
        folder, base = posixpath.split(f.path)
        if folder not in folders and folder.count("/") > 0:
            continue  # root, top-level folders and app folders only
        if base in _RUNNER_FILES:
            out.append(DevTool(_RUNNER_FILES[base], f.path, 0))
        elif base == "package.json":
            data = repo.json(f.path)
            if isinstance(data, dict) and isinstance(data.get("scripts"), dict) and data["scripts"]:
                out.append(DevTool("npm scripts", f.path, repo.line_of(f.path, '"scripts"')))
        elif base in ("pyproject.toml", "setup.cfg"):
            for i, text in enumerate(repo.lines(f.path), 1):
                m = _PYPROJECT_RUNNERS.match(text)
                if m or text.strip() == "[tox:tox]":
                    out.append(DevTool(m.group(1).split(".")[0] if m else "tox", f.path, i))
                    break
    return sorted(out + _task_script_folders(repo))


_TASK_WORDS = ("test", "lint", "format", "fmt", "run", "start", "serve", "dev", "install", "setup", "bootstrap",
               "migrate", "build", "check", "typecheck", "coverage", "cov")


def _task_script_folders(repo: Repo) -> list[DevTool]:
    """A `scripts/` folder at the root or in a top-level folder holding scripts named after at least two
    common tasks (`scripts/test`, `scripts/lint.sh`, `backend/scripts/format.sh`): the project's task
    runner, in the script-per-task style (what CI calls too)."""
    tasks: dict[str, set[str]] = {}
    for f in repo.files:
        folder, base = posixpath.split(f.path)
        if posixpath.basename(folder) != "scripts" or folder.count("/") > 1:
            continue
        word = re.split(r"[-_.]", base.lower(), maxsplit=1)[0]
        if word in _TASK_WORDS:
            tasks.setdefault(folder, set()).add(word)
    return [DevTool("scripts folder", folder, 0) for folder, words in sorted(tasks.items()) if len(words) >= 2]


def find_git_hooks(repo: Repo) -> list[DevTool]:
    """Git hook managers: pre-commit, husky, lefthook, overcommit, simple-git-hooks, .githooks/, and
    lint-staged / yorkie declared in a package.json (they run from a hook)."""
    out = []
    for f in repo.files:
        base = f.path.rsplit("/", 1)[-1]
        if base in _HOOK_FILES:
            out.append(DevTool(base.strip(".").split(".")[0].split("-config")[0], f.path, 0))
        elif f.path.startswith((".husky/", ".githooks/")) or "/.husky/" in f.path:
            out.append(DevTool("husky" if ".husky/" in f.path else "githooks", f.path, 0))
        elif base == "package.json":
            data = repo.json(f.path)
            if not isinstance(data, dict):
                continue
            deps: dict[str, object] = {}
            for key in ("devDependencies", "dependencies"):
                if isinstance(data.get(key), dict):
                    deps.update(data[key])
            for name in _HOOK_PACKAGES:
                if name in data or name in deps:
                    out.append(DevTool(name, f.path, repo.line_of(f.path, f'"{name}"')))
    return sorted(out)


def make_targets(repo: Repo) -> set[str] | None:
    """Targets of every Makefile; None when a pattern rule or an include may define any target."""
    targets: set[str] = set()
    for f in repo.files:
        if f.path.rsplit("/", 1)[-1] not in MAKEFILES:
            continue
        for text in repo.lines(f.path):
            if len(text) > _MAX_LINE:
                continue
            if text.startswith(("include ", "-include ", "sinclude ")):
                return None
            m = _MAKE_RULE.match(text)
            if not m or text.startswith("\t"):
                continue
            names = m.group(1).split()
            if names and names[0] == ".PHONY":
                names = text.split(":", 1)[1].split()
            if any("%" in n or "$" in n for n in names):
                return None
            targets.update(names)
    return targets


def just_recipes(repo: Repo) -> set[str] | None:
    """Recipes and aliases of every justfile; None when it imports other files."""
    recipes: set[str] = set()
    for f in repo.files:
        if f.path.rsplit("/", 1)[-1] not in JUSTFILES:
            continue
        for text in repo.lines(f.path):
            if len(text) > _MAX_LINE:
                continue
            if text.startswith(("import ", "mod ", "!include")):
                return None
            m = _JUST_ALIAS.match(text) or (None if text.startswith(("set ", "export ")) else _JUST_RECIPE.match(text))
            if m:
                recipes.add(m.group(1))
    return recipes


def find_commands(repo: Repo) -> list[Command]:
    """Tool commands in doc code (fenced blocks, inline code), Makefile and justfile recipes and shell scripts."""
    out: list[Command] = []
    for path in doc_files(repo):
        for line, code in code_lines(repo.text(path) or ""):
            out.extend(_commands(code, path, line))
    for f in repo.files:
        base = f.path.rsplit("/", 1)[-1]
        recipe = base in MAKEFILES or base in JUSTFILES
        if not recipe and not (f.language == "shell" and f.role != "test"):
            continue
        for i, text in enumerate(repo.lines(f.path), 1):
            if (recipe and not text[:1].isspace()) or text.lstrip().startswith("#"):
                continue
            out.extend(_commands(text.strip().lstrip("@-"), f.path, i))
    return sorted(out, key=lambda c: (c.path, c.line, c.tool, c.words))


_COMMENT = re.compile(r"(?:^|\s)#.*$")


def _commands(code: str, path: str, line: int) -> list[Command]:
    out = []
    for part in _SPLIT.split(code):
        part = _ENV.sub("", _PROMPT.sub("", part.strip().lstrip("( ")))
        part = _COMMENT.sub("", part)  # `make compile-scss # must come first`: the comment is not arguments
        words = part.split()
        if words and words[0] in ("poetry", "uv", "pdm", "make", "just", "tox", "nox"):
            out.append(Command(words[0], tuple(w.strip("`'\"") for w in words[1:]), path, line))
    return out
