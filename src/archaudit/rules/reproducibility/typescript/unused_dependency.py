"""TS005 ts-unused-dependency."""

from __future__ import annotations

import re
from collections.abc import Iterator

from archaudit.detect.dependencies.npm_usage import named_as_string, runs_as_command, text_references, used_along
from archaudit.findings import Axis, Hit, Message, Severity
from archaudit.repo import Repo
from archaudit.resolve.typescript_index import dep_line, js_packages, package_name, package_of, ts_facts
from archaudit.rules.base import Rule

# Used without an import: drivers loaded by ORMs, platform adapters, polyfills, runtime helpers, CLIs.
IMPLICIT = frozenset({
    "pg", "pg-hstore", "pg-query-stream", "mysql", "mysql2", "sqlite3", "better-sqlite3", "tedious", "oracledb",
    "mssql", "@nestjs/platform-express", "@nestjs/platform-fastify", "reflect-metadata", "tslib", "core-js",
    "regenerator-runtime", "typescript", "ts-node", "tsx", "nodemon", "prisma", "pm2", "dotenv-cli", "cross-env",
    "rimraf", "concurrently", "husky", "lint-staged", "react-dom", "react-scripts", "next", "vite", "webpack",
    "source-map-support", "module-alias", "tsconfig-paths", "class-transformer", "class-validator", "rxjs",
    "swagger-ui-express", "@swc/core", "@swc/helpers", "esbuild", "sharp", "bufferutil", "utf-8-validate",
})


# Built output, not source: hashed or minified bundles, and the usual output folders.
_BUNDLE = re.compile(r"\.[0-9a-f]{8,}\.[cm]?js$|\.min\.[cm]?js$|(^|/)(dist|build|static/assets|public/assets)/")
_JS_SUFFIXES = (".js", ".jsx", ".mjs", ".cjs", ".ts", ".tsx", ".mts", ".cts")


def check(repo: Repo) -> Iterator[Hit]:
    """For each runtime dependency ("dependencies", not dev) of a package.json whose package holds
    parsed TS/JS files, checks that at least one file of that package imports or requires it (any
    sub-path, type-only included). Skips @types/*, packages named in the package's scripts, and a
    list of packages used without an import (database drivers loaded by ORMs, NestJS platform
    adapters, polyfills, CLIs)."""
    used: dict[str, set[str]] = {}
    for path, facts in repo.derived(ts_facts).items():
        pkg = package_of(repo, path)
        if pkg is not None and not _BUNDLE.search(path):
            used.setdefault(pkg.folder, set()).update(package_name(i["module"]) for i in facts["imports"])
    unread = {pkg.folder for s in repo.skipped if s.path.endswith(_JS_SUFFIXES)
              for pkg in [package_of(repo, s.path)] if pkg is not None}
    referenced = repo.derived(text_references)
    for pkg in repo.derived(js_packages):
        if pkg.folder not in used or pkg.folder in unread:
            continue  # no source of its own (only built bundles), or some of it could not be read
        scripts = " ".join(pkg.scripts.values())
        imported = used[pkg.folder] | referenced.get(pkg.folder, set())
        along: set[str] | None = None
        for dep in sorted(pkg.deps):
            if dep in imported or dep in IMPLICIT or dep.startswith("@types/") or dep in scripts:
                continue
            if any(dep.startswith(prefix) for prefix in ("@fontsource/", "@babel/", "eslint")):
                continue
            along = used_along(repo, pkg, imported) if along is None else along
            if dep in along or named_as_string(repo, pkg, dep) or runs_as_command(repo, pkg, dep):
                continue  # a peer or requirement of a used package, loaded by name, or a command
            yield Hit(pkg.manifest, dep_line(repo, pkg.manifest, dep),
                      Message("'{dep}' is a runtime dependency that no file of {value} imports.",
                              dep=dep, value=pkg.folder or Message("the root package")),
                      key=dep)


RULE = Rule(
    id="TS005",
    name="ts-unused-dependency",
    axis=Axis.REPRODUCIBILITY,
    severity=Severity.LOW,
    title="npm runtime dependency declared but never imported",
    impact="Every install, image and security audit carries a package nobody uses: more attack surface, "
           "slower builds, and confusion about what the app really relies on.",
    action="Remove the dependency (npm uninstall), or move it to devDependencies if only tooling uses it.",
    check=check,
    absence_in=frozenset({"typescript", "javascript"}),
    aggregate="repository",
    example_bad='{"dependencies": {"express": "^4", "moment": "^2"}}   // moment is imported nowhere',
    example_good='{"dependencies": {"express": "^4"}}',
)
