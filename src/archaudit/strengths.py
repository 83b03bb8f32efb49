"""Strengths: healthy practices the audit can prove, each with evidence.

A strength is a fact, never a guess: each check below names the file and line that shows it.
Add a check by appending a function to `CHECKS`.
"""

from __future__ import annotations

from collections.abc import Callable

from archaudit.repo import Repo
from archaudit.report.model import Fact

CHECKS: list[Callable[[Repo], list[Fact]]] = []


def find_strengths(repo: Repo) -> list[Fact]:
    out: list[Fact] = []
    for check in CHECKS:
        out.extend(check(repo))
    return sorted(set(out), key=lambda f: f.text)
