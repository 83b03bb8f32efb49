"""Configuration inventory: declared settings and their defaults, where configuration is loaded
from (env files, `from_object`, `load_dotenv`), which `.env` files exist and whether `.env` is
git-ignored, and boolean flags that nothing reads.

Every default shown goes through `redact_value`, so secrets never reach the report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pathspec

from archaudit.detect.config.settings import Setting, find_settings, read_elsewhere, unused_flags
from archaudit.detect.config.typescript import find_ts_env_settings, ts_config_facts
from archaudit.findings import Evidence, Message
from archaudit.languages.python.facts import expr_text, is_expr
from archaudit.model import Fact, Section, Table
from archaudit.redact import is_placeholder_value, is_secret_name, redact_value
from archaudit.repo import Repo
from archaudit.resolve.python_index import calls_written

__all__ = ["EnvFile", "Setting", "env_ignore_rule", "find_env_files", "find_settings", "section"]

_EXAMPLE = re.compile(r"example|sample|template|dist|default|tpl", re.IGNORECASE)
_ENV_LINE = re.compile(r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.]*)\s*=\s*(.*)$")
_PUBLIC_PREFIXES = ("VITE_", "REACT_APP_", "NEXT_PUBLIC_", "NUXT_PUBLIC_", "PUBLIC_", "EXPO_PUBLIC_")
_KINDS = {"pydantic": Message("pydantic settings class"), "config-class": Message("config class"),
          "module": Message("settings module"), "django": Message("Django settings module"),
          "flask": Message("app.config assignment"), "env": Message("environment read")}
_MAX_ROWS = 400
_SETTINGS_CLASSES = ("SettingsConfigDict", "ConfigDict")
_LOADERS = ("load_dotenv", "from_object", "from_envvar", "from_pyfile", "read_env")


@dataclass(frozen=True)
class EnvFile:
    """A dotenv file: `example` for templates (.env.example...), keys as (name, line, has a value)."""

    path: str
    example: bool
    keys: tuple[tuple[str, int, bool], ...]
    # a committed env file whose every secret-named value is a placeholder or empty (`SECRET_KEY=changethis`):
    # it documents the variables as a template does, whatever its name
    placeholders_only: bool = False

    @property
    def public_only(self) -> bool:
        """Only front-end public variables (VITE_..., NEXT_PUBLIC_...): meant to be committed."""
        return bool(self.keys) and all(k.startswith(_PUBLIC_PREFIXES) for k, _, _ in self.keys)


def _parse_env(text: str) -> tuple[tuple[str, int, bool], ...]:
    out = []
    for n, raw in enumerate(text.splitlines()[:5000], 1):
        m = _ENV_LINE.match(raw)
        if m and not raw.lstrip().startswith("#"):
            value = m.group(2).split(" #", 1)[0].strip().strip("'\"")
            out.append((m.group(1), n, bool(value)))
    return tuple(out)


def _placeholders_only(text: str) -> bool:
    """Some secret-named variables, and every one of them empty or a placeholder (`changethis`, `xxx`)."""
    secrets = []
    for raw in text.splitlines()[:5000]:
        m = _ENV_LINE.match(raw)
        if m and not raw.lstrip().startswith("#") and is_secret_name(m.group(1)):
            secrets.append(m.group(2).split(" #", 1)[0])
    return bool(secrets) and all(is_placeholder_value(v) for v in secrets)


def _env_files(repo: Repo) -> list[EnvFile]:
    out = []
    for f in repo.files:
        if f.language == "dotenv":
            name = f.path.rsplit("/", 1)[-1]
            text = repo.text(f.path) or ""
            out.append(EnvFile(f.path, bool(_EXAMPLE.search(name)), _parse_env(text), _placeholders_only(text)))
    return out


def find_env_files(repo: Repo) -> list[EnvFile]:
    """Dotenv files present in the audited tree (git-ignored ones are never walked), by path."""
    return repo.derived(_env_files)


def env_ignore_rule(repo: Repo, folder: str = "") -> Evidence | None:
    """The .gitignore line that ignores `<folder>/.env`, or None when no pattern does."""
    target = f"{folder}/.env" if folder else ".env"
    found: Evidence | None = None
    for f in repo.find(name=".gitignore"):
        base = f.path[: -len(".gitignore")].rstrip("/")
        if base and not target.startswith(base + "/"):
            continue
        rel = target[len(base) + 1:] if base else target
        for n, raw in enumerate(repo.lines(f.path)[:5000], 1):
            pattern = raw.strip()
            if not pattern or pattern.startswith("#"):
                continue
            try:
                spec = pathspec.GitIgnoreSpec.from_lines([pattern.lstrip("!")])
            except Exception:  # a malformed pattern is git's problem, not ours
                continue
            if spec.match_file(rel):
                found = None if pattern.startswith("!") else Evidence(f.path, n)
    return found


def display(name: str, value: Any, has_default: bool = True) -> str:
    """A default as shown in the report: redacted when the name looks secret."""
    if not has_default:
        return "(required)"
    if value is None or isinstance(value, bool | int | float):
        return str(value)
    if is_expr(value):
        return str(redact_value(name, expr_text(value)))
    if isinstance(value, str):
        shown = redact_value(name, value)
        return shown if shown == "<redacted>" else repr(shown)
    return str(redact_value(name, _source(value)))


def _source(value: Any) -> str:
    """A nested default as it reads in the code: `{'default': {'HOST': os.environ.get('DB_HOST')}}`
    (expressions by their text, not the internal `{"$": ...}` form)."""
    if is_expr(value):
        return expr_text(value)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k!r}: {_source(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        inner = ", ".join(_source(v) for v in value)
        return f"[{inner}]" if isinstance(value, list) else f"({inner}{',' if len(value) == 1 else ''})"
    return repr(value)


def _row(repo: Repo, s: Setting) -> dict[str, Any]:
    source = (Message("{source} ({kind}), env {env}", source=s.source, kind=_KINDS[s.kind], env=s.env)
              if s.env and s.env != s.name else Message("{source} ({kind})", source=s.source, kind=_KINDS[s.kind]))
    return {"setting": s.name, "default": display(s.name, s.value, s.has_default), "source": source,
            "read elsewhere?": read_elsewhere(repo, s), "file": s.file, "line": s.line}


def _loading_facts(repo: Repo) -> list[Fact]:
    """Where configuration comes from: env_file of settings classes, load_dotenv, from_object..."""
    out = []
    for path, call, _ in calls_written(repo, *_SETTINGS_CLASSES, *_LOADERS):
        if repo.by_path[path].role == "test":
            continue
        name = call["name"].rsplit(".", 1)[-1]
        if name in _SETTINGS_CLASSES and "env_file" in call["kwargs"]:
            out.append(Fact(Message("settings read the env file(s) {env_file}",
                                    env_file=repr(call['kwargs']['env_file'])),
                            (Evidence(path, call["line"]),)))
        elif name in _LOADERS:
            arg = call["args"][0] if call["args"] else ""
            shown = expr_text(arg) or (repr(arg) if arg != "" else "")
            out.append(Fact(Message("configuration loaded with {name}({shown})",
                                    name=call['name'], shown=shown), (Evidence(path, call["line"]),)))
    for path, facts in repo.python_items():
        if repo.by_path[path].role == "test":
            continue
        for cls in facts["classes"]:
            for f in cls["fields"]:
                if cls["name"] == "Config" and f["name"] == "env_file":
                    out.append(Fact(Message("settings read the env file(s) {value}",
                                            value=repr(f['value'])), (Evidence(path, f["line"]),)))
    return out


def _env_facts(repo: Repo, env_files: list[EnvFile]) -> tuple[list[Fact], list[dict[str, Any]]]:
    facts: list[Fact] = []
    rows = [{"file": e.path, "line": 0, "kind": "example/template" if e.example else "environment values",
             "variables": len(e.keys)} for e in env_files]
    rule = env_ignore_rule(repo)
    real = [e for e in env_files if not e.example]
    if rule:
        facts.append(Fact(Message(".env is ignored by .gitignore"), (rule,)))
    elif repo.find(name=".gitignore"):
        facts.append(Fact(Message(".env is not ignored by any .gitignore")))
    else:
        facts.append(Fact(Message("there is no .gitignore, so a local .env would be committed")))
    for e in real:
        facts.append(Fact(Message("{path} is present in the tree and not ignored (it would be committed)",
                                  path=e.path),
                          (Evidence(e.path, 0),)))
    return facts, rows


def section(repo: Repo) -> Section:
    settings = [*find_settings(repo), *repo.derived(find_ts_env_settings)]
    env_files = find_env_files(repo)
    facts = _loading_facts(repo) + ts_config_facts(repo)
    env_facts, env_rows = _env_facts(repo, env_files)
    facts += env_facts
    for s in unused_flags(repo):
        facts.append(Fact(Message("flag {name} ({source}) is declared but no code reads it",
                                  name=s.name, source=s.source), (Evidence(s.file, s.line),)))
    rows = [_row(repo, s) for s in settings[:_MAX_ROWS]]
    undetermined = []
    if len(settings) > _MAX_ROWS:
        undetermined.append(Message("{value} more settings are not listed",
                                    value=len(settings) - _MAX_ROWS))
    if not settings:
        undetermined.append(Message("no settings class, settings module or environment read was found"))
    classes = sorted({s.source for s in settings if s.kind == "pydantic"})
    headline = ""
    if settings:
        headline = (Message("{n} settings (settings classes: {classes})", n=len(settings),
                            classes=", ".join(classes[:3]))
                    if classes else Message("{n} settings", n=len(settings)))
    return Section(
        key="configuration", title="Configuration", facts=tuple(sorted(facts, key=lambda f: (f.text, f.evidence))),
        tables=(Table("settings", "Settings", ("setting", "default", "source", "read elsewhere?"), tuple(rows)),
                Table("env_files", "Environment files", ("kind", "variables"), tuple(env_rows))),
        undetermined=tuple(undetermined), headline=headline,
    )
