"""Is an npm dependency used when no parsed TS/JS file imports it? The ways a package is used
without an import that the facts see, found once per audit (memoised through `repo.derived`):

    lock_graph(repo)              -> {lockfile folder: {package: the peers it expects}}
    used_along(repo, pkg, used)   -> declared packages a used declared package expects as a peer
    text_references(repo)         -> {package folder: package names referenced outside the parsed sources}
    named_as_string(repo, pkg, name) -> the package (or its plugin short name) is a quoted string in its sources
    runs_as_command(repo, pkg, name) -> its binary is run by a script, package-scripts.js, CI, Docker, Makefile

Text references: `node_modules/x/...` and `{% static 'node/x/...' %}` paths (assets served or
bundled from node_modules, from any file), CSS/SCSS `@import`/`@use`, imports in single-file
components (`.vue`, `.svelte`, `.astro`) and in committed `*.example`/`*.sample` sources that the
extractor does not read.
"""

from __future__ import annotations

import posixpath
import re

from archaudit.data.stack_catalog import NPM_BINS, NPM_LOADED_BY, NPM_PEERS
from archaudit.detect.dependencies.usage import command_texts
from archaudit.repo import Repo
from archaudit.resolve.typescript_index import JsPackage, js_packages, package_name
from archaudit.scan.js_strings import MAX_JSON_BYTES, MAX_SOURCE_BYTES, SOURCES, scan_node_paths, scan_strings
from archaudit.scan.js_strings import SFC as _SFC

_CSS_IMPORT = re.compile(r"@(?:import|use|forward)\s+(?:url\()?['\"]~?((?:@[\w.-]+/)?[\w.-]+)")
_SFC_IMPORT = re.compile(r"(?:\bfrom\s+|\bimport\s+|\brequire\(\s*|\bimport\(\s*)['\"]([^'\"./][^'\"]*)['\"]")
_CONFIG_FILE = re.compile(r"(^\.\w+rc|[.-]conf(ig)?\.|^\.\w+rc\.)")
_LOCKS = ("package-lock.json", "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml", "package.json")
_EXAMPLE = re.compile(r"\.(?:[cm]?[jt]sx?)\.(?:example|sample|dist|template)$")
_STYLES = (".css", ".scss", ".sass", ".less", ".styl")
# Plugin packages that tools name by their short name in configs: karma-jasmine -> 'jasmine'
_PLUGIN_PREFIXES = ("karma-", "eslint-plugin-", "eslint-config-", "babel-plugin-", "babel-preset-", "postcss-",
                    "rollup-plugin-", "prettier-plugin-", "stylelint-config-", "jshint-",
                    "remark-", "rehype-", "markdown-it-", "@babel/plugin-", "@babel/preset-")


def lock_graph(repo: Repo) -> dict[str, dict[str, set[str]]]:
    """Per lockfile folder: each locked package -> the peers it expects (package-lock.json v2/v3
    `packages`, yarn berry `peerDependencies` blocks)."""
    out: dict[str, dict[str, set[str]]] = {}
    for f in repo.files:
        base = f.path.rsplit("/", 1)[-1]
        folder = posixpath.dirname(f.path)
        if base in ("package-lock.json", "npm-shrinkwrap.json"):
            out.setdefault(folder, {}).update(_npm_lock(repo, f.path))
        elif base == "yarn.lock" and f.size < 20_000_000:
            out.setdefault(folder, {}).update(_yarn_lock(repo.text(f.path) or ""))
    return out


def _npm_lock(repo: Repo, path: str) -> dict[str, set[str]]:
    doc = repo.json(path)
    packages = doc.get("packages") if isinstance(doc, dict) else None
    graph: dict[str, set[str]] = {}
    for key, info in packages.items() if isinstance(packages, dict) else []:
        if not key.startswith("node_modules/") or not isinstance(info, dict):
            continue
        name = key.rsplit("node_modules/", 1)[-1]
        needs = graph.setdefault(name, set())
        if isinstance(info.get("peerDependencies"), dict):
            needs.update(info["peerDependencies"])
    return graph


def _yarn_lock(text: str) -> dict[str, set[str]]:
    """yarn.lock (v1 and berry): the packages locked, with the peers berry records (v1 records none)."""
    graph: dict[str, set[str]] = {}
    current: set[str] | None = None
    in_peers = False
    for line in text.splitlines():
        if line and not line.startswith((" ", "#")):
            spec = line.rstrip(":").split(",")[0].strip().strip('"')
            name = spec.rsplit("@", 1)[0] if spec.rfind("@") > 0 else spec
            current = graph.setdefault(name, set())
            in_peers = False
        elif line.startswith("  ") and not line.startswith("    "):
            in_peers = line.strip().rstrip(":") == "peerDependencies"
        elif in_peers and current is not None and line.startswith("    "):
            current.add(line.strip().split(" ", 1)[0].rstrip(":").strip('"'))
    return graph


