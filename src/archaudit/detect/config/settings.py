"""Application settings, wherever they are declared: pydantic `BaseSettings` classes, Django-style
settings modules, Flask config classes and `app.config[...]`, and plain `os.getenv` reads.

`find_settings(repo)` is the shared list every configuration rule reads. A setting's `value` is the
raw default (a literal, or `{"$": text}` for an expression); when the default is an environment read
(`os.getenv("X", "dev")`), `env` names the variable and `value` is the read's fallback. Values are
raw for the rules: anything shown to a user goes through `archaudit.redact.redact_value`.

Settings modules form a graph: `production.py` star-imports `base.py` (which may star-import
`cors.py`) and assigns some names again. A module star-importing a settings module is a settings
module too, and a setting re-assigned by a production module that star-imports its file (directly
or through others) is not the production value: `overridden` points at the override, and the rules
judge the override instead.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace
from typing import Any

from archaudit.findings import Evidence, Message
from archaudit.languages.python.facts import CallFact, ClassFact, ModuleFacts, expr_text, is_expr
from archaudit.redact import is_secret_name
from archaudit.repo import Repo
from archaudit.resolve.context import Context, context_of
from archaudit.resolve.python_index import function_index, modules_importing, name_readers

ENV_READS = frozenset({"os.getenv", "getenv", "os.environ.get", "environ.get", "env", "env.str", "env.bool",
                       "env.int", "config", "os.environ.setdefault"})
_OR_LITERAL = re.compile(r"\)\s+or\s+(['\"])(.*?)\1")
_NONE_WHEN_UNSET = frozenset({"os.getenv", "getenv", "os.environ.get", "environ.get"})
_UPPER = re.compile(r"^[A-Z][A-Z0-9_]*$")
_CONFIG_ITEM = re.compile(r"\.config\[(\w+)\]$")
_SETTINGS_MODULE = re.compile(r"(^|/)(settings|config)\.py$|(^|/)settings/[^/]+\.py$")
_UPDATES = (".config.update", ".config.from_mapping")
_ENV_READ_WORDS = ("environ", "getenv", "env", "config")  # every ENV_READS name contains one of them
_ENVIRON_ITEM = re.compile(r"^(?:os\.)?environ\[(\w+)\]$")


@dataclass(frozen=True, eq=False)
class Setting:
    """One declared setting. `kind`: pydantic | config-class | module | django | flask | env."""

    name: str
    value: Any  # raw default (see module docstring); None when has_default is False
    has_default: bool
    annotation: str
    source: str  # class name, module, or `app.config`
    kind: str
    file: str
    line: int
    is_secret_name: bool
    env: str = ""  # the environment variable it reads, "" when none is visible
    overridden: Evidence | None = None  # a production settings module assigning it again (module docstring)
    unused: bool = False  # a settings class nothing instantiates, subclasses or names: its fields are never read


class _CallsAt:
    """A module's calls by line, indexed on first use (settings look up the calls of their line)."""

    def __init__(self, facts: ModuleFacts) -> None:
        self.facts = facts
        self.index: dict[int, list[CallFact]] | None = None

    def __call__(self, line: int) -> list[CallFact]:
        if self.index is None:
            self.index = {}
            for c in self.facts["calls"]:
                self.index.setdefault(c["line"], []).append(c)
        return self.index.get(line, [])


def _env_default(at: _CallsAt, line: int) -> tuple[str, Any, bool] | None:
    """(variable, fallback, has fallback) of the environment read on `line`, if there is one."""
    for call in at(line):
        if call["name"] in ENV_READS and call["args"] and isinstance(call["args"][0], str):
            if len(call["args"]) > 1:
                return call["args"][0], call["args"][1], True
            if "default" in call["kwargs"]:
                return call["args"][0], call["kwargs"]["default"], True
            # getenv/environ.get return None when unset; django-environ and decouple raise instead
            return call["args"][0], None, call["name"] in _NONE_WHEN_UNSET
    return None


