"""Where a Node.js server lives and which packages its production code imports, once per audit.

The repository-level rules that claim an absence ("no error tracker", "no request id", "no
.env template") state it for a TypeScript/JavaScript backend only on these facts:

ts_backend(repo)                 # where production code imports a Node server framework, or None
ts_app_anchor(repo)              # where the application object is created (NestFactory.create, express())
ts_first_import(repo, packages)  # the first production import of one of these npm packages (or scopes)
ts_unread_premise(repo)          # the premise "every TS/JS production file was read" (None when it holds)
"""

from __future__ import annotations

from archaudit.findings import Message, Premise
from archaudit.repo import Repo
from archaudit.resolve.context import Context, context_of
from archaudit.resolve.python_index import Place
from archaudit.resolve.typescript_index import TS_LANGUAGES, is_ts_test, package_name, ts_facts

SERVER_FRAMEWORKS = ("@nestjs/core", "@nestjs/common", "express", "fastify", "koa", "@hapi/hapi", "hono")
# calls creating the server application object, by callee text
_APP_CALLS = ("NestFactory.create", "express", "fastify", "Fastify", "new Koa", "new Hapi.Server", "Hapi.server",
              "new Hono", "createExpressServer", "createKoaServer")  # the last two: routing-controllers
_MAX_LISTED = 5


def production_ts(repo: Repo) -> list[str]:
    """Parsed TS/JS files in the production context, tests excluded (memoised, sorted)."""
    return repo.derived(_production_ts)


def _production_ts(repo: Repo) -> list[str]:
    return [p for p in repo.derived(ts_facts) if not is_ts_test(p) and context_of(repo, p) is Context.PRODUCTION]


def ts_first_import(repo: Repo, packages: tuple[str, ...]) -> Place | None:
    """The first production import (import, require, dynamic import) of one of `packages`; an entry
    ending in "/" names an npm scope or a package's sub-paths (`@sentry/`, `@opentelemetry/`)."""
    names = frozenset(p for p in packages if not p.endswith("/"))
    prefixes = tuple(p for p in packages if p.endswith("/"))
    facts = repo.derived(ts_facts)
    for path in production_ts(repo):
        for imp in facts[path]["imports"]:
            if imp["type_only"]:
                continue
            module = imp["module"]
            if package_name(module) in names or (prefixes and module.startswith(prefixes)):
                return (path, imp["line"])
    return None


def ts_backend(repo: Repo) -> Place | None:
    """Where production TS/JS code imports a Node.js server framework (NestJS, Express, Fastify, Koa,
    hapi, Hono); None when none does (a front end, a library, a CLI)."""
    return repo.derived(_ts_backend)


def _ts_backend(repo: Repo) -> Place | None:
    return ts_first_import(repo, SERVER_FRAMEWORKS)


def ts_app_anchor(repo: Repo) -> Place | None:
    """Where the server application is created (`NestFactory.create(AppModule)`, `express()`,
    `fastify()`, `new Koa()`), in a production file; else the first framework import (memoised)."""
    return repo.derived(_ts_app_anchor)


def _ts_app_anchor(repo: Repo) -> Place | None:
    if ts_backend(repo) is None:
        return None
    facts = repo.derived(ts_facts)
    for path in production_ts(repo):
        for call in facts[path]["calls"]:
            if call["callee"] in _APP_CALLS:
                return (path, call["line"])
    return ts_backend(repo)


def ts_unread_premise(repo: Repo) -> Premise | None:
    """For a claim of absence over TS/JS code: unknown when a production TS/JS file could not be parsed."""
    unread = [p for p, r in sorted(repo.results.items())
              if "skip" in r and repo.by_path.get(p) is not None and repo.by_path[p].language in TS_LANGUAGES
              and not is_ts_test(p) and context_of(repo, p) is Context.PRODUCTION]
    if not unread:
        return None
    listed = ", ".join(unread[:_MAX_LISTED])
    if len(unread) > _MAX_LISTED:
        listed = Message("{files} and {n} more", files=listed, n=len(unread) - _MAX_LISTED)
    return Premise.unknown(Message("every typescript/javascript file was read"),
                           Message("{n} file(s) could not be parsed ({files}); what they contain was not seen",
                                   n=len(unread), files=listed))