def used_along(repo: Repo, pkg: JsPackage, used: set[str]) -> set[str]:
    """Declared packages of `pkg` that a used declared package expects as a peer (from the lockfile
    of its folder or an enclosing one, else the curated peers), transitively, and optional peers that
    a used package loads by name (`NPM_LOADED_BY`). A mere requirement does not count: declaring
    it is redundant, not a use."""
    graph: dict[str, set[str]] = {}
    for folder, entries in repo.derived(lock_graph).items():
        if not folder or pkg.folder == folder or pkg.folder.startswith(folder + "/"):
            for name, needs in entries.items():
                graph.setdefault(name, set()).update(needs)
    out: set[str] = set()
    stack = [d for d in pkg.all_deps if d in used]
    seen: set[str] = set()
    while stack:
        name = stack.pop()
        if name in seen:
            continue
        seen.add(name)
        locked = graph.get(name)  # the lock's peers are the installed version's; the curated ones are a fallback
        for need in locked or curated_peers(name, pkg.all_deps.get(name, "")):
            out.add(need)
            stack.append(need)
    for dep, loaders in NPM_LOADED_BY.items():  # optional peers: loaded only when the code asks for them
        if any(loader in used for loader in loaders):
            out.add(dep)
    return out


def curated_peers(name: str, spec: str) -> tuple[str, ...]:
    """The curated peers of `name` at the declared version (`NPM_PEERS`, "name@<N" for old majors)."""
    major = re.search(r"\d+", spec)
    for key, peers in NPM_PEERS.items():
        if key.startswith(name + "@<") and major and int(major.group()) < int(key.rsplit("<", 1)[1]):
            return peers
    return NPM_PEERS.get(name, ())


def text_references(repo: Repo) -> dict[str, set[str]]:
    """Package folder -> package names referenced by paths and imports the facts do not hold.
    `node_modules/` paths count for every package folder (a Python asset bundle at the root
    serves the root package's modules)."""
    folders = [p.folder for p in repo.derived(js_packages)]
    anywhere: set[str] = set()
    out: dict[str, set[str]] = {f: set() for f in folders}
    for f in repo.files:
        if f.size > 1_000_000 or "node_modules/" in f.path or f.path.endswith(_LOCKS):
            continue
        path = f.path
        text = None
        if path.endswith(_STYLES) or path.endswith(_SFC) or _EXAMPLE.search(path) or path.endswith(".html"):
            text = repo.text(path) or ""
            found = {package_name(m) for m in _CSS_IMPORT.findall(text)} if path.endswith(_STYLES + _SFC) else set()
            if path.endswith(_SFC) or _EXAMPLE.search(path):
                found |= {package_name(m) for m in _SFC_IMPORT.findall(text)}
            owner = _owner(path, folders)
            if owner is not None:
                out[owner] |= found
        if f.role not in ("vendor", "generated") and f.language in ("python", "html", "javascript", "typescript",
                                                                    "css", "scss", "template", "jinja", "json"):
            found_paths = repo.scanned("node_paths", path)  # collected at parse time (scan.js_strings)
            if found_paths is None:  # a file the workers did not read (HTML, CSS, templates) or skipped
                found_paths = scan_node_paths(path, text if text is not None else repo.text(path) or "")
            anywhere.update(found_paths)
    for names in out.values():
        names |= anywhere
    return out


def _owner(path: str, folders: list[str]) -> str | None:
    best = None
    for folder in folders:
        if (not folder or path.startswith(folder + "/")) and (best is None or len(folder) > len(best)):
            best = folder
    return best


def _source_strings(repo: Repo) -> dict[str, list[str]]:
    """Path -> quoted strings of every JS/TS/JSON/SFC source: the parse-time fact where the workers
    read the file, else (single-file components, minified or skipped files) read here once."""
    out: dict[str, list[str]] = {}
    for f in repo.files:
        if not f.path.endswith(SOURCES) or "node_modules/" in f.path or f.size >= MAX_SOURCE_BYTES \
                or (f.path.endswith(".json") and f.size >= MAX_JSON_BYTES):
            continue
        found = repo.scanned("js_strings", f.path)
        out[f.path] = found if found is not None else scan_strings(f.path, repo.text(f.path) or "")
    return out


