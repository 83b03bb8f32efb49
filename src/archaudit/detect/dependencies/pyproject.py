"""Dependencies declared in pyproject.toml (PEP 621, PEP 735, Poetry, PDM, uv), Pipfile and
package.json, each with the line where it is written (found in the file text, since TOML/JSON
parsers drop positions)."""

from __future__ import annotations

import re
from typing import Any

from archaudit.detect.dependencies.records import Dependency, ManifestData, app_of, normalize, requirement_dependency
from archaudit.repo import Repo

_DEV_GROUPS = {"dev", "test", "tests", "testing", "lint", "linting", "docs", "doc", "typing", "qa", "ci"}
_URL_KEYS = ("git", "path", "url", "file")
_NPM_KEYS = (("dependencies", "runtime"), ("devDependencies", "dev"), ("optionalDependencies", "optional"))


class Locator:
    """Finds TOML/JSON headers, keys and strings in a file's lines (1-based results)."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()
        self._norm = [re.sub(r"[\s\"']", "", ln) for ln in self.lines]

    def header(self, dotted: str, default: int = 0) -> int:
        """Index of the line `[dotted]`, or `default`."""
        want = f"[{dotted}]"
        for i, norm in enumerate(self._norm):
            if norm.startswith(want):
                return i
        return default

    def key(self, name: str, start: int) -> int:
        """Index of the first `name =` / `"name":` line at or after `start`, or `start`."""
        pat = re.compile(r"^\s*[\"']?" + re.escape(name) + r"[\"']?\s*[=:]")
        for i in range(start, len(self.lines)):
            if name in self.lines[i] and pat.match(self.lines[i]):  # the plain test first: most lines fail it
                return i
        return start

    def json_key(self, name: str, start: int) -> int:
        """1-based line of `"name":` at or after line index `start` (JSON allows several per line);
        `start` is the line of the enclosing object's key, which is skipped on its own name."""
        pat = re.compile(r'"' + re.escape(name) + r'"\s*:')
        quoted = f'"{name}"'
        for i in range(start, len(self.lines)):
            if quoted not in self.lines[i]:  # the plain test first: most lines fail it
                continue
            found = [m for m in pat.finditer(self.lines[i]) if i > start or m.start() > self.lines[i].find("{")]
            if found:
                return i + 1
        return start + 1

    def string(self, text: str, start: int) -> int:
        """1-based line of the quoted string `text` at or after `start` (else anywhere, else start)."""
        for needle in (f'"{text}"', f"'{text}'", text):
            for rng in (range(start, len(self.lines)), range(0, start)):
                for i in rng:
                    if needle in self.lines[i]:
                        return i + 1
        return start + 1


def read(repo: Repo, path: str, data: ManifestData) -> None:
    """Dispatch on the manifest's file name."""
    if path.endswith("package.json"):
        _package_json(repo, path, data)
        return
    doc = repo.toml(path)
    text = repo.text(path)
    if not isinstance(doc, dict) or text is None:
        return
    loc = Locator(text)
    if path.endswith("Pipfile"):
        _keyed(doc.get("packages"), "packages", "runtime", "", path, loc, data)
        _keyed(doc.get("dev-packages"), "dev-packages", "dev", "dev", path, loc, data)
    else:
        _pyproject(doc, path, loc, data)


