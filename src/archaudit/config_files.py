"""Where an audit's archaudit settings come from: finding and reading the configuration file.

The audited folder's own `archaudit.toml` or `[tool.archaudit]` in its `pyproject.toml` first; else,
folder by folder, its parents up to the repository root (the nearest folder holding `.git`), never
above it: auditing `services/api` of a repository uses the settings written at the repository's
root. Without a `.git` above it, only the audited folder itself is read (a folder outside any
repository never picks up whatever lies above it on the disk). `--config FILE` names the file.

Paths in a file found above the audited folder are relative to that file's folder: they are
rebased onto the audited folder (`rebase`), and dropped when they point outside it.
"""

from __future__ import annotations

import fnmatch
import os
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any


class ConfigError(ValueError):
    """The repository's archaudit configuration is invalid; the message lists every problem."""


@dataclass(frozen=True)
class Located:
    """The settings table, the file it came from (relative to the audited folder, or as given), the
    audited folder relative to that file's folder (None: unrelated folders, paths are not rebased),
    and notes on files that could not be read but held no archaudit settings."""

    table: dict[str, Any]
    source: str = ""
    prefix: str | None = ""
    notes: tuple[str, ...] = ()


_MENTIONS_US = re.compile(r"""tool\s*\.\s*["']?archaudit|^\s*archaudit\s*=""", re.MULTILINE)


def parse_toml(path: Path) -> tuple[dict[str, Any] | None, str]:
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


def kind(value: object) -> str:
    """How a TOML value is named in a message: "a string", "an array"..."""
    names = {str: "a string", bool: "a boolean", int: "an integer", float: "a float", list: "an array",
             dict: "a table"}
    return names.get(type(value), f"a {type(value).__name__}")


def pyproject_table(path: Path, name: str) -> tuple[dict[str, Any] | None, str]:
    """[tool.archaudit] of a pyproject.toml, or (None, note). A pyproject that cannot be read while
    it mentions archaudit is refused: dropping its settings silently would audit with other
    settings than the user wrote. One that does not mention archaudit is the project's own
    business (its other tools will say so): it costs a note in the report, not the audit."""
    data, why = parse_toml(path)
    if data is None:
        try:
            mentions = bool(_MENTIONS_US.search(path.read_text(encoding="utf-8", errors="replace")))
        except OSError:
            mentions = True
        if mentions:
            raise ConfigError(f"{name}: {why}: its [tool.archaudit] settings cannot be read")
        return None, f"{name} {why}: no [tool.archaudit] settings could be read from it"
    tool = data.get("tool")
    if tool is None:
        return None, ""
    if not isinstance(tool, dict):  # cannot hold [tool.archaudit]: the project's own business, not ours
        return None, f"{name}: `tool` is {kind(tool)}, not a table: no [tool.archaudit] settings in it"
    table = tool.get("archaudit")
    if table is not None and not isinstance(table, dict):
        raise ConfigError(f"{name}: [tool.archaudit] must be a table, not {kind(table)}")
    return table, ""


def _search_path(root: Path) -> list[Path]:
    """The audited folder, then its parents up to the nearest one holding `.git` (a directory, or
    the file of a worktree or submodule); only the folder itself when no parent holds one."""
    chain = [root, *root.parents]
    for depth, folder in enumerate(chain):
        if (folder / ".git").exists():
            return chain[: depth + 1]
    return [root]


def locate(root: Path) -> Located:
    """The settings that apply to an audit of `root` (empty when no file holds any)."""
    root = root.resolve()
    notes: list[str] = []
    for folder in _search_path(root):
        name = os.path.relpath(folder, root).replace(os.sep, "/")
        name = "" if name == "." else name + "/"
        prefix = root.relative_to(folder).as_posix()
        prefix = "" if prefix == "." else prefix
        own = folder / "archaudit.toml"
        if own.is_file():
            data, why = parse_toml(own)
            if data is None:
                raise ConfigError(f"{name}archaudit.toml: {why}")
            return Located(data, name + "archaudit.toml", prefix, tuple(notes))
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file():
            table, note = pyproject_table(pyproject, name + "pyproject.toml")
            if table is not None:
                return Located(table, name + "pyproject.toml", prefix, tuple(notes))
            if note:
                notes.append(note)
    return Located({}, "", "", tuple(notes))


def read_file(path: Path, root: Path) -> Located:
    """`--config FILE`: a pyproject.toml (its [tool.archaudit] table, which must be there) or an
    archaudit.toml-style file (the whole document). Paths in it are relative to its folder when the
    audited folder lies under it, else relative to the audited folder."""
    source = str(path)
    if not path.is_file():
        raise ConfigError(f"--config {source}: no such file")
    data, why = parse_toml(path)
    if data is None:
        raise ConfigError(f"{source}: {why}")
    tool = data.get("tool")
    if path.name == "pyproject.toml" or (isinstance(tool, dict) and "archaudit" in tool):
        table, _ = pyproject_table(path, source)
        if table is None:
            raise ConfigError(f"{source}: no [tool.archaudit] table in it")
        data = table
    try:
        prefix: str | None = root.resolve().relative_to(path.resolve().parent).as_posix()
    except ValueError:
        prefix = None
    return Located(data, source, "" if prefix == "." else prefix)


def rebase(pattern: str, prefix: str | None) -> str | None:
    """A gitignore-style pattern written relative to a parent folder, made relative to the audited
    folder `prefix` below it; None when it only concerns places outside the audited folder (or
    the audited folder as a whole: auditing it is asking for it). Unanchored patterns (`*.gen.py`,
    `fixtures/`) apply at any depth and are kept as they are."""
    if not prefix:
        return pattern
    negated, body = pattern.startswith("!"), pattern.removeprefix("!")
    if "/" not in body.rstrip("/"):
        return pattern
    parts = body.strip("/").split("/")
    trailing = "/" if body.endswith("/") else ""
    for i, segment in enumerate(prefix.split("/")):
        if i >= len(parts):
            return None  # the pattern covers the audited folder as a whole
        if parts[i] == "**":
            rest = "/".join(parts[i:])
            return ("!" if negated else "") + rest + trailing
        if not fnmatch.fnmatchcase(segment, parts[i]):
            return None
    rest = "/".join(parts[len(prefix.split("/")):])
    if not rest:
        return None
    return ("!" if negated else "") + "/" + rest + trailing