def _package_strings(strings: dict[str, list[str]], pkg: JsPackage, configs: bool) -> frozenset[str]:
    """The quoted strings of a package's source and config files (not its manifest nor lock), comments
    left out; with `configs`, only tool configs (karma.conf.js, .eslintrc.json, *.config.ts)."""
    out: set[str] = set()
    for path, found in strings.items():
        if configs and not _CONFIG_FILE.search(path.rsplit("/", 1)[-1]):
            continue
        if (not pkg.folder or path.startswith(pkg.folder + "/")) and not path.endswith(("package.json", "-lock.json")):
            out.update(found)
    return frozenset(out)


def named_as_string(repo: Repo, pkg: JsPackage, name: str) -> bool:
    """`name` (or its plugin short name) is written as a quoted string in the package's sources and
    configs: a view engine (`app.set('view engine', 'pug')`), a reporter, a karma framework."""
    strings, configs = repo.derived(_strings_by_folder).get(pkg.folder, (frozenset(), frozenset()))
    if name in strings:
        return True
    shorts = [name[len(p):] for p in _PLUGIN_PREFIXES if name.startswith(p) and len(name) >= len(p) + 4]
    return any(w in configs for w in shorts)


def _strings_by_folder(repo: Repo) -> dict[str, tuple[frozenset[str], frozenset[str]]]:
    """Package folder -> (quoted strings of its sources and configs, those of its tool configs alone)."""
    strings = _source_strings(repo)
    return {p.folder: (_package_strings(strings, p, False), _package_strings(strings, p, True))
            for p in repo.derived(js_packages)}


def runs_as_command(repo: Repo, pkg: JsPackage, name: str) -> bool:
    """The package's binary (`sequelize` for sequelize-cli, `nest` for @nestjs/cli) is run by one of
    the package's scripts, its package-scripts.js (nps), or through npx/yarn/pnpm/node_modules/.bin
    in a CI/Docker/Makefile command."""
    bins = {*NPM_BINS.get(name, ())}
    if not name.startswith("@"):  # a scoped package's binary is rarely its last name part
        bins.add(name)
        if name.endswith("-cli"):
            bins.add(name[:-4])
    if not bins:
        return False
    alternation = "|".join(re.escape(b) for b in sorted(bins))
    pattern = re.compile(r"(?<![\w@/.-])(?:" + alternation + r")(?![\w-])")
    texts = [*pkg.scripts.values()]
    scripts_file = posixpath.join(pkg.folder, "package-scripts.js")
    if repo.text(scripts_file):
        texts.append(repo.text(scripts_file) or "")
    if any(pattern.search(t) for t in texts):
        return True
    launched = re.compile(r"(?:\bnpx|\byarn|\bpnpm(?: exec)?|\bbunx|node_modules/\.bin/)\s*(?:"
                          + alternation + r")(?![\w-])")
    return any(launched.search(t) for p, t in repo.derived(command_texts)
               if not p.endswith("package.json") and repo.by_path[p].role != "doc")


_TS_TYPED = (".ts", ".tsx", ".mts", ".cts")
_MEMBERS = re.compile(r"^(?:\s*\.\s*[\w$]+)+")
_TYPE_BEFORE = re.compile(r"(?:[:<|&]|\bas|\bimplements|\bkeyof|\bextends)\s*$")


def only_types_used(repo: Repo, path: str, line: int, spec: str, names: list[str]) -> bool:
    """Every binding of this TypeScript import is used in type positions only (after `:`, `<`, `|`,
    `&`, `as`, `implements`, or `extends` in an interface): the compiler elides the import, so the
    package is not needed at run time. False when any use may be a value, or nothing is bound."""
    if not path.endswith(_TS_TYPED) or not names:
        return False
    lines = repo.lines(path)
    end = line
    while end <= len(lines) and spec not in lines[end - 1]:
        end += 1
    body = lines[:line - 1] + lines[end:]
    locals_ = [n.rsplit(" as ", 1)[-1].strip() for n in names]
    for name in locals_:
        uses = 0
        for text in body:
            for m in re.finditer(r"(?<![\w.$])" + re.escape(name) + r"(?![\w$])", text):
                before, after = text[:m.start()], _MEMBERS.sub("", text[m.end():], count=1).lstrip()
                interface = re.match(r"\s*(export\s+)?(interface|type)\b", text) is not None
                if not _TYPE_BEFORE.search(before) or (before.rstrip().endswith("extends") and not interface):
                    return False
                if after.startswith(("(", "`")):
                    return False  # called (`{ f: format(...) }`, `CSS.Transform.toString(t)`): types never are
                uses += 1
        if not uses:
            return False
    return True
