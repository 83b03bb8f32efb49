"""Which configuration a Flask application loads in production, and the value each key has there.

A Flask app's configuration is what its module or factory loads, in order: `app.config.from_object(X)`
(a class, a module, a dotted string, a factory parameter's default, `config[os.getenv(...)]` picking
from a dict of classes), then `app.config["KEY"] = ...` / `app.config.update(KEY=...)`. A class's
keys follow its bases (`ProductionConfig(Config)`: the subclass wins). From a dict of config classes
the entry keyed for production (`"production"`, `"prod"`) is production's; a development or test
class (`DevelopmentConfig`, `TestingConfig`) is never judged as production's, and a load inside a
development-guarded block does not apply.

What the facts cannot follow leaves production's configuration *not determined*: a file read at run
time (`from_pyfile`, `from_envvar`, `from_file`), keys from the environment (`from_prefixed_env`), a
mapping built in code (`config.update(some_dict)`), a `from_object` argument that does not resolve.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

from archaudit.detect.config.settings import Setting, find_settings
from archaudit.findings import Evidence, Message
from archaudit.languages.python.facts import ClassFact, expr_text, is_expr
from archaudit.repo import Repo
from archaudit.resolve.blocks import context_at
from archaudit.resolve.context import Context, context_of
from archaudit.resolve.python_index import modules_importing

_LOADS = (".config.from_object", ".config.from_pyfile", ".config.from_envvar", ".config.from_file",
          ".config.from_prefixed_env", ".config.update", ".config.from_mapping")
_EXTERNAL = (".config.from_pyfile", ".config.from_envvar", ".config.from_file", ".config.from_prefixed_env")
_PROD_KEYS = ("production", "prod", "live")
_NOT_PROD = re.compile(r"^(dev|develop|development|local|test|tests|testing|ci|example|sample|demo)", re.IGNORECASE)
_NAME = re.compile(r"^[A-Za-z_][\w.]*$")


@dataclass(frozen=True)
class Key:
    """One configuration key as production's configuration ends up with it."""

    name: str
    value: Any  # raw default (see detect/config/settings.py); an environment read's fallback when `env`
    file: str
    line: int
    env: str = ""
    has_default: bool = True
    conditional: bool = False  # set inside a block (an `if` in the factory): applies under a condition


@dataclass(frozen=True)
class FlaskConfig:
    """Production's configuration of one Flask application (the file constructing `Flask(...)`)."""

    app: str
    created: int = 0  # the line constructing the application
    values: dict[str, Key] = field(default_factory=dict)
    loaded: tuple[Evidence, ...] = ()  # the loads followed, and the classes/modules they name
    unknown: str = ""  # why production's configuration is not determined ("" when it is)


def flask_configs(repo: Repo) -> list[FlaskConfig]:
    """Production's configuration of each Flask application in production code (memoised)."""
    return repo.derived(_compute)


def _compute(repo: Repo) -> list[FlaskConfig]:
    if not repo.derived(modules_importing).get("flask"):
        return []
    # `class CTFdFlask(Flask)`: constructing the subclass makes a Flask application too
    names = {"Flask", "flask.Flask"} | {c["name"] for _, facts in repo.python_items() for c in facts["classes"]
                                         if any(b in ("Flask", "flask.Flask") for b in c["bases"])}
    out = []
    for path, facts in repo.python_items():
        if context_of(repo, path) is not Context.PRODUCTION:
            continue
        made = [c["line"] for c in facts["calls"]
                if c["name"] in names and context_at(repo, path, c["line"]) is Context.PRODUCTION]
        if made:
            out.append(replace(_resolve_app(repo, path), created=min(made)))
    return out


