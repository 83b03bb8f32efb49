"""The `Repo`: everything analyses may read, built once per audit and shared by all of them.

Analyses never open files themselves: they read per-file facts, or ask the Repo for a config
file's text/YAML/TOML (read once, memoised, size-limited), and share derived facts through
`Repo.derived(fn)`, which computes `fn(repo)` once however many analyses ask for it.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import yaml

from archaudit.analyze import decode
from archaudit.config import Config
from archaudit.findings import Message, Skipped
from archaudit.languages.python.facts import ModuleFacts
from archaudit.scan.walk import RepoFile

T = TypeVar("T")
MAX_CONFIG_BYTES = 2_000_000

try:
    _YamlLoader: Any = yaml.CSafeLoader
except AttributeError:  # PyYAML built without libyaml
    _YamlLoader = yaml.SafeLoader


class Repo:
    """Files, per-file facts and memoised derived facts of one audited repository."""

    def __init__(self, root: Path, files: list[RepoFile], results: dict[str, dict[str, Any]],
                 skipped: list[Skipped]) -> None:
        self.root = root
        self.files = files
        self.by_path = {f.path: f for f in files}
        self.results = results
        self.skipped = skipped
        self.python: dict[str, ModuleFacts] = {
            f.path: results[f.path]["facts"] for f in files
            if f.language == "python" and "facts" in results.get(f.path, {})
        }
        self.modules = {module_name(p, self.by_path): p for p in sorted(self.python)}
        self.module_of = {p: m for m, p in self.modules.items()}
        self.module_aliases: dict[str, str] = {}  # implicit namespace packages: app/ without __init__.py
        for p in sorted(self.python):
            for alias in outer_names(p, self.module_of.get(p, "")):
                if alias not in self.modules:
                    self.module_aliases.setdefault(alias, p)
        self._memo: dict[Any, Any] = {}
        self._text: dict[str, str | None] = {}
        self._problems: list[Skipped] = []
        self.stats: dict[str, int] = {}
        self.config = Config()

    @property
    def name(self) -> str:
        return self.root.resolve().name

    # -- files -----------------------------------------------------------------------------------
    def has(self, path: str) -> bool:
        return path in self.by_path

    def find(self, *, name: str | None = None, role: str | None = None, language: str | None = None,
             suffix: str | None = None) -> list[RepoFile]:
        """Files matching every given criterion, sorted by path."""
        out = []
        for f in self.files:
            base = f.path.rsplit("/", 1)[-1]
            if name is not None and base != name:
                continue
            if role is not None and f.role != role:
                continue
            if language is not None and f.language != language:
                continue
            if suffix is not None and not f.path.endswith(suffix):
                continue
            out.append(f)
        return out

    def text(self, path: str) -> str | None:
        """The file's text (UTF-8), or None when absent, too large, binary or undecodable."""
        if path in self._text:
            return self._text[path]
        text: str | None = None
        if path in self.by_path and self.by_path[path].size <= MAX_CONFIG_BYTES:
            try:
                text = decode((self.root / path).read_bytes())
            except OSError:
                text = None
        self._text[path] = text
        return text

    def lines(self, path: str) -> list[str]:
        """The file's lines (memoised: evidence snippets ask for many lines of the same file)."""
        key = ("lines", path)
        if key not in self._memo:
            text = self.text(path)
            self._memo[key] = text.splitlines() if text is not None else []
        return self._memo[key]  # type: ignore[no-any-return]

    def line(self, path: str, lineno: int) -> str:
        lines = self.lines(path)
        return lines[lineno - 1].strip() if 0 < lineno <= len(lines) else ""

    def line_of(self, path: str, needle: str) -> int:
        """1-based line of the first line containing `needle` (a key in a manifest...), 0 when none."""
        return next((i for i, text in enumerate(self.lines(path), 1) if needle in text), 0)

    def yaml(self, path: str) -> Any:
        """Parsed YAML (first document), or None; a malformed file, or one whose aliases expand it
        past MAX_YAML_NODES (an alias bomb would make every later traversal hang), is skipped."""
        return self._parsed(path, "yaml", _load_yaml)

    def toml(self, path: str) -> dict[str, Any] | None:
        return self._parsed(path, "toml", lambda text: bounded(tomllib.loads(text)))

    def json(self, path: str) -> Any:
        return self._parsed(path, "json", lambda text: bounded(json.loads(text)))

    def _parsed(self, path: str, kind: str, parse: Callable[[str], Any]) -> Any:
        key = ("parsed", kind, path)
        if key not in self._memo:
            text = self.text(path)
            value = None
            if text is not None:
                try:
                    value = parse(text)
                except Exception as exc:  # untrusted input: any parser error is a skip, not a crash
                    error = str(exc).splitlines()[0][:120]
                    self._problems.append(Skipped(path, Message("not valid {format}: {error}", format=kind.upper(),
                                                                error=error)))
            self._memo[key] = value
        return self._memo[key]

    def skip(self, path: str, reason: str) -> None:
        """Record that an analysis could not read `path` (a shape past a bound...), as a skip."""
        self._problems.append(Skipped(path, reason))

    def add_problems(self, problems: list[Skipped]) -> None:
        """Record skips found elsewhere (by a second process working on a copy of this Repo)."""
        self._problems.extend(problems)

    @property
    def problems(self) -> list[Skipped]:
        """Config files that could not be parsed while analyses ran."""
        return sorted(set(self._problems))

    # -- python ----------------------------------------------------------------------------------
    def python_items(self) -> Iterator[tuple[str, ModuleFacts]]:
        """(path, facts) for every parsed Python file, sorted by path."""
        for path in sorted(self.python):
            yield path, self.python[path]

    def resolve_import(self, path: str, module: str, level: int) -> str:
        """Absolute dotted name of an import written in `path` (handles relative imports)."""
        if not level:
            return module
        base = self.module_of.get(path, "").split(".")
        is_pkg = path.endswith("__init__.py")
        parts = base if is_pkg else base[:-1]
        if level > 1:
            parts = parts[: len(parts) - (level - 1)]
        return ".".join([*parts, module] if module else parts)

    def internal_path(self, dotted: str) -> str | None:
        """Path of the repository module a dotted name refers to (longest known prefix), if any."""
        found = self.internal_module(dotted)
        return found[0] if found else None

    def internal_module(self, dotted: str) -> tuple[str, str] | None:
        """(path, the module name matched) for the longest known prefix of a dotted name."""
        parts = dotted.split(".")
        while parts:
            module = ".".join(parts)
            found = self.modules.get(module) or self.module_aliases.get(module)
            if found:
                return found, module
            parts.pop()
        return None

    # -- shared derived facts --------------------------------------------------------------------
    def derived(self, fn: Callable[[Repo], T]) -> T:
        """`fn(self)` computed once per audit, whoever asks first."""
        key = ("derived", fn.__module__, fn.__qualname__)
        if key not in self._memo:
            self._memo[key] = fn(self)
        return self._memo[key]  # type: ignore[no-any-return]

    def scanned(self, name: str, path: str) -> list[Any] | None:
        """The records of text scanner `name` for one file, [] when it found nothing, None when the
        scanner did not run on it (a file not read by the workers, or skipped: minified, too large...)."""
        result = self.results.get(path)
        if result is None or "skip" in result:
            return None
        return list(result.get(name) or ())

    def extra(self, name: str) -> Iterator[tuple[str, list[Any]]]:
        """(path, records) of a per-file text scanner (e.g. "secrets"), sorted by path."""
        for path in sorted(self.results):
            records = self.results[path].get(name)
            if records:
                yield path, records


