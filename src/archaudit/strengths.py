"""Strengths: healthy practices the audit can prove, each with evidence.

A strength is a fact, never a guess: each check below names the file and line that shows it.
Add a check by appending a function to `CHECKS`.
"""

from __future__ import annotations

from collections.abc import Callable

from archaudit.model import Fact
from archaudit.repo import Repo
from archaudit.rules.config_security.secret_default import guarded_secrets
from archaudit.rules.observability._strengths import observability_strengths
from archaudit.rules.performance.engine_without_pool import pool_strengths
from archaudit.rules.reproducibility._strengths import dependencies_pinned, lockfile_committed
from archaudit.rules.security._strengths import rate_limiting, refresh_tokens, strong_password_hashing
from archaudit.rules.testing._strengths import coverage_threshold, error_contract, suite_strength

CHECKS: list[Callable[[Repo], list[Fact]]] = [
    guarded_secrets,
    lockfile_committed,
    dependencies_pinned,
    strong_password_hashing,
    refresh_tokens,
    rate_limiting,
    observability_strengths,
    pool_strengths,
    suite_strength,
    coverage_threshold,
    error_contract,
]


def find_strengths(repo: Repo) -> list[Fact]:
    out: list[Fact] = []
    for check in CHECKS:
        out.extend(check(repo))
    return sorted(set(out), key=lambda f: f.text)
