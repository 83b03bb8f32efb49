"""TS127 says "not determined" when the password field cannot be read: inherited from a base class the
rule does not follow, or carrying a decorator of the project's own (which may be the policy)."""

from __future__ import annotations

from archaudit.rules.engine import run_rules
from archaudit.rules.security.typescript.weak_password_dto import RULE
from tests.conftest import FIXTURES, repo_of


def test_inherited_field_and_own_decorator_are_not_determined() -> None:
    findings, undetermined = run_rules(repo_of(FIXTURES / "repos" / "password_policy_unknown"), [RULE])
    assert findings == []
    assert sorted((e.path, e.line) for u in undetermined for e in u.evidence) == [
        ("src/auth/register.dto.ts", 20), ("src/auth/register.dto.ts", 26)]
