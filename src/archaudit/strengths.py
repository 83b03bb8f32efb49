"""Strengths: healthy practices the audit can prove, each with evidence.

A strength is a fact, never a guess: each check below names the file and line that shows it.
A strength is not stated when a finding of a rule that contradicts it fires in the same audit (the
report must not praise error handling while reporting leaked exceptions). Add a check by appending
(function, contradicting rule ids) to `CHECKS`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from archaudit.findings import Finding
from archaudit.model import Fact
from archaudit.repo import Repo
from archaudit.rules.config_security.secret_default import guarded_secrets
from archaudit.rules.observability._strengths import (
    error_tracking,
    metrics_exported,
    request_correlation,
    structured_logs,
)
from archaudit.rules.performance.engine_without_pool import pool_strengths
from archaudit.rules.reproducibility._strengths import dependencies_pinned, lockfile_committed
from archaudit.rules.security._strengths import rate_limiting, refresh_tokens, strong_password_hashing
from archaudit.rules.testing._strengths import coverage_threshold, error_contract, suite_strength

CHECKS: list[tuple[Callable[[Repo], list[Fact]], frozenset[str]]] = [
    (guarded_secrets, frozenset({"CFG002", "SEC008"})),
    (lockfile_committed, frozenset({"DEP005", "DEP006"})),
    (dependencies_pinned, frozenset({"DEP005"})),
    (strong_password_hashing, frozenset({"SEC001"})),
    (refresh_tokens, frozenset({"SEC002"})),
    (rate_limiting, frozenset({"SEC005"})),
    (error_tracking, frozenset({"OBS004"})),
    (metrics_exported, frozenset({"OBS005"})),
    (structured_logs, frozenset({"OBS001"})),
    (request_correlation, frozenset({"OBS003"})),
    (pool_strengths, frozenset({"PERF005"})),
    (suite_strength, frozenset({"TST002"})),
    (coverage_threshold, frozenset({"TST003"})),
    (error_contract, frozenset({"SEC007"})),
]


def find_strengths(repo: Repo, findings: Iterable[Finding] = ()) -> list[Fact]:
    """Every strength the checks establish, except those a finding of this audit contradicts."""
    fired = {f.rule for f in findings}
    out: list[Fact] = []
    for check, contradicted_by in CHECKS:
        if not fired & contradicted_by:
            out.extend(check(repo))
    return sorted(set(out), key=lambda f: f.text)
