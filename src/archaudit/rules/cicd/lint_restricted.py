"""CI003 ci-lint-restricted."""

from __future__ import annotations

import re
from collections.abc import Iterator

from archaudit.findings import Axis, Hit, Message, Severity
from archaudit.repo import Repo
from archaudit.rules.base import Rule
from archaudit.rules.cicd._lines import ci_lines

_LINTER = re.compile(r"\b(flake8|ruff)\b")
_SELECT = re.compile(r"--select[= ]\s*['\"]?([A-Z0-9, ]+)")
_NARROW = re.compile(r"^(E9\d*|F63\d*|F7\d*|F82\d*)$")
_EXIT_ZERO = re.compile(r"--exit-zero|\|\|\s*(true|exit 0|:)")
_NOT_A_RUN = re.compile(r"^\s*(-\s*)?(#|name:|uses:)|"
                        r"\b(pip|pipx|uv|poetry|pdm|conda|apt-get|brew)\b.*\b(install|add|sync)\b")


def check(repo: Repo) -> Iterator[Hit]:
    """Looks at flake8 / ruff invocations in CI files: reports one whose `--select` keeps only the
    syntax-error and undefined-name codes (E9, F63, F7, F82: the GitHub starter workflow's list) when
    no other linter invocation in CI (without --select, or pre-commit) can fail the build; an
    invocation with --exit-zero or `|| true` does not count as one; comments, step names and install
    commands (`pip install flake8`) are not invocations."""
    narrow, full = [], False
    for path, line, text in ci_lines(repo):
        if _NOT_A_RUN.search(text):
            continue
        if re.search(r"\bpre-commit\s+run\b|\bpylint\b", text):
            full = True
        if not _LINTER.search(text) or re.search(r"\bruff\s+format\b", text):
            continue
        m = _SELECT.search(text)
        if m:
            codes = [c.strip() for c in m.group(1).replace(" ", ",").split(",") if c.strip()]
            if codes and all(_NARROW.match(c) for c in codes):
                narrow.append((path, line, codes))
                continue
        if not _EXIT_ZERO.search(text) and re.search(r"\bflake8\b|\bruff\s+(check\b|\.|$)", text):
            full = True
    if full:
        return
    for path, line, codes in narrow:
        yield Hit(path, line, Message("The only blocking lint keeps {names} (syntax errors and undefined names); "
                                      "style and quality problems never fail CI.",
                                      names=', '.join(codes)), key=",".join(codes))


RULE = Rule(
    id="CI003",
    name="ci-lint-restricted",
    axis=Axis.DEVELOPER_EXPERIENCE,
    severity=Severity.LOW,
    title="CI lint only checks a handful of error codes",
    impact="Unused imports, shadowed names, complexity and style issues accumulate: the linter is present "
           "but never blocks a change.",
    action="Run the linter with the project's full rule set (configured in pyproject.toml) as a blocking "
           "step; fix or explicitly ignore the existing findings once.",
    check=check,
    example_bad="- run: flake8 . --select=E9,F63,F7,F82 --show-source\n"
                "- run: flake8 . --exit-zero --max-complexity=10",
    example_good="- run: ruff check .   # rules from [tool.ruff.lint] in pyproject.toml",
)
