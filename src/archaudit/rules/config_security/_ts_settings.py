"""Shared by the TypeScript insecure-default rules (TS008-TS010): the `settings` facts of non-test
files and how to read a setting's value (a literal, or a condition kept as source text)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from archaudit.languages.typescript.facts import SettingFact, TsFacts, expr_text, is_expr
from archaudit.repo import Repo
from archaudit.resolve.typescript_index import is_ts_test, ts_facts

# test/dev-only by name: typeorm.test.config.ts, ormconfig-e2e.ts, config/testing.ts, seed-dev.ts
_TEST_NAME = re.compile(r"(^|[./_-])(test|tests|testing|e2e|spec|fixtures?|mocks?)([./_-])", re.I)
_TEST_FUNC = re.compile(r"(^|[._])test|Test|E2e|e2e")
# a condition that only holds in a test / development environment
_DEV_ONLY = re.compile(r"""(?<!!)={2,3}\s*['"`](test|testing|dev|development|local|e2e)['"`]"""
                       r"""|['"`](test|testing|dev|development|local|e2e)['"`]\s*={2,3}(?!=)"""
                       r"|\b(is|in)_?(Test|Dev|Development|Local|E2e)\w*\b"
                       r"|\b(isTest|isDev|isDevelopment|isLocal|IS_TEST|IS_DEV)\b", re.I)
# a condition that is false only in production (`NODE_ENV !== 'production'`, `!isProd`)
_NOT_PROD = re.compile(r"""!={1,2}\s*['"`]prod(uction)?['"`]|!\s*(this\.)?\w*is_?prod""", re.I)
# on everywhere except under tests: `NODE_ENV !== 'test'`
_NOT_TEST = re.compile(r"""!={1,2}\s*['"`](test|testing)['"`]|['"`](test|testing)['"`]\s*!={1,2}""", re.I)
# a default that is true when the variable is unset: `!== 'false'`, `?? true`, `|| 'true'`
_TRUE_DEFAULT = re.compile(r"""!={1,2}\s*['"`](false|0)['"`]|(\?\?|\|\|)\s*['"`]?true['"`]?\s*\)?$""")


def test_only(path: str, func: str = "") -> bool:
    """A test/fixture file, or a test-named config file or function (their defaults never ship)."""
    name = path.rsplit("/", 1)[-1]
    return is_ts_test(path) or bool(_TEST_NAME.search(name)) or bool(_TEST_FUNC.search(func))


def shipped_settings(repo: Repo, *keys: str) -> Iterator[tuple[str, TsFacts, SettingFact]]:
    """(path, facts, setting) for every setting named in `keys` outside test-only code, sorted."""
    for path, facts in repo.derived(ts_facts).items():
        for setting in facts.get("settings", ()):
            if setting["key"] in keys and not test_only(path, setting["func"]):
                yield path, facts, setting


def condition(value: object) -> str:
    """The source text of a non-literal value ("" for literals)."""
    return expr_text(value) if is_expr(value) else ""


def dev_only(text: str) -> bool:
    """True when the condition holds only in tests / development (or everywhere but production)."""
    return bool(_DEV_ONLY.search(text) or _NOT_PROD.search(text))


def true_by_default(text: str) -> bool:
    """True when the condition is on unless someone sets a variable (`process.env.X !== 'false'`,
    `?? true`) or everywhere but under tests (`NODE_ENV !== 'test'`)."""
    if "&&" in text or "?" in text.replace("??", "").replace("?.", "") or "||" in text.rstrip().rsplit("||", 1)[0]:
        return False  # a compound condition: not determined
    return bool(_NOT_TEST.search(text) or (_TRUE_DEFAULT.search(text.strip()) and not dev_only(text)))
