"""SEC008 committed-secret."""

from __future__ import annotations

import re
from collections.abc import Iterator

from archaudit.findings import Axis, Hit, Message, Severity
from archaudit.repo import Repo
from archaudit.resolve.context import Context
from archaudit.rules.base import Rule
from archaudit.rules.security._jwt import ts_jwt_literal_keys

# a key in tests, docs, sample data or a template is a fixture or a placeholder far more often than a
# live credential; dev settings, scripts and migrations run against real systems
SECRET_CONTEXTS = frozenset({Context.PRODUCTION, Context.DEV, Context.SCRIPT, Context.MIGRATION})
# Google API keys of browser services (Maps JavaScript, Places, Firebase web config) are sent to every
# visitor's browser and restricted by HTTP referrer: public by design, not a committed credential
_BROWSER_GOOGLE_KEY = re.compile(r"maps?\b|maps?_|_maps?|firebase|places|geocod|browser|public|recaptcha_site|"
                                 r"NEXT_PUBLIC_|VITE_|REACT_APP_|EXPO_PUBLIC_", re.IGNORECASE)


def _public_by_design(repo: Repo, path: str, line: int, kind: str) -> bool:
    """A Google API key named for a browser service, on its line or in the few lines above
    (`GOOGLE_MAP_API_KEY = "AIza..."`, `apiKey:` inside a `firebaseConfig = {...}`)."""
    if kind != "Google API key":
        return False
    return any(_BROWSER_GOOGLE_KEY.search(repo.line(path, n)) for n in range(max(1, line - 5), line + 1))


def check(repo: Repo) -> Iterator[Hit]:
    """Reads the records of the secrets scanner (archaudit.scan.secrets): token-shaped strings
    (private keys, cloud/API tokens, JWTs) found in any committed text file, tests included.
    Obvious placeholders (xxxx, ...EXAMPLE) are not recorded. The value itself is never kept.
    Google API keys named for a browser service (Maps, Places, Firebase web config, NEXT_PUBLIC_*)
    are public by design and not reported; documentation blocks (docstrings, @swagger/@example
    JSDoc) are docs context.
    TypeScript/JavaScript: the key production code signs or verifies JWTs with (`JwtModule.register`,
    `jwt.sign`, `jwtService.verifyAsync`, passport-jwt's `secretOrKey`, express-jwt) when it is a string
    literal, written in the call or in a module constant one hop away (`jwtConstants.secret`): whoever
    reads the code can forge tokens, whatever the literal looks like. Shown where it is written."""
    committed: set[tuple[str, int]] = set()
    for path, records in repo.extra("secrets"):
        for rec in records:
            if not isinstance(rec, dict) or not isinstance(rec.get("line"), int):
                continue
            kind = str(rec.get("kind", "secret"))
            if _public_by_design(repo, path, rec["line"], kind):
                continue
            committed.add((path, rec["line"]))
            label = kind[:1].upper() + kind[1:]
            yield Hit(path, rec["line"], Message("{label} committed in {path}:{line} (value not shown).",
                                                 label=label, path=path, line=rec['line']), key=kind)
    yield from _jwt_keys(repo, committed)


def _jwt_keys(repo: Repo, committed: set[tuple[str, int]]) -> Iterator[Hit]:
    """One hit per literal JWT key, where it is written, naming the first call that uses it."""
    seen: set[tuple[str, int]] = set()
    uses = sorted(repo.derived(ts_jwt_literal_keys), key=lambda u: ("verify" in u.callee.lower(), u.path, u.line))
    for use in uses:  # a signing call is named before a verifying one
        where = (use.key.path, use.key.line)
        if where in committed or where in seen:
            continue
        seen.add(where)
        yield Hit(use.key.path, use.key.line,
                  Message("The JWT key {callee}() uses ({path}:{line}) is a string literal written in the code "
                          "(value not shown).", callee=use.callee, path=use.path, line=use.line),
                  key="jwt-key", secrets=(use.key.value,))


RULE = Rule(
    id="SEC008",
    name="committed-secret",
    axis=Axis.SECURITY,
    severity=Severity.CRITICAL,
    title="Secret committed in the repository",
    impact="Anyone with read access to the repository (or its history, forks and CI logs) can use the "
           "credential; removing the file later does not remove it from git history.",
    action="Revoke and rotate the credential now, then load it from the environment or a secret "
           "manager; purge it from history (git filter-repo) and add a secret scanner to CI.",
    contexts=SECRET_CONTEXTS,
    check=check,
    languages=frozenset(),  # repository files, whatever the language
    supersedes=("CFG002",),
    example_bad='GITHUB_TOKEN = "ghp_...36 characters..."   # a live token in settings.py',
    example_good='GITHUB_TOKEN = os.environ["GITHUB_TOKEN"]   # injected at deploy time',
)