def _resolve_app(repo: Repo, path: str) -> FlaskConfig:
    facts = repo.python[path]
    events: list[tuple[int, str, Any]] = []
    for call in facts["calls"]:
        if call["name"].endswith(_LOADS) and context_at(repo, path, call["line"]) is Context.PRODUCTION:
            events.append((call["line"], "load", call))
    for s in repo.derived(_flask_items).get(path, []):
        if context_at(repo, path, s.line) is Context.PRODUCTION:
            events.append((s.line, "item", s))
    values: dict[str, Key] = {}
    loaded: list[Evidence] = []
    for line, kind, item in sorted(events, key=lambda e: e[0]):
        if kind == "item":
            values[item.name] = _key(item, _nested(repo, path, line))
            continue
        name = item["name"]
        if name.endswith(_EXTERNAL):
            return FlaskConfig(path, unknown=Message(
                "{place} {call}() reads configuration the repository does not hold (a file or the environment at "
                "run time)", place=f"{path}:{line}", call=name.rsplit('.', 1)[-1]))
        if name.endswith((".config.update", ".config.from_mapping")):
            if item["args"]:
                return FlaskConfig(path, unknown=Message("{place} {call}() with a mapping built in code",
                                                                 place=f"{path}:{line}",
                                                                 call=name.rsplit('.', 1)[-1]))
            continue  # keyword items are in _flask_items
        if not item["args"]:
            return FlaskConfig(path, unknown=Message("{place} from_object() with no argument the audit can read",
                                                             place=f"{path}:{line}"))
        target = _target(repo, path, item["func"], item["args"][0], 0)
        if isinstance(target, str):
            return FlaskConfig(path, unknown=Message("{place} from_object({argument}): {why}", place=f"{path}:{line}",
                                                             argument=_show(item['args'][0]), why=target))
        if target is None:
            continue  # a development or test class: not production's
        keys, where, why = target
        if why:
            return FlaskConfig(path, unknown=Message("{place} from_object({argument}): {why}", place=f"{path}:{line}",
                                                             argument=_show(item['args'][0]), why=why))
        nested = _nested(repo, path, line)
        values.update({k: Key(v.name, v.value, v.file, v.line, v.env, v.has_default, v.conditional or nested)
                       for k, v in keys.items()})
        loaded += [Evidence(path, line), where]
    return FlaskConfig(path, values=values, loaded=tuple(loaded))


def _show(arg: Any) -> str:
    return expr_text(arg) if is_expr(arg) else repr(arg)


def _nested(repo: Repo, path: str, line: int) -> bool:
    """The statement is inside a conditional block of its function or module (not its plain body)."""
    lines = repo.lines(path)
    if not 0 < line <= len(lines):
        return False
    own = len(lines[line - 1]) - len(lines[line - 1].lstrip())
    for raw in reversed(lines[: line - 1]):
        stripped = raw.strip()
        if stripped and not stripped.startswith(("#", ")", "]", "}")) and len(raw) - len(raw.lstrip()) < own:
            return stripped.startswith(("if ", "elif ", "else", "try", "except", "for ", "while ", "with "))
    return False


def _key(s: Setting, conditional: bool) -> Key:
    return Key(s.name, s.value, s.file, s.line, s.env, s.has_default, conditional)


def _flask_items(repo: Repo) -> dict[str, list[Setting]]:
    """`app.config["KEY"] = ...` and `app.config.update(KEY=...)` settings by file."""
    out: dict[str, list[Setting]] = {}
    for s in find_settings(repo):
        if s.kind == "flask":
            out.setdefault(s.file, []).append(s)
    return out


Target = tuple[dict[str, Key], Evidence, str] | str | None


def _target(repo: Repo, path: str, func: str, arg: Any, depth: int) -> Target:
    """What a from_object argument names: (keys, where defined, "" or why unknown), a reason string
    when it does not resolve, or None for a development/test class."""
    if depth > 4:
        return Message("the argument is passed through too many names")
    if isinstance(arg, str):
        return _dotted(repo, arg)
    text = expr_text(arg) if is_expr(arg) else ""
    if text.endswith("[]") and _NAME.match(text[:-2]):
        return _from_dict(repo, path, text[:-2])
    if text == "__name__":
        return _module_keys(repo, path)
    if not _NAME.match(text):
        return Message("an expression the audit does not evaluate")
    default = _param_default(repo, path, func, text)
    if default is not None:
        return _target(repo, path, func, default, depth + 1)
    found = _find_name(repo, path, text)
    if found is None:
        return Message("{name} is not a class or module of the repository the audit can read", name=text)
    file, cls = found
    if cls is None:
        return _module_keys(repo, file)
    return _class_target(repo, file, cls)


