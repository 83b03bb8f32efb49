"""TS004 ts-undeclared-dependency."""

from __future__ import annotations

from collections.abc import Iterator

from archaudit.detect.dependencies.npm_usage import only_types_used
from archaudit.findings import Axis, Hit, Message, Severity
from archaudit.repo import Repo
from archaudit.resolve.typescript_index import js_packages, package_name, package_of, path_aliases, ts_facts
from archaudit.rules.base import Rule

NODE_BUILTINS = frozenset({
    "assert", "async_hooks", "buffer", "child_process", "cluster", "console", "constants", "crypto", "dgram",
    "diagnostics_channel", "dns", "domain", "events", "fs", "http", "http2", "https", "inspector", "module", "net",
    "os", "path", "perf_hooks", "process", "punycode", "querystring", "readline", "repl", "stream",
    "string_decoder", "sys", "timers", "tls", "trace_events", "tty", "url", "util", "v8", "vm", "wasi",
    "worker_threads", "zlib", "test",
})
_VIRTUAL = ("virtual:", "~", "@/", "#", "bun:", "$app/", "$lib", "astro:")


def is_external(spec: str) -> bool:
    """A bare package specifier (not relative, absolute, builtin, URL or bundler-virtual)."""
    if not spec or spec.startswith((".", "/", "http:", "https:", "node:", "data:", *_VIRTUAL)):
        return False
    return package_name(spec).split("/", 1)[0] not in NODE_BUILTINS


def check(repo: Repo) -> Iterator[Hit]:
    """For each value import of a bare package in a TS/JS file, checks that the nearest package.json,
    or the repository root package.json (workspaces), declares it in dependencies, devDependencies,
    peerDependencies or optionalDependencies. Node built-ins, `node:` and bundler-virtual modules,
    tsconfig "paths" aliases, type-only imports and files outside any package are ignored; a
    package's name importing itself counts as declared. One finding per package and dependency."""
    roots = {p.folder: p for p in repo.derived(js_packages)}
    seen: set[tuple[str, str]] = set()  # one finding per (package, dependency): the first importing file
    by_package: dict[str, set[str]] = {}  # what each package declares, built once (not once per file)
    for path, facts in repo.derived(ts_facts).items():
        pkg = package_of(repo, path)
        if pkg is None:
            continue
        declared = by_package.get(pkg.folder)
        if declared is None:
            declared = set(pkg.all_deps) | _extra_deps(repo, pkg.manifest) | {pkg.name}
            if "" in roots:
                declared |= set(roots[""].all_deps) | _extra_deps(repo, roots[""].manifest)
            by_package[pkg.folder] = declared
        aliases = repo.derived(_aliases).get(pkg.folder, [])
        for imp in facts["imports"]:
            spec = imp["module"]
            if imp["type_only"] or not is_external(spec) or any(spec.startswith(a) for a in aliases):
                continue
            name = package_name(spec)
            if name in declared or (pkg.folder, name) in seen:
                continue
            if only_types_used(repo, path, imp["line"], spec, imp["names"]):
                continue  # elided by the compiler: not needed at run time
            seen.add((pkg.folder, name))
            yield Hit(path, imp["line"], Message("'{name}' is imported but not declared in {manifest}.",
                                                 name=name, manifest=pkg.manifest),
                      key=name)


def _extra_deps(repo: Repo, manifest: str) -> set[str]:
    data = repo.json(manifest)
    out: set[str] = set()
    if isinstance(data, dict):
        for key in ("peerDependencies", "optionalDependencies"):
            if isinstance(data.get(key), dict):
                out |= set(data[key])
    return out


def _aliases(repo: Repo) -> dict[str, list[str]]:
    return {p.folder: path_aliases(repo, p.folder) for p in repo.derived(js_packages)}


RULE = Rule(
    id="TS004",
    name="ts-undeclared-dependency",
    axis=Axis.REPRODUCIBILITY,
    severity=Severity.MEDIUM,
    title="npm package imported but not declared in package.json",
    impact="The build works only because the package is hoisted by another dependency or installed "
           "globally; a clean install, a lockfile refresh or a stricter package manager (pnpm) breaks it.",
    action="Add the package to the dependencies (or devDependencies for tooling) of the package.json "
           "that owns the importing file.",
    check=check,
    aggregate="repository",
    example_bad='// package.json: {"dependencies": {"express": "^4"}}\nimport dayjs from "dayjs"',
    example_good='// package.json: {"dependencies": {"express": "^4", "dayjs": "^1.11"}}\nimport dayjs from "dayjs"',
)
