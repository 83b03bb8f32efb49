"""The audited repository's own archaudit settings: one frozen Config, validated up front.

Read from `archaudit.toml`, else `[tool.archaudit]` in `pyproject.toml`, in the audited folder or the
nearest parent up to the repository root (`config_files.locate`), or from `--config FILE`:

    exclude = ["tests/fixtures/", "legacy/**"]   # gitignore-style patterns, on top of .gitignore
    select = ["SEC", "CFG001"]                    # only these rules run (ids or id prefixes)
    disable = ["OBS002"]                          # rule ids or prefixes that never run (`ignore` too)
    preview = true                                # also run rules in preview (precision < 85 %)
    lang = "fr"                                   # the language of the Markdown and HTML reports (en, fr)

    [tool.archaudit.severity]                     # a rule's severity, as this team rates it
    OBS002 = "medium"

    [[tool.archaudit.suppress]]                   # accepted findings, with a reason and an expiry
    rule = "SEC004"
    path = "app/admin/**"                         # gitignore-style; omitted: everywhere
    reason = "admin routes are behind the VPN"
    expires = 2027-03-01                          # optional: after it, the findings are back

Every problem is reported at once, as a `ConfigError` the CLI turns into exit code 2.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pathspec

from archaudit.config_files import ConfigError, Located, kind, locate, read_file, rebase
from archaudit.findings import Severity
from archaudit.i18n import DEFAULT, LANGUAGES

__all__ = ["Config", "ConfigError", "Suppression", "load_config", "unknown_selectors"]

_KNOWN = {"exclude", "disable", "ignore", "select", "preview", "lang", "severity", "suppress"}
_SUPPRESS_KEYS = {"rule", "path", "reason", "expires"}


@dataclass(frozen=True)
class Suppression:
    """A `[[tool.archaudit.suppress]]` entry: findings of `rule` under `path` are accepted, for `reason`,
    until `expires` (ISO date, "" for ever). `index` is its 1-based place in the file (for messages)."""

    rule: str
    path: str
    reason: str
    expires: str = ""
    index: int = 0

    def where(self, source: str) -> str:
        return f"{source} [[suppress]] #{self.index}"


@dataclass(frozen=True)
class Config:
    exclude: tuple[str, ...] = ()
    disable: frozenset[str] = field(default_factory=frozenset)  # rule ids or prefixes that never run
    source: str = ""
    preview: bool = False  # also run rules whose measured precision is below the default bar
    notes: tuple[str, ...] = ()  # e.g. a pyproject.toml that could not be read (reported as not determined)
    lang: str = DEFAULT  # the reports' language; `--lang` overrides it
    select: tuple[str, ...] = ()  # rule ids or prefixes; empty: every rule
    severity: tuple[tuple[str, Severity], ...] = ()  # (rule id, severity) overrides, sorted by id
    suppress: tuple[Suppression, ...] = ()
    today: str = ""  # ISO date expiries are judged against ("" when no entry expires)

    @property
    def names_rules(self) -> bool:
        """Whether the configuration names rule ids anywhere (they are then checked against the registry)."""
        return bool(self.disable or self.select or self.severity or self.suppress)

    def runs(self, rule_id: str) -> bool:
        """Whether a rule is selected (by `select`, when given) and not disabled (id or prefix)."""
        if self.select and not any(rule_id.startswith(s) for s in self.select):
            return False
        return not any(rule_id.startswith(d) for d in self.disable)

    def described(self) -> dict[str, Any]:
        """The configuration as the report states it (plain data, sorted)."""
        return {"source": self.source or "defaults (no archaudit configuration found)",
                "exclude": list(self.exclude), "select": list(self.select), "disable": sorted(self.disable),
                "severity": {rule: sev.value for rule, sev in self.severity}, "preview": self.preview,
                "suppress": [{"rule": s.rule, "path": s.path, "reason": s.reason, "expires": s.expires}
                             for s in self.suppress]}


def unknown_selectors(selectors: Iterable[str], known: Collection[str]) -> list[str]:
    """Selectors (rule ids or prefixes such as "SEC") that name no known rule."""
    return [s for s in selectors if not any(r.startswith(s) for r in known)]


def _strings(table: dict[str, Any], key: str, what: str, errors: list[str]) -> list[str]:
    value = table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        errors.append(f"{key} must be a list of {what}")
        return []
    return value


def _bad_pattern(pattern: str) -> str:
    """Why pathspec or `re` reject a gitignore-style pattern ("" when they accept it)."""
    try:
        pathspec.GitIgnoreSpec.from_lines([pattern])
    except Exception as exc:  # pathspec raises its own errors, re.error, ValueError...
        return f"{pattern[:80]!r} is not a valid gitignore pattern ({str(exc)[:120]})"
    return ""


def _severities(table: dict[str, Any], known: Collection[str] | None, errors: list[str]) -> list[tuple[str, Severity]]:
    value = table.get("severity", {})
    if not isinstance(value, dict):
        errors.append(f"severity must be a table of rule id = severity, not {kind(value)}")
        return []
    out = []
    names = ", ".join(s.value for s in Severity)
    for rule, sev in sorted(value.items()):
        rule = rule.upper()
        if known is not None and rule not in known:
            errors.append(f"unknown rule {rule[:80]!r} in severity")
        elif not isinstance(sev, str) or sev.lower() not in {s.value for s in Severity}:
            errors.append(f"severity of {rule} must be one of {names}, not {str(sev)[:40]!r}")
        else:
            out.append((rule, Severity(sev.lower())))
    return out


def _expiry(value: object) -> str | None:
    """An ISO date from a TOML date or a "YYYY-MM-DD" string (None when it is neither)."""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value).isoformat()
        except ValueError:
            return None
    return None


def _suppressions(located: Located, known: Collection[str] | None, errors: list[str]) -> list[Suppression]:
    value = located.table.get("suppress", [])
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        errors.append("suppress must be an array of tables ([[tool.archaudit.suppress]])")
        return []
    out = []
    for index, entry in enumerate(value, start=1):
        here = f"suppress #{index}"
        errors += [f"{here}: unknown key {k[:80]!r}" for k in sorted(set(entry) - _SUPPRESS_KEYS)]
        rule, path, reason = entry.get("rule"), entry.get("path", ""), entry.get("reason")
        if not isinstance(rule, str) or (known is not None and rule.upper() not in known):
            errors.append(f"{here}: rule must be a known rule id, not {str(rule)[:80]!r}")
            continue
        if not isinstance(reason, str) or not reason.strip():
            errors.append(f"{here}: a reason is required (why this {rule.upper()} finding is accepted)")
            continue
        if not isinstance(path, str) or (path and _bad_pattern(path)):
            errors.append(f"{here}: path must be a gitignore-style pattern, not {str(path)[:80]!r}")
            continue
        expires = _expiry(entry.get("expires", ""))
        if "expires" in entry and expires is None:
            errors.append(f"{here}: expires must be a date (2027-03-01), not {str(entry['expires'])[:40]!r}")
            continue
        rebased = rebase(path, located.prefix) if path else ""
        if rebased is not None:  # None: it concerns files outside the audited folder
            out.append(Suppression(rule.upper(), rebased, reason.strip(), expires or "", index))
    return out


def load_config(root: Path, known_rules: Collection[str] | None = None, file: Path | None = None) -> Config:
    """The Config of the repository at `root` (defaults when it has none). Rule ids are checked
    against `known_rules` when given: the pipeline, which knows the registry, passes it (this
    module stays below the rules). `file`: the `--config` file, instead of looking for one."""
    located = read_file(file, root) if file is not None else locate(root)
    table = located.table
    errors = [f"unknown key {k[:80]!r}" for k in sorted(set(table) - _KNOWN)]
    exclude = _strings(table, "exclude", "strings", errors)
    errors += [f"exclude pattern {why}" for why in map(_bad_pattern, exclude) if why]
    disable = [r.upper() for key in ("disable", "ignore") for r in _strings(table, key, "rule ids", errors)]
    select = [r.upper() for r in _strings(table, "select", "rule ids", errors)]
    preview = table.get("preview", False)
    if not isinstance(preview, bool):
        errors.append("preview must be true or false")
        preview = False
    lang = table.get("lang", DEFAULT)
    if not isinstance(lang, str) or lang not in LANGUAGES:
        errors.append(f"lang must be one of {', '.join(map(repr, LANGUAGES))}, not {str(lang)[:40]!r}")
        lang = DEFAULT
    if known_rules is not None:
        errors += [f"unknown rule {r[:80]!r} in disable" for r in unknown_selectors(disable, known_rules)]
        errors += [f"unknown rule {r[:80]!r} in select" for r in unknown_selectors(select, known_rules)]
    severity = _severities(table, known_rules, errors)
    suppress = _suppressions(located, known_rules, errors)
    if errors:
        raise ConfigError(f"{located.source}: " + "; ".join(errors))
    rebased = tuple(p for p in (rebase(p, located.prefix) for p in exclude) if p is not None)
    return Config(rebased, frozenset(disable), located.source, preview, located.notes, lang,
                  tuple(dict.fromkeys(select)), tuple(severity), tuple(suppress))