def _class_target(repo: Repo, file: str, cls: ClassFact) -> Target:
    if _NOT_PROD.match(cls["name"]):
        return None
    keys, why = _class_keys(repo, file, cls, 0)
    return keys, Evidence(file, cls["line"], f"class {cls['name']}"), why


def _param_default(repo: Repo, path: str, func: str, name: str) -> Any:
    for fn in repo.python[path]["functions"]:
        if fn["qualname"] == func and name in fn["defaults"]:
            return fn["defaults"][name]
    return None


def _dotted(repo: Repo, dotted: str) -> Target:
    file = repo.modules.get(dotted) or repo.module_aliases.get(dotted)
    if file:
        return _module_keys(repo, file)
    mod, _, cls_name = dotted.rpartition(".")
    file = repo.modules.get(mod) or repo.module_aliases.get(mod)
    cls = _class_in(repo, file, cls_name) if file else None
    if file is None or cls is None:
        return Message("{name} is not a class or module of the repository the audit can read", name=dotted)
    return _class_target(repo, file, cls)


def _class_in(repo: Repo, file: str, name: str) -> ClassFact | None:
    return next((c for c in repo.python[file]["classes"] if c["name"] == name), None) if file in repo.python else None


def _find_name(repo: Repo, path: str, name: str) -> tuple[str, ClassFact | None] | None:
    """The (file, class) a name in `path` refers to, or (file, None) for an imported module."""
    head, _, rest = name.partition(".")
    if not rest:
        cls = _class_in(repo, path, name)
        if cls:
            return path, cls
    for imp in repo.python[path]["imports"]:
        for entry in imp["names"]:
            local = entry.split(" as ")[-1].strip()
            if local != head:
                continue
            base = repo.resolve_import(path, imp["module"], imp["level"])
            original = entry.split(" as ")[0].strip()
            as_module = repo.modules.get(f"{base}.{original}" if base else original)
            if as_module:
                return _find_name_in_module(repo, as_module, rest)
            file = repo.modules.get(base) or repo.module_aliases.get(base)
            cls = _class_in(repo, file, original) if file else None
            if file and cls and not rest:
                return file, cls
    return None


def _find_name_in_module(repo: Repo, file: str, rest: str) -> tuple[str, ClassFact | None] | None:
    if not rest:
        return file, None
    cls = _class_in(repo, file, rest)
    return (file, cls) if cls else None


def _from_dict(repo: Repo, path: str, name: str) -> Target:
    """`config[os.getenv("FLASK_CONFIG")]`: the dict's entry keyed for production."""
    where = [(path, a) for a in repo.python[path]["assigns"] if a["target"] == name and not a["func"]]
    if not where:
        found = _find_imported_value(repo, path, name)
        where = found or []
    for file, a in where:
        if not isinstance(a["value"], dict):
            continue
        for key in _PROD_KEYS:
            entry = a["value"].get(key)
            text = expr_text(entry) if is_expr(entry) else ""
            if text and _NAME.match(text):
                found_cls = _find_name(repo, file, text)
                if found_cls and found_cls[1] is not None:
                    return _class_target(repo, found_cls[0], found_cls[1])
        return Message("the dict {name} ({place}) has no entry keyed for production", name=name,
                       place=f"{file}:{a['line']}")
    return Message("{name} is not a dict of config classes the audit read", name=name)


