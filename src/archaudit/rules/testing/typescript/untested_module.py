"""TS007 ts-nest-module-without-tests."""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

from archaudit.findings import Axis, Hit, Severity
from archaudit.repo import Repo
from archaudit.resolve.typescript_index import is_ts_test, resolve_module, ts_facts
from archaudit.rules.base import Rule


def _tested_folders(repo: Repo) -> set[str]:
    """Folders that hold a test file, or that a test file imports from."""
    out: set[str] = set()
    for path, facts in repo.derived(ts_facts).items():
        if not is_ts_test(path):
            continue
        out.add(posixpath.dirname(path))
        for imp in facts["imports"]:
            target = resolve_module(repo, path, imp["module"])
            if target:
                out.add(posixpath.dirname(target))
    return out


def check(repo: Repo) -> Iterator[Hit]:
    """For each NestJS feature module (a `*.module.ts` file declaring @Module, the root app module
    excepted), looks for a test: a spec/test file inside the module's folder tree, or a test file
    anywhere that imports a file of that tree. Modules with neither are reported."""
    tested = repo.derived(_tested_folders)
    for path, facts in repo.derived(ts_facts).items():
        if not path.endswith(".module.ts") or is_ts_test(path) or path.endswith("/app.module.ts"):
            continue
        module = next((c for c in facts["classes"] if any(d["name"] == "Module" for d in c["decorators"])), None)
        if module is None:
            continue
        folder = posixpath.dirname(path)
        if any(t == folder or t.startswith(folder + "/") for t in tested):
            continue
        line = next(d["line"] for d in module["decorators"] if d["name"] == "Module")
        yield Hit(path, line, f"NestJS module {module['name']} ({folder}/) has no test.", key=module["name"])


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
