"""Shared TypeScript/JavaScript indexes, each computed once per audit via `repo.derived`.

repo.derived(ts_facts)            # path -> TsFacts for every parsed .ts/.tsx/.js file
repo.derived(js_packages)         # every package.json as a JsPackage (folder, deps, scripts)
package_of(repo, path)            # the JsPackage whose folder holds `path` (nearest)
tsconfig_options(repo, folder)    # compilerOptions merged through "extends" (JSONC tolerated)
resolve_module(repo, path, spec)  # the repository file an import specifier points to, if any
"""

from __future__ import annotations

import functools
import json
import posixpath
import re
from dataclasses import dataclass, field
from typing import Any

from archaudit.languages.typescript.facts import TsFacts
from archaudit.repo import Repo, bounded

TS_LANGUAGES = ("typescript", "javascript")
_EXTS = (".ts", ".tsx", ".js", ".jsx", ".mts", ".cts", ".mjs", ".cjs")
_TEST_FILE = re.compile(r"\.(spec|test|e2e-spec|e2e)\.[cm]?[jt]sx?$|(^|/)(__tests__|test|tests|e2e|cypress)/")


@dataclass(frozen=True)
class JsPackage:
    """One package.json: where it is and what it declares."""

    folder: str  # "" for the repository root
    manifest: str
    name: str
    deps: dict[str, str] = field(default_factory=dict)  # dependencies (runtime)
    dev_deps: dict[str, str] = field(default_factory=dict)
    scripts: dict[str, str] = field(default_factory=dict)

    @property
    def all_deps(self) -> dict[str, str]:
        return {**self.dev_deps, **self.deps}

    def prefix(self) -> str:
        return self.folder + "/" if self.folder else ""


def ts_facts(repo: Repo) -> dict[str, TsFacts]:
    """Facts of every parsed TypeScript/JavaScript file (skipped files are absent)."""
    out: dict[str, TsFacts] = {}
    for f in repo.files:
        if f.language in TS_LANGUAGES:
            facts = repo.results.get(f.path, {}).get("facts")
            if facts is not None:
                out[f.path] = facts
    return dict(sorted(out.items()))


@functools.cache
def is_ts_test(path: str) -> bool:
    """A spec/test file or a file under a test folder (memoised: asked for every file by most TS rules)."""
    return bool(_TEST_FILE.search(path))


def _str_dict(value: Any) -> dict[str, str]:
    if not isinstance(value, dict):
        return {}
    return {str(k): str(v) for k, v in value.items() if isinstance(v, str | int | float)}


def js_packages(repo: Repo) -> list[JsPackage]:
    """Every package.json outside node_modules, sorted by folder (unparseable ones are skipped)."""
    out = []
    for f in repo.find(name="package.json"):
        data = repo.json(f.path)
        if not isinstance(data, dict):
            continue
        folder = f.path.rsplit("/", 1)[0] if "/" in f.path else ""
        out.append(
            JsPackage(
                folder,
                f.path,
                str(data.get("name") or ""),
                _str_dict(data.get("dependencies")),
                _str_dict(data.get("devDependencies")),
                _str_dict(data.get("scripts")),
            )
        )
    return sorted(out, key=lambda p: p.folder)


def package_of(repo: Repo, path: str) -> JsPackage | None:
    """The package whose folder is the nearest ancestor of `path`."""
    best: JsPackage | None = None
    for pkg in repo.derived(js_packages):
        inside = not pkg.folder or path.startswith(pkg.folder + "/")
        if inside and (best is None or len(pkg.folder) > len(best.folder)):
            best = pkg
    return best


def dep_line(repo: Repo, manifest: str, dep: str) -> int:
    """Line of `"dep":` in a package.json (0 when not found)."""
    needle = f'"{dep}":'
    return next((i for i, raw in enumerate(repo.lines(manifest), 1) if needle in raw.replace('" :', '":')), 0)


def strip_jsonc(text: str) -> str:
    """JSON with comments and trailing commas (tsconfig.json) -> plain JSON, strings left intact."""
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            out.append(text[i : j + 1])
            i = j + 1
        elif text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            i = n if j < 0 else j + 2
        else:
            out.append(ch)
            i += 1
    return re.sub(r",(\s*[}\]])", r"\1", "".join(out))


def _memo(repo: Repo) -> dict[tuple[str, str], Any]:
    """Per-audit memo of parsed tsconfig files and merged options (asked once per import resolved)."""
    return {}


def read_jsonc(repo: Repo, path: str) -> dict[str, Any] | None:
    """A tsconfig-like file as a dict, or None when absent or malformed (never raises). Memoised per
    audit: callers must not mutate the result."""
    memo = repo.derived(_memo)
    key = ("jsonc", path)
    if key not in memo:
        memo[key] = _read_jsonc(repo, path)
    return memo[key]  # type: ignore[no-any-return]


def _read_jsonc(repo: Repo, path: str) -> dict[str, Any] | None:
    text = repo.text(path)
    if text is None:
        return None
    try:
        data = bounded(json.loads(strip_jsonc(text)))
    except (ValueError, RecursionError):  # malformed, or nested past the bound / the stack
        return None
    return data if isinstance(data, dict) else None


def tsconfig_chain(repo: Repo, path: str) -> list[str]:
    """`path` then the in-repo tsconfig files it extends, nearest first (cycles and depth bounded)."""
    chain: list[str] = []
    current: str | None = path
    while current and current not in chain and len(chain) < 8 and repo.has(current):
        chain.append(current)
        data = read_jsonc(repo, current) or {}
        ext = data.get("extends")
        ext = ext[0] if isinstance(ext, list) and ext else ext
        if not isinstance(ext, str) or not ext.startswith("."):
            break
        target = posixpath.normpath(posixpath.join(posixpath.dirname(current), ext))
        current = target if target.endswith(".json") else target + ".json"
    return chain