MAX_YAML_NODES = 200_000
MAX_NESTING = 64  # levels of a parsed YAML/TOML/JSON value; real configuration files stay far below
_IMPLICIT_KEY_TAGS = frozenset(f"tag:yaml.org,2002:{t}" for t in ("bool", "int", "float", "null", "timestamp"))


class _TextKeyLoader(_YamlLoader):  # type: ignore[misc,valid-type]
    """Mapping keys as the text written: `true:`, `1:` and `null:` stay "true", "1", "null", as compose,
    GitHub Actions (`on:`) and most YAML 1.2 readers see them. With PyYAML's YAML 1.1 typing a
    mapping could mix bool, int, None and str keys, and sorting or joining them fails."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> Any:
        for key, _ in node.value:
            if isinstance(key, yaml.ScalarNode) and key.tag in _IMPLICIT_KEY_TAGS:
                key.tag = "tag:yaml.org,2002:str"
        return super().construct_mapping(node, deep=deep)


def _load_yaml(text: str) -> Any:
    return bounded(yaml.load(text, Loader=_TextKeyLoader))


def bounded(data: T) -> T:
    """`data` itself, or ValueError when a traversal of it would cost too much: more than
    MAX_YAML_NODES nodes as a traversal sees them (YAML aliases re-counted: an alias bomb), or
    nesting deeper than MAX_NESTING (str() or a recursive walk of it would exhaust the stack)."""
    count, stack = 0, [(data, 0)]
    while stack:  # iterative: the check itself must not recurse
        node, depth = stack.pop()
        count += 1
        if count > MAX_YAML_NODES:
            raise ValueError(f"expands past {MAX_YAML_NODES:,} nodes through aliases (alias bomb?)")
        if depth > MAX_NESTING:
            raise ValueError(f"nested deeper than {MAX_NESTING} levels")
        if isinstance(node, dict):
            stack.extend((v, depth + 1) for v in node.values())
        elif isinstance(node, list):
            stack.extend((v, depth + 1) for v in node)
    return data


def module_name(path: str, by_path: dict[str, RepoFile]) -> str:
    """Dotted module name: from the topmost package (dirs with __init__.py), else from `src/`
    or the nearest folder holding a Python manifest, else from the repository root."""
    parts = path[:-3].split("/") if path.endswith(".py") else path.split("/")
    dirs = parts[:-1]
    start = len(dirs)
    while start > 0 and "/".join(dirs[:start]) + "/__init__.py" in by_path:
        start -= 1
    if start == len(dirs):  # not in a package: look for a source root
        for i in range(len(dirs), 0, -1):
            folder = "/".join(dirs[:i])
            if dirs[i - 1] == "src" or any(f"{folder}/{m}" in by_path for m in _ROOT_MARKERS):
                start = i
                break
        else:
            start = 0
    names = parts[start:]
    if names and names[-1] == "__init__":
        names = names[:-1]
    return ".".join(names) or parts[-1]


def outer_names(path: str, name: str) -> list[str]:
    """Longer dotted names a module can also be imported by, when folders above its topmost
    `__init__.py` package are implicit namespace packages (PEP 420): `app/core/security.py` under an
    `app/` without `__init__.py` is `core.security` and also `app.core.security`."""
    parts = path[:-3].split("/") if path.endswith(".py") else path.split("/")
    if parts and parts[-1] == "__init__":
        parts = parts[:-1]
    known = len(name.split(".")) if name else len(parts)
    out: list[str] = []
    for i in range(len(parts) - known - 1, -1, -1):
        if parts[i] == "src" or len(out) == 3:  # a src/ layout root is never part of a module name
            break
        out.append(".".join(parts[i:]))
    return out


_ROOT_MARKERS = ("pyproject.toml", "setup.py", "setup.cfg", "requirements.txt", "manage.py")
