"""DX001 no-task-runner."""

from __future__ import annotations

from collections.abc import Iterator

from archaudit.detect.cicd.devtools import find_task_runners
from archaudit.findings import Axis, Hit, Message, Severity
from archaudit.repo import Repo
from archaudit.rules.base import Rule


def check(repo: Repo) -> Iterator[Hit]:
    """In a repository with Python source code, looks at the root and at every app folder (a folder with
    its own manifest) for a task runner: Makefile, justfile, Taskfile.yml, noxfile.py, tox.ini,
    package.json scripts, or pyproject.toml [tool.poe] / [tool.taskipy] / [tool.pdm.scripts] /
    [tool.hatch.envs.*.scripts] / [tool.tox], or a scripts/ folder with one script per task (test, lint...).
    Reports once when there is none."""
    if not any(repo.by_path[p].role == "source" for p in repo.python):
        return
    if repo.derived(find_task_runners):
        return
    yield Hit(".", 0, Message("No task runner (Makefile, justfile, nox/tox, package.json scripts, poe tasks) "
                              "defines how to install, run, test and lint the project."), key="task-runner")


RULE = Rule(
    id="DX001",
    name="no-task-runner",
    axis=Axis.DEVELOPER_EXPERIENCE,
    severity=Severity.LOW,
    title="No task runner for common commands",
    impact="Each developer and the CI type their own variants of install/run/test/lint commands; they drift "
           "apart and newcomers have to guess them.",
    action="Add a Makefile or justfile (or [tool.poe.tasks], nox) with install, run, test, lint and migrate "
           "targets, and use the same targets in CI.",
    check=check,
    anchor=("pyproject.toml", "package.json"),
    example_bad="app/\ntests/\nrequirements.txt   # commands only in people's shell history",
    example_good="Makefile\n  test:\n  \tpytest\n  lint:\n  \truff check .",
)