def _field_default(at: _CallsAt, line: int, value: Any) -> tuple[Any, bool]:
    """The default of `x: T = Field(...)`: its first argument or `default=`; Ellipsis means required."""
    for call in at(line):
        if call["name"] in ("Field", "pydantic.Field"):
            if call["args"]:
                first = call["args"][0]
                return (None, False) if first == {"$": "..."} else (first, True)
            if "default" in call["kwargs"]:
                return call["kwargs"]["default"], True
            if "default_factory" in call["kwargs"]:
                return {"$": "default_factory"}, True
            return None, False
    return value, True


def _make(at: _CallsAt, name: str, value: Any, has_value: bool, annotation: str, source: str,
          kind: str, path: str, line: int) -> Setting:
    env = ""
    if is_expr(value) and str(value["$"]).startswith(("Field(", "pydantic.Field(")):
        value, has_value = _field_default(at, line, value)
    if is_expr(value):
        read = _env_default(at, line)
        required = _ENVIRON_ITEM.match(expr_text(value))
        if read:
            env, value, has_value = read
        elif required:
            env, value, has_value = required.group(1), None, False
    return Setting(name, value if has_value else None, has_value, annotation, source, kind, path, line,
                   is_secret_name(name), env)


def _settings_classes(repo: Repo) -> set[str]:
    """Names of classes deriving (directly or through repo classes) from a pydantic BaseSettings."""
    classes = [c for _, facts in repo.python_items() for c in facts["classes"]]
    names = {c["name"] for c in classes if any(b.rsplit(".", 1)[-1] == "BaseSettings" for b in c["bases"])}
    for _ in range(5):
        more = {c["name"] for c in classes if any(b.rsplit(".", 1)[-1] in names for b in c["bases"])}
        if more <= names:
            break
        names |= more
    return names


def _nested(cls: ClassFact, classes: list[ClassFact]) -> bool:
    return any(o is not cls and o["line"] < cls["line"] <= o["end"] for o in classes)


def _from_classes(path: str, at: _CallsAt, pydantic: set[str], read: dict[str, list[str]]) -> list[Setting]:
    facts = at.facts
    out = []
    config_classes = {c["name"] for c in facts["classes"] if c["name"].endswith(("Config", "Settings"))}
    for cls in facts["classes"]:
        if cls["name"] in pydantic:
            for f in cls["fields"]:
                if f["name"] != "model_config" and not f["annotation"].startswith(("ClassVar", "typing.ClassVar")):
                    made = _make(at, f["name"], f["value"], f["has_value"], f["annotation"],
                                 cls["name"], "pydantic", path, f["line"])
                    out.append(made if cls["name"] in read else replace(made, unused=True))
        elif cls["name"] in config_classes and not _nested(cls, facts["classes"]) and all(
                b in ("object", *config_classes) for b in cls["bases"]):
            for f in cls["fields"]:
                if _UPPER.match(f["name"]):
                    out.append(_make(at, f["name"], f["value"], f["has_value"], f["annotation"],
                                     cls["name"], "config-class", path, f["line"]))
    return out


def _from_module(repo: Repo, path: str, at: _CallsAt, django: bool, updates: bool) -> list[Setting]:
    """Settings modules, `app.config["X"] = ...` and (when `updates`) `app.config.update(X=...)`."""
    facts = at.facts
    out = []
    if path in repo.derived(settings_modules):
        kind = "django" if django else "module"
        for a in facts["assigns"]:
            if not a["func"] and not a["cls"] and _UPPER.match(a["target"]):
                out.append(_make(at, a["target"], a["value"], True, "", repo.module_of.get(path, path),
                                 kind, path, a["line"]))
    for a in facts["assigns"]:
        m = _CONFIG_ITEM.search(a["target"]) if "config[" in a["target"] else None
        if m:
            out.append(_make(at, m.group(1), a["value"], True, "", a["target"].split("[")[0], "flask",
                             path, a["line"]))
    for call in facts["calls"] if updates else ():
        if call["name"].endswith(_UPDATES):
            for key, value in sorted(call["kwargs"].items()):
                if _UPPER.match(key):
                    out.append(_make(at, key, value, True, "", call["name"].rsplit(".", 1)[0], "flask",
                                     path, call["line"]))
    return out