def tsconfig_options(repo: Repo, folder: str) -> tuple[dict[str, Any], dict[str, str]]:
    """(compilerOptions merged through "extends", option -> file that set it) for `folder`'s tsconfig.
    Memoised per audit: callers must not mutate the result."""
    memo = repo.derived(_memo)
    key = ("options", folder)
    if key not in memo:
        memo[key] = _tsconfig_options(repo, folder)
    return memo[key]  # type: ignore[no-any-return]


def _tsconfig_options(repo: Repo, folder: str) -> tuple[dict[str, Any], dict[str, str]]:
    path = (folder + "/" if folder else "") + "tsconfig.json"
    merged: dict[str, Any] = {}
    origin: dict[str, str] = {}
    for cfg in reversed(tsconfig_chain(repo, path)):
        opts = (read_jsonc(repo, cfg) or {}).get("compilerOptions")
        if isinstance(opts, dict):
            for k, v in opts.items():
                merged[k] = v
                origin[k] = cfg
    return merged, origin


def tsconfig_external_base(repo: Repo, folder: str) -> str | None:
    """The `extends` of `folder`'s tsconfig chain that is not a file of the repository (a package such as
    "@tsconfig/node20/tsconfig.json", or a missing path): options it sets are unknown. None when the whole
    chain is in the repository."""
    path = (folder + "/" if folder else "") + "tsconfig.json"
    chain = tsconfig_chain(repo, path)
    if not chain:
        return None
    ext = (read_jsonc(repo, chain[-1]) or {}).get("extends")
    ext = ext[0] if isinstance(ext, list) and ext else ext
    if not isinstance(ext, str) or not ext:
        return None
    if ext.startswith("."):
        target = posixpath.normpath(posixpath.join(posixpath.dirname(chain[-1]), ext))
        target = target if target.endswith(".json") else target + ".json"
        if target in chain:  # a cycle: every file of it was read
            return None
    return ext


def nearest_tsconfig(repo: Repo, path: str) -> str | None:
    """The folder of the tsconfig.json nearest to `path` (its own folder, then its parents), or None."""
    return _nearest_tsconfig(repo, path)


def path_aliases(repo: Repo, folder: str) -> list[str]:
    """Import prefixes that tsconfig "paths" maps inside the project ("@/", "@app/", "~/")."""
    opts, _ = tsconfig_options(repo, folder)
    paths = opts.get("paths")
    if not isinstance(paths, dict):
        return []
    return sorted({str(k).rstrip("*") for k in paths if str(k).rstrip("*")})


def resolve_module(repo: Repo, path: str, spec: str) -> str | None:
    """The repository file a relative import specifier (`./users.service`) resolves to, if any."""
    if not spec.startswith("."):
        return None
    return _file_for(repo, posixpath.normpath(posixpath.join(posixpath.dirname(path), spec)))


def _nearest_tsconfig(repo: Repo, path: str) -> str | None:
    folder = posixpath.dirname(path)
    while True:
        if repo.has((folder + "/" if folder else "") + "tsconfig.json"):
            return folder
        if not folder:
            return None
        folder = posixpath.dirname(folder)


def resolve_import(repo: Repo, path: str, spec: str) -> str | None:
    """`resolve_module`, and also an alias of the nearest tsconfig's "paths" (`@modules/user/x` with
    `"@modules/*": ["src/modules/*"]`, relative to its baseUrl): the file the compiler would load."""
    found = resolve_module(repo, path, spec)
    if found or spec.startswith("."):
        return found
    folder = _nearest_tsconfig(repo, path)
    if folder is None:
        return None
    opts, _ = tsconfig_options(repo, folder)
    paths = opts.get("paths")
    if not isinstance(paths, dict):
        return None
    root = posixpath.normpath(posixpath.join(folder, str(opts.get("baseUrl") or ".")))
    for pattern, targets in paths.items():
        prefix, star, suffix = str(pattern).partition("*")
        if not (spec.startswith(prefix) and spec.endswith(suffix) and (star or spec == prefix)):
            continue
        rest = spec[len(prefix):len(spec) - len(suffix)] if star else ""
        for target in targets if isinstance(targets, list) else []:
            base = posixpath.normpath(posixpath.join(root, str(target).replace("*", rest, 1)))
            hit = _file_for(repo, base.removeprefix("./"))
            if hit:
                return hit
    return None


def _file_for(repo: Repo, base: str) -> str | None:
    """The file a module path names, with the extensions and index files the resolver tries."""
    if repo.has(base):
        return base
    for ext in _EXTS:
        if repo.has(base + ext):
            return base + ext
    for ext in _EXTS:
        if repo.has(f"{base}/index{ext}"):
            return f"{base}/index{ext}"
    stem = base.rsplit(".", 1)[0] if base.endswith((".js", ".mjs", ".cjs")) else ""  # ESM "./x.js" -> x.ts
    for ext in (".ts", ".tsx", ".mts", ".cts") if stem else ():
        if repo.has(stem + ext):
            return stem + ext
    return None


def package_name(spec: str) -> str:
    """The npm package an import specifier names: "@nestjs/common/x" -> "@nestjs/common", lodash/fp -> lodash."""
    if spec.startswith("node:"):
        return spec
    parts = spec.split("/")
    return "/".join(parts[:2]) if spec.startswith("@") and len(parts) > 1 else parts[0]
