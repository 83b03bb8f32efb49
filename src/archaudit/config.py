"""The audited repository's own archaudit settings: one frozen Config, validated up front.

Read from `archaudit.toml` at the root, else `[tool.archaudit]` in the root `pyproject.toml`:

    exclude = ["tests/fixtures/", "legacy/**"]   # gitignore-style patterns, on top of .gitignore
    disable = ["OBS002"]                          # rule ids that never run
    preview = true                                # also run rules in preview (precision < 85 %)

Every problem is reported at once, as a `ConfigError` the CLI turns into exit code 2.
"""

from __future__ import annotations

import tomllib
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

_KNOWN = {"exclude", "disable", "preview"}


class ConfigError(ValueError):
    """The repository's archaudit configuration is invalid; the message lists every problem."""


@dataclass(frozen=True)
class Config:
    exclude: tuple[str, ...] = ()
    disable: frozenset[str] = field(default_factory=frozenset)
    source: str = ""
    preview: bool = False  # also run rules whose measured precision is below the default bar


def _table(root: Path) -> tuple[dict[str, Any], str]:
    own = root / "archaudit.toml"
    pyproject = root / "pyproject.toml"
    for path, pick in ((own, lambda d: d), (pyproject, lambda d: d.get("tool", {}).get("archaudit"))):
        if not path.is_file():
            continue
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            if path is own:
                raise ConfigError(f"{path.name}: not valid TOML ({exc})") from exc
            continue  # a broken pyproject is the audited project's problem, reported by the audit
        table = pick(data)
        if table is not None:
            if not isinstance(table, dict):
                raise ConfigError(f"{path.name}: [tool.archaudit] must be a table")
            return table, path.name
    return {}, ""


def load_config(root: Path, known_rules: Collection[str] | None = None) -> Config:
    """The Config of the repository at `root` (defaults when it has none). Rule ids in `disable`
    are checked against `known_rules` when given: the pipeline, which knows the registry, passes
    it (this module stays below the rules)."""
    table, source = _table(root)
    errors = [f"unknown key {k!r}" for k in sorted(set(table) - _KNOWN)]
    exclude = table.get("exclude", [])
    if not isinstance(exclude, list) or not all(isinstance(p, str) for p in exclude):
        errors.append("exclude must be a list of strings")
        exclude = []
    disable = table.get("disable", [])
    if not isinstance(disable, list) or not all(isinstance(r, str) for r in disable):
        errors.append("disable must be a list of rule ids")
        disable = []
    disable = [r.upper() for r in disable]
    preview = table.get("preview", False)
    if not isinstance(preview, bool):
        errors.append("preview must be true or false")
        preview = False
    if known_rules is not None:
        errors += [f"unknown rule {r!r} in disable" for r in disable if r not in known_rules]
    if errors:
        raise ConfigError(f"{source}: " + "; ".join(errors))
    return Config(tuple(exclude), frozenset(disable), source, preview)