def _env_reads(repo: Repo, path: str, at: _CallsAt, taken: set[int]) -> list[Setting]:
    out = []
    for call in at.facts["calls"]:
        if call["line"] in taken or call["name"] not in ENV_READS or call["name"] == "config":
            continue
        if call["args"] and isinstance(call["args"][0], str) and call["args"][0]:
            read = _env_default(at, call["line"])
            if read and read[0] == call["args"][0]:
                key, default, has = read
                out.append(Setting(key, default if has else None, has, "", repo.module_of.get(path, path), "env",
                                   path, call["line"], is_secret_name(key), key))
                taken.add(call["line"])
    return out


def _with_or_fallback(repo: Repo, s: Setting) -> Setting:
    """`os.environ.get("KEY") or "fallback"`: the literal after `or` is the effective default."""
    if s.env and s.value is None and s.has_default:
        m = _OR_LITERAL.search(repo.line(s.file, s.line))
        if m:
            return replace(s, value=m.group(2))
    return s


def _star_target(repo: Repo, path: str, module: str, level: int) -> str | None:
    """The repository file a `from X import *` in `path` loads. A relative import that does not
    resolve where the file lies (a settings file copied into place at build time, like
    docker/config.py -> settings/config.py) resolves to the one settings module of that name."""
    dotted = repo.resolve_import(path, module, level)
    found = repo.modules.get(dotted) or repo.module_aliases.get(dotted)
    if found or not level or not module:
        return found
    tail = module.replace(".", "/") + ".py"
    candidates = [p for p in repo.python if p.endswith("/" + tail) and _SETTINGS_MODULE.search(p)]
    return candidates[0] if len(candidates) == 1 else None


def star_imports(repo: Repo) -> dict[str, list[str]]:
    """File -> the repository files it star-imports at module level (outside tests), memoised."""
    out: dict[str, list[str]] = {}
    for path, facts in repo.python_items():
        if repo.by_path[path].role == "test":
            continue
        targets = [_star_target(repo, path, i["module"], i["level"]) for i in facts["imports"]
                   if i["names"] == ["*"] and not i["local"]]
        found = [t for t in targets if t and t != path]
        if found:
            out[path] = found
    return out


def settings_modules(repo: Repo) -> frozenset[str]:
    """Files holding module-level settings: settings.py / config.py / settings/*.py, and any module
    star-importing one of them (config/django/production.py: `from config.django.base import *`)."""
    found = {p for p in repo.python if _SETTINGS_MODULE.search(p) and repo.by_path[p].role != "test"}
    graph = repo.derived(star_imports)
    for _ in range(10):
        more = {p for p, targets in graph.items() if p not in found and any(t in found for t in targets)}
        if not more:
            break
        found |= more
    return frozenset(found)


def _importers(repo: Repo) -> dict[str, set[str]]:
    """Settings file -> every file star-importing it, directly or through other files."""
    graph = repo.derived(star_imports)
    direct: dict[str, set[str]] = {}
    for src, targets in graph.items():
        for t in targets:
            direct.setdefault(t, set()).add(src)
    out: dict[str, set[str]] = {}
    for target in direct:
        seen: set[str] = set()
        todo = list(direct[target])
        while todo:
            cur = todo.pop()
            if cur not in seen:
                seen.add(cur)
                todo += direct.get(cur, ())
        out[target] = seen - {target}
    return out


def _with_overrides(repo: Repo, found: list[Setting]) -> list[Setting]:
    """Mark module settings re-assigned by a production module that star-imports their file."""
    importers = _importers(repo)
    where: dict[tuple[str, str], Setting] = {}
    for x in found:
        where.setdefault((x.file, x.name), x)
    out = []
    for x in found:
        over = None
        if x.kind in ("django", "module"):
            for other in sorted(importers.get(x.file, ())):
                o = where.get((other, x.name))
                if o is not None and context_of(repo, other) is Context.PRODUCTION:
                    over = Evidence(o.file, o.line)
                    break
        out.append(replace(x, overridden=over) if over else x)
    return out