def _pyproject(doc: dict[str, Any], path: str, loc: Locator, data: ManifestData) -> None:
    project = _table(doc.get("project"))
    p_line = loc.header("project")
    _strings(project.get("dependencies"), "runtime", "", path, loc, loc.key("dependencies", p_line), data)
    start = loc.header("project.optional-dependencies", p_line)
    for group, reqs in sorted(_table(project.get("optional-dependencies")).items()):
        kind = "dev" if group.lower() in _DEV_GROUPS else "optional"
        _strings(reqs, kind, group, path, loc, loc.key(group, start), data)
    start = loc.header("dependency-groups")
    for group, reqs in sorted(_table(doc.get("dependency-groups")).items()):
        _strings(reqs, "dev", group, path, loc, loc.key(group, start), data)
    tool = _table(doc.get("tool"))
    uv = _table(tool.get("uv"))
    _strings(uv.get("dev-dependencies"), "dev", "dev", path, loc,
             loc.key("dev-dependencies", loc.header("tool.uv")), data)
    start = loc.header("tool.pdm.dev-dependencies")
    for group, reqs in sorted(_table(_table(tool.get("pdm")).get("dev-dependencies")).items()):
        _strings(reqs, "dev", group, path, loc, loc.key(group, start), data)
    poetry = _table(tool.get("poetry"))
    _keyed(poetry.get("dependencies"), "tool.poetry.dependencies", "runtime", "", path, loc, data)
    _keyed(poetry.get("dev-dependencies"), "tool.poetry.dev-dependencies", "dev", "dev", path, loc, data)
    for group, body in sorted(_table(poetry.get("group")).items()):
        kind = "runtime" if group == "main" else "dev"
        _keyed(_table(body).get("dependencies"), f"tool.poetry.group.{group}.dependencies", kind, group,
               path, loc, data)


def _table(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _strings(reqs: Any, kind: str, group: str, path: str, loc: Locator, start: int,
             data: ManifestData) -> None:
    """PEP 508 strings of a list (non-strings such as PEP 735 include-group tables are skipped)."""
    if not isinstance(reqs, list):
        return
    app = app_of(path)
    for raw in reqs:
        if not isinstance(raw, str):
            continue
        line = loc.string(raw, start)
        dep = requirement_dependency(raw.strip(), path, line, kind, app, group)
        if dep is None:
            data.unparsed.append((path, line, raw[:120]))
        elif dep.name:
            data.dependencies.append(dep)


def _keyed(table: Any, header: str, kind: str, group: str, path: str, loc: Locator,
           data: ManifestData) -> None:
    """Poetry / Pipfile tables: `name = "spec"` or `name = {version = "...", extras = [...]}`."""
    if not isinstance(table, dict):
        return
    start = loc.header(header, -1)
    app = app_of(path)
    for name, value in sorted(table.items()):
        if name.lower() == "python" and header.startswith("tool.poetry"):
            continue
        sub = loc.header(f"{header}.{name}", -1)
        line = sub + 1 if sub >= 0 else (loc.key(name, start) + 1 if start >= 0 else loc.string(name, 0))
        spec, url, dep_kind = "", "", kind
        extras: tuple[str, ...] = ()
        if isinstance(value, str):
            spec = value
        elif isinstance(value, dict):
            version = value.get("version")
            spec = version if isinstance(version, str) else ""
            extras = tuple(sorted(e for e in value.get("extras", []) if isinstance(e, str)))
            url = next((str(value[k]) for k in _URL_KEYS if isinstance(value.get(k), str)), "")
            if value.get("optional") is True and kind == "runtime":
                dep_kind = "optional"
        elif isinstance(value, list):  # Poetry multiple-constraint form
            spec = ",".join(v.get("version", "") for v in value if isinstance(v, dict))
        spec = "" if spec.strip() == "*" else spec.strip()
        data.dependencies.append(Dependency(normalize(name), spec, path, line, dep_kind, "python", app, group,
                                            extras, url=url, raw=f"{name} = {spec}".strip(" =")))


def _package_json(repo: Repo, path: str, data: ManifestData) -> None:
    doc = repo.json(path)
    text = repo.text(path)
    if not isinstance(doc, dict) or text is None:
        return
    loc = Locator(text)
    app = app_of(path)
    for key, kind in _NPM_KEYS:
        table = doc.get(key)
        if not isinstance(table, dict):
            continue
        start = loc.key(key, 0)
        for name, spec in sorted(table.items()):
            spec = spec if isinstance(spec, str) else ""
            url = spec if re.match(r"^(git|https?|file|link|github):|^[\w.-]+/[\w.-]+(#.*)?$", spec) else ""
            line = loc.json_key(name, start)
            group = "" if kind == "runtime" else key
            data.dependencies.append(Dependency(name, spec, path, line, kind, "npm", app, group,
                                                url=url, raw=f"{name}@{spec}"))
