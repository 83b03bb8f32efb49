"""TS104 on per-route ValidationPipes: with no global ValidationPipe, the pipes built in @UsePipes or in a
parameter decorator are read; each file whose pipes omit `whitelist: true` is one finding, options not
written inline are not determined, and a global whitelisting pipe makes the route pipes irrelevant."""

from __future__ import annotations

from archaudit.rules.config_security.typescript.nest_validation_whitelist import RULE
from archaudit.rules.engine import run_rules
from tests.conftest import FIXTURES, repo_of

ROOT = FIXTURES / "repos" / "nest_route_pipes"


def test_route_pipes_without_whitelist_are_one_finding_per_file() -> None:
    findings, undetermined = run_rules(repo_of(ROOT / "bad"), [RULE])
    assert [(e.path, e.line) for u in undetermined for e in u.evidence] == [("src/movies.controller.ts", 15)]
    assert [(e.path, e.line) for f in findings for e in f.evidence] == [
        ("src/movies.controller.ts", 7), ("src/movies.controller.ts", 11)]


def test_route_pipe_options_not_inline_are_not_determined() -> None:
    repo = repo_of(ROOT / "bad")
    hits = list(RULE.check(repo))
    unknown = [h for h in hits if h.premises]
    assert [(h.path, h.line) for h in unknown] == [("src/movies.controller.ts", 15)]


def test_whitelisting_route_pipes_tests_and_custom_pipes_are_silent() -> None:
    assert list(RULE.check(repo_of(ROOT / "good"))) == []


def test_a_global_pipe_makes_route_pipes_irrelevant() -> None:
    assert list(RULE.check(repo_of(ROOT / "global"))) == []
