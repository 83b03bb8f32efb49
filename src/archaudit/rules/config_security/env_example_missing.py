"""CFG010 env-example-missing."""

from __future__ import annotations

import re
from collections.abc import Iterator

from archaudit.detect.config.section import find_env_files
from archaudit.findings import Axis, Hit, Message, Severity
from archaudit.languages.typescript.facts import CallFact
from archaudit.repo import Repo
from archaudit.resolve.python_index import calls_written
from archaudit.resolve.typescript_backend import production_ts
from archaudit.resolve.typescript_index import package_name, ts_facts
from archaudit.rules.base import Rule

_LOADERS = ("load_dotenv", "read_env", "dotenv_values")


def _env_loading(repo: Repo) -> list[tuple[str, int, str]]:
    out: list[tuple[str, int, str]] = []
    for path, call, _ in calls_written(repo, "SettingsConfigDict", "ConfigDict", *_LOADERS):
        if repo.by_path[path].role == "test":
            continue
        name = call["name"].rsplit(".", 1)[-1]
        if name in ("SettingsConfigDict", "ConfigDict") and call["kwargs"].get("env_file"):
            out.append((path, call["line"], Message("The settings read an env file")))
        elif name in _LOADERS:
            out.append((path, call["line"], Message("{call} loads an env file", call=f"{call['name']}()".capitalize())))
    for path, facts in repo.python_items():
        if repo.by_path[path].role == "test":
            continue
        for cls in facts["classes"]:
            if cls["name"] == "Config":
                out += [(path, f["line"], Message("The settings read an env file")) for f in cls["fields"]
                        if f["name"] == "env_file" and f["value"]]
    return out


_TEMPLATE_NAME = re.compile(r"example|sample|template|dist", re.IGNORECASE)
_NODE_DOTENV = ("dotenv", "dotenv-flow", "dotenv-expand", "@dotenvx/dotenvx")


def _loads_template(call: CallFact) -> bool:
    """`process.loadEnvFile('.env.example')`, `dotenv.config({ path: '.env.sample' })`: a template by name."""
    first = call["args"][0] if call["args"] else None
    target = first.get("path") if isinstance(first, dict) else first
    return call["callee"].endswith(("loadEnvFile", "config")) and isinstance(target, str) \
        and bool(_TEMPLATE_NAME.search(target.rsplit("/", 1)[-1]))


def _ts_env_loading(repo: Repo) -> list[tuple[str, int, str]]:
    """Production TS/JS code loading a .env file: dotenv (import or require, `dotenv/config`),
    `process.loadEnvFile()`, or @nestjs/config `ConfigModule.forRoot()` (which reads .env unless given
    `ignoreEnvFile: true`)."""
    out: list[tuple[str, int, str]] = []
    facts = repo.derived(ts_facts)
    for path in production_ts(repo):
        f = facts[path]
        if any(_loads_template(c) for c in f["calls"]):
            continue  # the code loads the template itself (whether it is committed may be hidden by .gitignore)
        out += [(path, i["line"], Message("{call} loads an env file", call=i['module'])) for i in f["imports"]
                if not i["type_only"] and package_name(i["module"]) in _NODE_DOTENV]
        for call in f["calls"]:
            if call["callee"] == "process.loadEnvFile":
                out.append((path, call["line"], Message("{call} loads an env file", call="process.loadEnvFile()")))
            elif call["callee"] == "ConfigModule.forRoot":
                options = call["args"][0] if call["args"] else {}
                if not (isinstance(options, dict) and options.get("ignoreEnvFile") is True):
                    out.append((path, call["line"], Message("{call} reads an env file", call="ConfigModule.forRoot()")))
    return out


def check(repo: Repo) -> Iterator[Hit]:
    """Looks for code loading a `.env` file (pydantic `env_file=`, `class Config: env_file`,
    `load_dotenv()`, django-environ `read_env()`; in TS/JS production code dotenv, `process.loadEnvFile()`,
    @nestjs/config `ConfigModule.forRoot()` without `ignoreEnvFile`) in a repository with no template env file
    (.env.example, .env.sample, .env.template, .env.dist...), nor a committed .env whose secrets are all
    placeholders (it is the template). Reports the first loading place."""
    if any(e.example or e.placeholders_only for e in find_env_files(repo)):
        return
    places = sorted(_env_loading(repo)) or sorted(_ts_env_loading(repo))
    if places:
        path, line, what = places[0]
        yield Hit(path, line, Message("{what}, but the repository has no .env.example listing the variables.",
                                      what=what),
                  key="env-example")


RULE = Rule(
    id="CFG010",
    name="env-example-missing",
    axis=Axis.CONFIG_SECURITY,
    severity=Severity.LOW,
    title="The application reads a .env file but no template documents it",
    impact="Newcomers and deployers must read the code to find which variables exist and which are "
           "required; secrets tend to get shared as whole .env files.",
    action="Commit a `.env.example` listing every variable with a placeholder and a comment, and keep it in "
           "sync with the settings class.",
    check=check,
    languages=frozenset(),  # repository files, whatever the language
    example_bad='repo/  (no .env.example)\n  model_config = SettingsConfigDict(env_file=".env")',
    example_good="repo/\n  .env.example  # DATABASE_URL=postgresql://user:pass@localhost/app",
)
