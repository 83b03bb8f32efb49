"""Configuration of TypeScript/JavaScript backends: `process.env` reads (with their `||` / `??` or
destructuring defaults) and how configuration is loaded and validated (@nestjs/config
`ConfigModule.forRoot` and `registerAs` namespaces, envalid `cleanEnv`, a zod or Joi schema parsing
`process.env`, dotenv). Read from the extractor's facts of serving files; tests and scripts excluded.
"""

from __future__ import annotations

from archaudit.detect.config.settings import Setting
from archaudit.findings import Evidence, Message
from archaudit.languages.typescript.facts import expr_text
from archaudit.model import Fact
from archaudit.redact import is_secret_name
from archaudit.repo import Repo
from archaudit.resolve.context import Context, context_of
from archaudit.resolve.typescript_index import is_ts_test, ts_facts


def _serving(repo: Repo, path: str) -> bool:
    return not is_ts_test(path) and context_of(repo, path) is Context.PRODUCTION


def find_ts_env_settings(repo: Repo) -> list[Setting]:
    """One setting per environment variable read in serving code: its first read with a default, else
    its first read (memoise with repo.derived)."""
    first: dict[str, Setting] = {}
    for path, facts in repo.derived(ts_facts).items():
        if not _serving(repo, path):
            continue
        for read in facts.get("env", ()):
            name = read["name"]
            known = first.get(name)
            if known is None or (read["has_default"] and not known.has_default):
                first[name] = Setting(name, read["default"], read["has_default"], "", "process.env", "env", path,
                                      read["line"], is_secret_name(name), env=name)
    return sorted(first.values(), key=lambda s: (s.name, s.file, s.line))


def _loader(callee: str, args: list[object]) -> str:
    """What a call says about loading configuration ("" when nothing)."""
    opts = args[0] if args and isinstance(args[0], dict) else {}
    if callee == "ConfigModule.forRoot":
        files = opts.get("envFilePath")
        validated = ("validationSchema" in opts and "schema") or ("validate" in opts and "function") or ""
        if isinstance(files, str | list):
            if validated == "schema":
                return Message("@nestjs/config ConfigModule.forRoot loads the environment from {files}; validated by a "
                               "Joi validationSchema", files=repr(files))
            if validated == "function":
                return Message("@nestjs/config ConfigModule.forRoot loads the environment from {files}; validated by a "
                               "validate function", files=repr(files))
            return Message("@nestjs/config ConfigModule.forRoot loads the environment from {files}", files=repr(files))
        if validated == "schema":
            return Message("@nestjs/config ConfigModule.forRoot loads the environment; validated by a Joi "
                           "validationSchema")
        if validated == "function":
            return Message("@nestjs/config ConfigModule.forRoot loads the environment; validated by a validate "
                           "function")
        return Message("@nestjs/config ConfigModule.forRoot loads the environment")
    if callee == "registerAs" and args and isinstance(args[0], str):
        return Message("@nestjs/config namespace '{name}' (registerAs)", name=args[0])
    if callee in ("cleanEnv", "envalid.cleanEnv"):
        return Message("the environment is validated with envalid (cleanEnv)")
    schema = callee.endswith((".parse", ".safeParse", ".validate", ".validateSync"))
    if (schema or "valid" in callee.lower()) and any(expr_text(a) == "process.env" for a in args):
        if schema:
            return Message("the environment is validated by a schema ({callee}(process.env))", callee=callee)
        return Message("the environment is validated by {callee}(process.env, ...)", callee=callee)
    if callee == "dotenv.config":
        return Message("configuration loaded with dotenv.config()")
    return ""


def ts_config_facts(repo: Repo) -> list[Fact]:
    """How TypeScript/JavaScript backends load and validate their configuration."""
    out = []
    for path, facts in repo.derived(ts_facts).items():
        if not _serving(repo, path):
            continue
        for imp in facts["imports"]:
            if imp["module"] == "dotenv/config":
                out.append(Fact(Message("configuration loaded with dotenv (import 'dotenv/config')"),
                                (Evidence(path, imp["line"]),)))
        for call in facts["calls"]:
            text = _loader(call["callee"], call["args"])
            if text:
                out.append(Fact(text, (Evidence(path, call["line"]),)))
    return out