def _find_imported_value(repo: Repo, path: str, name: str) -> list[tuple[str, Any]] | None:
    for imp in repo.python[path]["imports"]:
        for entry in imp["names"]:
            if entry.split(" as ")[-1].strip() == name:
                base = repo.resolve_import(path, imp["module"], imp["level"])
                file = repo.modules.get(base) or repo.module_aliases.get(base)
                original = entry.split(" as ")[0].strip()
                if file:
                    return [(file, a) for a in repo.python[file]["assigns"]
                            if a["target"] == original and not a["func"]]
    return None


def _settings_at(repo: Repo) -> dict[tuple[str, int, str], Setting]:
    return {(s.file, s.line, s.name): s for s in find_settings(repo)}


def _class_keys(repo: Repo, file: str, cls: ClassFact, depth: int) -> tuple[dict[str, Key], str]:
    """A config class's keys after its bases (a base's keys first, the class's own win)."""
    keys: dict[str, Key] = {}
    for base in cls["bases"]:
        if base == "object" or depth > 6:
            continue
        found = _find_name(repo, file, base)
        if found is None or found[1] is None:
            return {}, Message("class {name} derives from {base}, which is not a class of the repository",
                               name=cls['name'], base=base)
        inner, why = _class_keys(repo, found[0], found[1], depth + 1)
        if why:
            return {}, why
        keys.update(inner)
    known = repo.derived(_settings_at)
    for f in cls["fields"]:
        if f["name"].isupper():
            s = known.get((file, f["line"], f["name"]))
            keys[f["name"]] = _key(s, False) if s else Key(f["name"], f["value"], file, f["line"])
    return keys, ""


def _module_keys(repo: Repo, file: str) -> Target:
    """A configuration module's module-level UPPER_CASE names."""
    facts = repo.python.get(file)
    if facts is None:
        return Message("{path} was not parsed", path=file)
    known = repo.derived(_settings_at)
    keys: dict[str, Key] = {}
    for a in facts["assigns"]:
        if not a["func"] and not a["cls"] and a["target"].isupper() and "." not in a["target"]:
            s = known.get((file, a["line"], a["target"]))
            keys[a["target"]] = _key(s, not _top(repo, file, a["line"])) if s else \
                Key(a["target"], a["value"], file, a["line"], conditional=not _top(repo, file, a["line"]))
    stars = [i for i in facts["imports"] if i["names"] == ["*"]]
    why = (Message("{place} star-imports {module}", place=f"{file}:{stars[0]['line']}", module=stars[0]['module'])
           if stars else "")
    return keys, Evidence(file, 0, "configuration module"), why


def _top(repo: Repo, path: str, line: int) -> bool:
    lines = repo.lines(path)
    return 0 < line <= len(lines) and lines[line - 1][:1] not in (" ", "\t")


def mentioned_elsewhere(repo: Repo, name: str, config: FlaskConfig) -> Evidence | None:
    """A line outside tests and development files naming the key (quoted or as an identifier)
    that is not one of the places production's configuration was read from: something the audit
    does not follow may set it (an extension's init_app, an env file, a compose file)."""
    pattern = re.compile(rf"{re.escape(name)}\b")  # FLASK_MAX_CONTENT_LENGTH (from_prefixed_env) too
    own = {(k.file, k.line) for k in config.values.values()} | repo.derived(_non_production_fields)
    for f in repo.files:
        if f.role == "test" or context_of(repo, f.path) is not Context.PRODUCTION:
            continue
        text = repo.text(f.path) or ""
        if name not in text:
            continue
        for n, raw in enumerate(text.splitlines(), 1):
            if pattern.search(raw) and (f.path, n) not in own:
                return Evidence(f.path, n)
    return None


def _non_production_fields(repo: Repo) -> set[tuple[str, int]]:
    """Lines of the keys of development and test config classes (`DevelopmentConfig.DEBUG = True`)."""
    return {(path, f["line"]) for path, facts in repo.python_items() for c in facts["classes"]
            if _NOT_PROD.match(c["name"]) for f in c["fields"]}
