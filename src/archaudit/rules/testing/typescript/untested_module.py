"""TS007 ts-nest-module-without-tests."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from typing import Any

from archaudit.detect.api.nest import find_nest_endpoints, find_nest_modules
from archaudit.findings import Axis, Hit, Message, Severity
from archaudit.languages.typescript.facts import is_template, template_text
from archaudit.repo import Repo
from archaudit.resolve.typescript_index import is_ts_test, resolve_import, ts_facts
from archaudit.rules.base import Rule

_URL_PREFIX = re.compile(r"^(\{\{[^}]*\}\}|\$\{[^}]*\}|https?://[^/]+)+")
_PARAM = re.compile(r"^(:\w+|\{[^}]*\}|\$\{[^}]*\}|\{\{[^}]*\}\}|<[^>]*>|\*)$")


def _tested_folders(repo: Repo) -> set[str]:
    """Folders that hold a test file, or that a test file imports from (tsconfig "paths" aliases
    such as `@modules/user/...` resolved as the compiler does)."""
    out: set[str] = set()
    for path, facts in repo.derived(ts_facts).items():
        if not is_ts_test(path):
            continue
        out.add(posixpath.dirname(path))
        for imp in facts["imports"]:
            target = resolve_import(repo, path, imp["module"])
            if target:
                out.add(posixpath.dirname(target))
    return out


def _segments(url: str) -> tuple[str, ...]:
    url = _URL_PREFIX.sub("", url.strip()).split("?", 1)[0].split("#", 1)[0]
    return tuple(s for s in url.split("/") if s)


def _urls_in(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        url = node.get("request", {}).get("url") if isinstance(node.get("request"), dict) else None
        if isinstance(url, str):
            yield url
        elif isinstance(url, dict) and isinstance(url.get("raw"), str):
            yield url["raw"]
        for value in node.values():
            yield from _urls_in(value)
    elif isinstance(node, list):
        for value in node:
            yield from _urls_in(value)


def _postman_urls(repo: Repo) -> Iterator[str]:
    """Request URLs of Postman/newman collections (`*.postman_collection.json`): e2e suites too."""
    for f in repo.files:
        if f.path.endswith(".postman_collection.json"):
            yield from _urls_in(repo.json(f.path))


def requested_paths(repo: Repo) -> set[tuple[str, ...]]:
    """URL paths the tests request (string or template arguments of calls in test files that start
    with `/`, e.g. `request(app).post('/api/v1/auth/email/login')`, and Postman collection
    requests), as path segments."""
    out: set[tuple[str, ...]] = set()
    for path, facts in repo.derived(ts_facts).items():
        if not is_ts_test(path):
            continue
        for call in facts["calls"]:
            for arg in call["args"]:
                text = template_text(arg) if is_template(arg) else arg if isinstance(arg, str) else ""
                if text.startswith("/") and len(text) > 1:
                    out.add(_segments(text))
    out.update(_segments(u) for u in _postman_urls(repo))
    out.discard(())
    return out


def _matches(route: tuple[str, ...], requested: tuple[str, ...]) -> bool:
    """One path is a suffix of the other, segment by segment, parameters matching anything but at
    least one fixed segment equal (the tests may spell the global prefix `/api/v1` or leave it to a
    base URL)."""
    n = min(len(route), len(requested))
    if n == 0 or abs(len(route) - len(requested)) > 2:
        return False
    pairs = list(zip(route[-n:], requested[-n:], strict=True))
    literal = any(a == b and not _PARAM.match(a) for a, b in pairs)  # `/email` is no `/files/:path`
    return literal and all(a == b or _PARAM.match(a) or _PARAM.match(b) for a, b in pairs)


def _in(folder: str, path: str) -> bool:
    return path == folder or path.startswith(folder + "/")


def e2e_covered(repo: Repo) -> set[str]:
    """Module files whose behaviour the end-to-end tests exercise: a module with a route in its
    folder tree that the tests request, and the modules without routes in their tree that such a
    module imports or holds in its folder tree (directly or through other route-less modules) - a
    MailModule used by the AuthModule whose confirm-email flow the e2e suite runs, the persistence
    module under users/infrastructure/ of a UsersModule whose routes the suite requests. Nothing
    spreads from a root module (one no other module imports, the AppModule): requesting `/hello`
    exercises none of its imports."""
    requested = repo.derived(requested_paths)
    if not requested:
        return set()
    modules = repo.derived(find_nest_modules)
    endpoints = [(e.handler_file, _segments(e.path)) for e in repo.derived(find_nest_endpoints)]
    routes = {m.file: [r for f, r in endpoints if _in(posixpath.dirname(m.file), f)] for m in modules}
    covered = {f for f, rs in routes.items() if any(_matches(r, q) for r in rs for q in requested)}
    by_name = {m.name: m for m in modules}
    imported = {_name(i) for m in modules for i in m.imports}
    todo = [m for m in modules if m.file in covered and m.name in imported]
    while todo:
        current = todo.pop()
        folder = posixpath.dirname(current.file)
        inside = [m for m in modules if m.file != current.file and _in(folder, posixpath.dirname(m.file))]
        for dep in [by_name.get(_name(name)) for name in current.imports] + inside:
            if dep is not None and not routes.get(dep.file) and dep.file not in covered:
                covered.add(dep.file)
                todo.append(dep)
    return covered


def _name(reference: str) -> str:
    """`MailModule`, `TypeOrmModule.forRoot({...})` -> the module class name."""
    return re.split(r"[.(]", reference, maxsplit=1)[0]


def check(repo: Repo) -> Iterator[Hit]:
    """For each NestJS feature module (a `*.module.ts` file declaring @Module, the root app module
    excepted), looks for a test: a spec/test file inside the module's folder tree, a test file
    anywhere that imports a file of that tree (tsconfig aliases resolved), or an end-to-end test
    (supertest call or Postman collection) requesting one of its routes - or one of a module that
    imports it, when it has no routes of its own. Modules with none are reported; an empty
    `@Module({})` class has nothing to test."""
    tested = repo.derived(_tested_folders)
    covered = repo.derived(e2e_covered)
    for path, facts in repo.derived(ts_facts).items():
        if not path.endswith(".module.ts") or is_ts_test(path) or path.endswith("/app.module.ts"):
            continue
        module = next((c for c in facts["classes"] if any(d["name"] == "Module" for d in c["decorators"])), None)
        if module is None or path in covered:
            continue
        deco = next(d for d in module["decorators"] if d["name"] == "Module")
        if deco["args"] in ([{}], []) and not module["methods"]:
            continue
        folder = posixpath.dirname(path)
        if any(t == folder or t.startswith(folder + "/") for t in tested):
            continue
        yield Hit(path, deco["line"], Message("NestJS module {name} ({folder}/) has no test.",
                                              name=module['name'], folder=folder), key=module["name"])


RULE = Rule(
    id="TS007",
    name="ts-nest-module-without-tests",
    axis=Axis.TESTING,
    severity=Severity.LOW,
    title="NestJS feature module without any test",
    impact="Changes to this feature (its controllers, providers, wiring) ship without an automated check; "
           "regressions are found by users.",
    action="Add a *.spec.ts next to the module's services/controllers (Test.createTestingModule) covering "
           "its main use cases.",
    check=check,
    example_bad="src/orders/orders.module.ts\nsrc/orders/orders.service.ts\n# no *.spec.ts for orders",
    example_good="src/orders/orders.module.ts\nsrc/orders/orders.service.ts\nsrc/orders/orders.service.spec.ts",
)
