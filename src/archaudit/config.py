"""The audited repository's own archaudit settings: one frozen Config, validated up front.

Read from `archaudit.toml` at the root, else `[tool.archaudit]` in the root `pyproject.toml`:

    exclude = ["tests/fixtures/", "legacy/**"]   # gitignore-style patterns, on top of .gitignore
    disable = ["OBS002"]                          # rule ids that never run
    preview = true                                # also run rules in preview (precision < 85 %)
    lang = "fr"                                   # the language of the Markdown and HTML reports (en, fr)

Every problem is reported at once, as a `ConfigError` the CLI turns into exit code 2.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pathspec

from archaudit.i18n import DEFAULT, LANGUAGES

_KNOWN = {"exclude", "disable", "preview", "lang"}


class ConfigError(ValueError):
    """The repository's archaudit configuration is invalid; the message lists every problem."""


@dataclass(frozen=True)
class Config:
    exclude: tuple[str, ...] = ()
    disable: frozenset[str] = field(default_factory=frozenset)
    source: str = ""
    preview: bool = False  # also run rules whose measured precision is below the default bar
    notes: tuple[str, ...] = ()  # e.g. a pyproject.toml that could not be read (reported as not determined)
    lang: str = DEFAULT  # the reports' language; `--lang` overrides it


_MENTIONS_US = re.compile(r"""tool\s*\.\s*["']?archaudit|^\s*archaudit\s*=""", re.MULTILINE)


def _parse(path: Path) -> tuple[dict[str, Any] | None, str]:
    """(the TOML document, "") or (None, why it cannot be read). A document nested deeper than the
    parser's recursion limit is unreadable like any other, never a RecursionError."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return None, f"cannot be read ({type(exc).__name__}: {str(exc)[:120]})"
    try:
        return tomllib.loads(text), ""
    except tomllib.TOMLDecodeError as exc:
        return None, f"not valid TOML ({str(exc)[:120]})"
    except (RecursionError, MemoryError) as exc:
        return None, f"not valid TOML (nested too deeply to be read: {type(exc).__name__})"
    except ValueError as exc:  # e.g. an integer literal past int's digit limit
        return None, f"not valid TOML ({str(exc)[:120]})"


def _pyproject_table(path: Path) -> tuple[dict[str, Any] | None, str]:
    """[tool.archaudit] of pyproject.toml, or (None, note). A pyproject that cannot be read while
    it holds archaudit settings is refused (dropping them silently would audit with other settings
    than the user wrote); one that does not mention archaudit only costs a note."""
    data, why = _parse(path)
    if data is None:
        try:
            mentions = bool(_MENTIONS_US.search(path.read_text(encoding="utf-8", errors="replace")))
        except OSError:
            mentions = True
        if mentions:
            raise ConfigError(f"{path.name}: {why}: its [tool.archaudit] settings cannot be read")
        return None, f"{path.name} {why}: no [tool.archaudit] settings could be read from it"
    tool = data.get("tool")
    if tool is None:
        return None, ""
    if not isinstance(tool, dict):  # cannot hold [tool.archaudit]: the project's own business, not ours
        return None, f"{path.name}: `tool` is {_kind(tool)}, not a table: no [tool.archaudit] settings in it"
    table = tool.get("archaudit")
    if table is not None and not isinstance(table, dict):
        raise ConfigError(f"{path.name}: [tool.archaudit] must be a table, not {_kind(table)}")
    return table, ""


def _table(root: Path) -> tuple[dict[str, Any], str, str]:
    """(settings table, file it came from, note on a file that could not be read)."""
    own = root / "archaudit.toml"
    if own.is_file():
        data, why = _parse(own)
        if data is None:
            raise ConfigError(f"{own.name}: {why}")
        return data, own.name, ""
    pyproject = root / "pyproject.toml"
    if pyproject.is_file():
        table, note = _pyproject_table(pyproject)
        if table is not None:
            return table, pyproject.name, ""
        return {}, "", note
    return {}, "", ""


def _kind(value: object) -> str:
    """How a TOML value is named in a message: "a string", "an array"..."""
    names = {str: "a string", bool: "a boolean", int: "an integer", float: "a float", list: "an array",
             dict: "a table"}
    return names.get(type(value), f"a {type(value).__name__}")


def _strings(table: dict[str, Any], key: str, what: str, errors: list[str]) -> list[str]:
    value = table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        errors.append(f"{key} must be a list of {what}")
        return []
    return value


def _bad_patterns(patterns: list[str]) -> list[str]:
    """Exclude patterns that pathspec or `re` reject, each with the reason."""
    bad = []
    for pattern in patterns:
        try:
            pathspec.GitIgnoreSpec.from_lines([pattern])
        except Exception as exc:  # pathspec raises its own errors, re.error, ValueError...
            bad.append(f"exclude pattern {pattern[:80]!r} is not a valid gitignore pattern ({str(exc)[:120]})")
    return bad


def load_config(root: Path, known_rules: Collection[str] | None = None) -> Config:
    """The Config of the repository at `root` (defaults when it has none). Rule ids in `disable`
    are checked against `known_rules` when given: the pipeline, which knows the registry, passes
    it (this module stays below the rules)."""
    table, source, note = _table(root)
    errors = [f"unknown key {k[:80]!r}" for k in sorted(set(table) - _KNOWN)]
    exclude = _strings(table, "exclude", "strings", errors)
    errors += _bad_patterns(exclude)
    disable = [r.upper() for r in _strings(table, "disable", "rule ids", errors)]
    preview = table.get("preview", False)
    if not isinstance(preview, bool):
        errors.append("preview must be true or false")
        preview = False
    lang = table.get("lang", DEFAULT)
    if not isinstance(lang, str) or lang not in LANGUAGES:
        errors.append(f"lang must be one of {', '.join(map(repr, LANGUAGES))}, not {str(lang)[:40]!r}")
        lang = DEFAULT
    if known_rules is not None:
        errors += [f"unknown rule {r[:80]!r} in disable" for r in disable if r not in known_rules]
    if errors:
        raise ConfigError(f"{source}: " + "; ".join(errors))
    return Config(tuple(exclude), frozenset(disable), source, preview, (note,) if note else (), lang)