def _compute(repo: Repo) -> list[Setting]:
    pydantic = _settings_classes(repo)
    django = bool(repo.derived(modules_importing).get("django"))
    # files that may hold such calls: the identifiers of a call's callee are among the file's names
    readers = repo.derived(name_readers)
    reads = {p for n in _ENV_READ_WORDS for p in readers.get(n, ())}
    updates = set(readers.get("from_mapping", ())) | (set(readers.get("config", ())) & set(readers.get("update", ())))
    out: list[Setting] = []
    for path, facts in repo.python_items():
        if repo.by_path[path].role == "test":
            continue
        at = _CallsAt(facts)
        found = _from_classes(path, at, pydantic, readers) + _from_module(repo, path, at, django, path in updates)
        if path in reads:
            found += _env_reads(repo, path, at, {s.line for s in found})
        out += [_with_or_fallback(repo, x) for x in found]
    return sorted(_with_overrides(repo, out), key=lambda s: (s.file, s.line, s.name))


def find_settings(repo: Repo) -> list[Setting]:
    """Every declared setting (memoised per audit), sorted by file, line, name."""
    return repo.derived(_compute)


def secret_values(repo: Repo) -> tuple[str, ...]:
    """The literal defaults of secret-named settings: the report masks each of them wherever it appears
    (a masked placeholder is harmless; a shown secret is not)."""
    return tuple(sorted({s.value for s in find_settings(repo)
                         if s.is_secret_name and isinstance(s.value, str) and s.value.strip()}))


def _readers(repo: Repo) -> dict[str, set[str]]:
    """Setting name -> the Python files (outside tests) whose code mentions that name."""
    wanted = {s.name for s in find_settings(repo)}
    out: dict[str, set[str]] = {n: set() for n in wanted}
    for path, facts in repo.python_items():
        if repo.by_path[path].role == "test":
            continue
        for name in wanted.intersection(facts["names"]):
            out[name].add(path)
    return out


# settings a framework or its extensions read themselves (Django, Flask, Flask-WTF/-Security/-JWT/-Mail,
# SQLAlchemy, Celery): whoever else mentions them, the serving application uses them
FRAMEWORK_READ = frozenset({
    "SECRET_KEY", "SECRET_KEY_FALLBACKS", "WTF_CSRF_SECRET_KEY", "SECURITY_PASSWORD_SALT", "JWT_SECRET_KEY",
    "EMAIL_HOST_PASSWORD", "MAIL_PASSWORD", "DATABASES", "DATABASE_URL", "SQLALCHEMY_DATABASE_URI",
    "CELERY_BROKER_URL", "BROKER_URL", "CACHES", "SESSION_REDIS", "AWS_SECRET_ACCESS_KEY",
})


def readers_of(repo: Repo, setting: Setting) -> list[str]:
    """The files (outside tests and the setting's own file) whose code names the setting; empty for a
    setting the framework reads itself (FRAMEWORK_READ): then the serving application is its reader."""
    if setting.name in FRAMEWORK_READ:
        return []
    return sorted(repo.derived(_readers).get(setting.name, set()) - {setting.file})


def read_elsewhere(repo: Repo, setting: Setting) -> str:
    """"yes" when code reads the setting, "no" when nothing does (pydantic settings only: frameworks
    read Django/Flask settings themselves), else "not determined"."""
    if setting.kind == "env":
        return Message("yes")
    files = repo.derived(_readers).get(setting.name, set())
    if files - {setting.file}:
        return Message("yes")
    if repo.derived(_word_counts).get(setting.file, Counter())[setting.name] > 1:
        return Message("yes")
    return Message("no") if setting.kind == "pydantic" else Message("not determined")


def _word_counts(repo: Repo) -> dict[str, Counter[str]]:
    """Per settings file: how many times each identifier-like word occurs (one scan per file)."""
    files = {s.file for s in find_settings(repo)}
    return {f: Counter(_WORD.findall(repo.text(f) or "")) for f in sorted(files)}


_WORD = re.compile(r"\w+")


def is_flag(setting: Setting) -> bool:
    """A boolean switch: annotated `bool` or defaulting to True/False."""
    return setting.annotation in ("bool", "builtins.bool") or isinstance(setting.value, bool)


def unused_flags(repo: Repo) -> list[Setting]:
    """Boolean settings of a settings class that no code reads (declared switches that do nothing)."""
    return [s for s in find_settings(repo) if s.kind == "pydantic" and is_flag(s) and read_elsewhere(repo, s) == "no"]


def startup_guard(repo: Repo, setting: Setting) -> Evidence | None:
    """A `raise` that refuses the insecure value at startup, in the setting's own file or any file
    reading it: in a validator or at module level, in a block that mentions the setting and also its
    default value or the environment (production, ENV...). A request-time error that happens to use
    the setting (`raise HTTPException(401)` after `jwt.decode(token, settings.SECRET_KEY)`) is not one.
    Proof the default cannot reach production."""
    word = re.compile(rf"\b{re.escape(setting.name)}\b")
    value = setting.value if isinstance(setting.value, str) and setting.value else None
    files = sorted({setting.file} | repo.derived(_readers).get(setting.name, set()))
    index = repo.derived(function_index)
    for path in files:
        lines = repo.lines(path)
        for r in repo.python[path]["raises"]:
            if r["exc"].rsplit(".", 1)[-1] in _REQUEST_ERRORS:
                continue
            fn = index.get((path, r["func"])) if r["func"] else None
            start, end = (fn["line"], fn["end"]) if fn else (max(1, r["line"] - 6), r["line"])
            block = "\n".join(t for n, t in enumerate(lines[start - 1:end], start)
                              if (path, n) != (setting.file, setting.line))
            validator = fn is not None and any(d["name"].rsplit(".", 1)[-1].endswith(_VALIDATOR_SUFFIXES)
                                               for d in fn["decorators"])
            about_env = (value is not None and value in block) or _ENVIRONMENT_WORDS.search(block) is not None
            if word.search(block) and (validator or fn is None or about_env):
                return Evidence(path, r["line"])
    return None


_REQUEST_ERRORS = frozenset({"HTTPException", "abort", "Unauthorized", "Forbidden", "PermissionDenied",
                             "AuthenticationFailed", "NotAuthenticated", "HTTPUnauthorized", "ValidationError"})
_VALIDATOR_SUFFIXES = ("validator", "validates")
_ENVIRONMENT_WORDS = re.compile(r"production|\bprod\b|environment|\bENV\b|APP_ENV|is_prod|DEBUG", re.IGNORECASE)


def truthy(value: Any) -> bool:
    """True for True, 1 and the strings "true", "1", "yes", "on" (case-insensitive)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value == 1
    return isinstance(value, str) and value.strip().lower() in ("true", "1", "yes", "on")


_SHELL_NAMES = ("entrypoint", "docker-entrypoint", "start", "run", "boot")


def entrypoint_export(repo: Repo, setting: Setting) -> Evidence | None:
    """A container entrypoint or start script beside the settings file (same top folder, e.g.
    `docker/`) that always exports the setting's variable (`export SQLALCHEMY_DATABASE_URI="postgresql://..."`
    at the script's top level, not a `${X:-default}`): where that file is used, the environment
    fallback is never reached. Proof the default is not what that deployment runs."""
    if not setting.env:
        return None
    top = setting.file.split("/", 1)[0] + "/" if "/" in setting.file else ""
    line_re = re.compile(rf"^export\s+{re.escape(setting.env)}=(?!\"?\$\{{{re.escape(setting.env)}:?-)")
    for f in repo.files:
        name = f.path.rsplit("/", 1)[-1]
        if (top and not f.path.startswith(top)) or not (name.endswith((".sh", ".bash")) or name in _SHELL_NAMES):
            continue
        for n, text in enumerate(repo.lines(f.path), 1):
            if line_re.match(text):
                return Evidence(f.path, n)
    return None
