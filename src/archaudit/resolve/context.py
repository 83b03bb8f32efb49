"""The execution context of every file: does this code serve production, or is it a test, a
one-shot script, a migration, dev tooling, documentation, a template or sample data?

Decided here once, from the path, the file's role and a few content facts, so that no rule judges
test code or a starter template as production serving code. Each rule declares the contexts it
applies to (`Rule.contexts`); the engine drops a hit whose evidence sits in another context.

Contexts are conservative in one direction only: a file is taken out of production when its path
or content says so plainly; anything else is production.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Any

from archaudit.repo import Repo
from archaudit.scan.classify import classify


class Context(StrEnum):
    PRODUCTION = "production"  # serving code and its configuration, manifests, CI, deployment
    TEST = "test"  # tests, test settings, fixtures and factories
    SCRIPT = "script"  # one-shot scripts, management commands, task files, build helpers
    MIGRATION = "migration"  # schema/data migrations, Alembic env.py
    DEV = "dev"  # development-only settings, compose overrides, dev containers, local tooling
    DOCS = "docs"  # documentation, examples, demos, tutorials
    TEMPLATE = "template"  # scaffolding templates (cookiecutter, *.example, *.template)
    SAMPLE = "sample"  # sample, seed and fixture data
    GENERATED = "generated"  # generated or vendored code, built assets


SERVING = frozenset({Context.PRODUCTION})
ALL = frozenset(Context)
WITH_MIGRATIONS = frozenset({Context.PRODUCTION, Context.MIGRATION})

_TEST_SETTINGS = re.compile(r"/(settings|config|conf)[_/.-]?(test|tests|testing|ci)\.py$|"
                            r"/(test|testing)_?settings\.py$|/settings/(test|tests|testing|ci)\.py$")
# beyond what scan.classify already names a test (tests/, test_*.py, *.spec.ts, conftest.py...)
_TEST_DIRS = re.compile(r"/(__mocks__|specs|test_utils|testutils|factories|test-data|test_data|testdata)/|"
                        r"/factories\.py$|/[^/]*_tests\.py$|\.e2e-spec\.[cm]?[jt]sx?$|"
                        r"/jest[^/]*\.config\.[cm]?[jt]s$|/tox\.ini$|/noxfile\.py$")
_SCRIPT = re.compile(r"/(scripts?|bin|tools|utils/scripts|management/commands|cli)/|"
                     r"/(manage|fabfile|noxfile|cli)\.py$|"
                     r"/hooks/(pre|post)_(gen_project|prompt)\.py$")  # cookiecutter hooks, run once at generation
_MIGRATION = re.compile(r"/(migrations|alembic|versions|migration|seeders?)/|/migrations?\.py$|"
                        r"/alembic/env\.py$")
_DEV = re.compile(r"/(settings|config|conf)[_/.-]?(local|dev|develop|development)\.py$|"
                  r"/(local|dev|development)_?settings\.py$|/settings/(local|dev|develop|development)\.py$|"
                  r"/docker-compose[^/]*\.(override|dev|development|local|test|ci)\.ya?ml$|"
                  r"/docker-compose[._-](dev|development|local|test|ci)[^/]*\.ya?ml$|"
                  r"/compose[._-](dev|development|local|override)[^/]*\.ya?ml$|"
                  r"/\.devcontainer/|/\.vscode/|/\.idea/|/Dockerfile[._-]?(dev|development|local)$|"
                  r"/\.env\.(dev|development|local|test|testing)$|/(dev|local)\.env$|"
                  r"/(gulpfile|gruntfile|webpack[^/]*|rollup\.config|vite\.config|babel\.config|"
                  r"eslint\.config|prettier\.config|vitest\.config)\.[cm]?[jt]s$")
# `apps/typeorm-sample/`: a hyphenated folder cannot be a Python package, so `styleguide_example/` stays the project
_DOCS = re.compile(r"/[\w.-]+-(samples?|examples?|demos?)/|"
                   r"/(docs?|documentation|examples?|demos?|tutorials?|samples?|sandbox|playground|"
                   r"mkdocs|sphinx)/|\.(md|rst|mdx|adoc|ipynb)$")
_TEMPLATE = re.compile(r"\{\{|\{%|/(project_template|app_template|templates/project|"
                       r"boilerplate|skeleton|scaffold)/|\.(example|sample|template|tpl|dist|j2|jinja2?)$|"
                       r"/[^/]*\.(example|sample|template)\.[^/]+$|/example\.env$")
_SAMPLE = re.compile(r"/(fixtures|seeds?|seed_data|sample_data|sample-data|mock_data|"
                     r"dummy|fake_data|initial_data)/|/(seed|seeds|initial_data|sample_data)\.[a-z]+$")
_GENERATED = re.compile(r"/(vendor|vendored|third_party|thirdparty|node_modules|bower_components|"
                        r"generated|__generated__|gen|dist|build|static/dist|public/build|\.next|out)/|"
                        r"_pb2(_grpc)?\.py$|\.generated\.[jt]s$|\.min\.[jc]ss?$|\.d\.ts$")


def context_of(repo: Repo, path: str) -> Context:
    """The context of one file (memoised per audit)."""
    table = repo.derived(file_contexts)
    return table.get(path) or _classify(path, classify(path)[1])


def file_contexts(repo: Repo) -> dict[str, Context]:
    """Every file's context, computed once per audit."""
    template_repo = repo.has("cookiecutter.json") or repo.has("copier.yml") or repo.has("copier.yaml")
    out: dict[str, Context] = {}
    for f in repo.files:
        ctx = _classify(f.path, f.role)
        if ctx is Context.PRODUCTION and template_repo and "{{" in f.path:
            ctx = Context.TEMPLATE
        out[f.path] = ctx
    for path in _command_line_scripts(repo, [p for p, c in out.items() if c is Context.PRODUCTION]):
        out[path] = Context.SCRIPT
    for path in [p for p, c in out.items() if c is Context.PRODUCTION and _COMPOSE.search(p)]:
        if development_compose(repo, path):
            out[path] = Context.DEV
    return out


def fact_block_context(repo: Repo, path: str, line: int) -> Context | None:
    """The context of the innermost block the Python facts mark around `line` (`if __name__ ==
    "__main__":`, `if DEBUG:`, the rest of a function after `if not DEBUG: return`, `if "test" in
    sys.argv:`, a function that asks `input()`; see `context_blocks`), None when there is none.
    `resolve.blocks.context_at` is the one entry point rules and the engine use."""
    facts = repo.python.get(path)
    inner = [b for b in facts.get("context_blocks", []) if b[1] <= line <= b[2]] if facts else []
    if not inner:
        return None
    return Context(min(inner, key=lambda b: b[2] - b[1])[0])


_COMPOSE = re.compile(r"(^|/)(docker-)?compose[^/]*\.ya?ml$")
_DEV_COMMAND = re.compile(r"--reload\b|\brunserver\b|\bnodemon\b|\b(npm|yarn|pnpm)\s+(run\s+)?(dev|start:dev)\b|"
                          r"\bflask\s+run\b.*--debug|\bwatchmedo\b|(^|[/\s])[\w.-]*[.-]dev\.sh\b")
_DEV_VALUE = re.compile(r"^(dev|develop|development|local)$", re.IGNORECASE)
_ENV_NAMES = frozenset({"ENV", "ENVIRONMENT", "APP_ENV", "NODE_ENV", "FLASK_ENV", "DJANGO_ENV", "STAGE",
                        "APP_ENVIRONMENT"})
_DEV_SETTINGS = re.compile(r"\.(dev|local|development|develop)$")
_DEV_DOCKERFILE = re.compile(r"(^|[/.-])(dev|local|development)([/.-]|$)", re.IGNORECASE)
# local mail catchers swallow every e-mail: a compose file running one is a developer's stack, not a
# deployment (database admin UIs are not a signal: some production stacks deploy adminer)
_DEV_TOOLS = re.compile(r"(^|[/:])(maildev|mailhog|mailpit|mailcatcher|smtp4dev)([:.]|$)", re.IGNORECASE)


def _environment(svc: dict[str, Any]) -> dict[str, str]:
    env = svc.get("environment")
    if isinstance(env, dict):
        return {str(k): str(v) for k, v in env.items()}
    if isinstance(env, list):
        return dict(str(e).partition("=")[::2] for e in env if isinstance(e, str))
    return {}


def _dev_service(name: str, svc: dict[str, Any]) -> str:
    """Why one compose service is a development set-up ("" when nothing says so)."""
    raw_build = svc.get("build")
    build: dict[str, Any] = raw_build if isinstance(raw_build, dict) else {}
    command = " ".join(str(svc.get(k) or "") for k in ("command", "entrypoint"))
    if _DEV_COMMAND.search(command):
        return f"service {name} runs a development server or script ({command.strip()[:60]})"
    env = _environment(svc)
    args = build.get("args")
    env.update(_environment({"environment": args}))
    for key, value in env.items():
        if (key in _ENV_NAMES and _DEV_VALUE.match(value.strip())) or \
                (key == "DJANGO_SETTINGS_MODULE" and _DEV_SETTINGS.search(value.strip())):
            return f"service {name} sets {key}={value.strip()}"
    dockerfile = str(build.get("dockerfile") or "")
    if _DEV_DOCKERFILE.search(dockerfile.rsplit("/", 1)[-1]):
        return f"service {name} builds {dockerfile}"
    if _DEV_TOOLS.search(str(svc.get("image") or "")) or _DEV_TOOLS.search(dockerfile.rsplit("/", 1)[-1]) \
            or _DEV_TOOLS.search(name):
        return f"service {name} is a local mail catcher"
    return ""


def development_compose(repo: Repo, path: str) -> str:
    """Why a compose file whose name does not say so is a developer's local stack, "" when nothing
    does: a service running a reloading server (`--reload`, `runserver`, nodemon, `npm run dev`),
    setting a development environment (`ENVIRONMENT=dev`, `DJANGO_SETTINGS_MODULE=...settings.dev`),
    building a dev/local Dockerfile, or a local mail catcher (maildev, mailhog, mailpit...)."""
    data = repo.yaml(path)
    services = data.get("services") if isinstance(data, dict) else None
    if not isinstance(services, dict):
        return ""
    for name, svc in services.items():
        if isinstance(svc, dict):
            why = _dev_service(str(name), svc)
            if why:
                return why
    return ""


_CLI_MODULES = ("argparse", "optparse", "getopt", "click", "typer")
_TASK_RUNNERS = ("invoke", "fabric", "doit")  # a tasks.py of `@task` functions is a task runner, run by hand
_RUN_LINE = re.compile(r"\bpython[0-9.]*\s+(?:-[a-zA-Z]+\s+)*\.?/?([\w./-]+\.py)\b")
_SERVES = re.compile(r"(^|\.)(run|run_app|serve|serve_forever|listen)$")
_NOT_SERVING = ("subprocess.", "asyncio.", "anyio.", "trio.")


def _is_task_file(repo: Repo, path: str) -> bool:
    """A task-runner module (invoke/fabric/doit `@task` functions): operator commands by design."""
    facts = repo.python.get(path)
    if facts is None:
        return False
    return any(i["module"].split(".")[0] in _TASK_RUNNERS and not i["level"]
               for i in facts["imports"]) and "task" in facts["names"]


def _is_command_line(repo: Repo, path: str) -> bool:
    """An argument parser under `if __name__ == "__main__":` or run at import time (`args =
    parser.parse_args()` at module level: importing such a module would read sys.argv), or `sys.argv`
    read by a module that defines nothing (a root `export.py`)."""
    facts = repo.python.get(path)
    if not facts:
        return False
    tops = {i["module"].split(".")[0] for i in facts["imports"] if not i["level"]}
    parses_at_import = any(not c["func"] and c["name"].endswith(".parse_args") for c in facts["calls"])
    if (facts["main_block"] or parses_at_import) and tops & set(_CLI_MODULES):
        return True
    return "argv" in facts["names"] and "sys" in tops and not facts["functions"] and not facts["classes"]


def _run_by_commands(repo: Repo) -> set[str]:
    """Python files a shell script, Dockerfile, Procfile or Makefile runs as `python x.py`
    (`python ping.py` in docker-entrypoint.sh, `RUN python version.py`), resolved from the
    repository root or the running file's folder."""
    out: set[str] = set()
    for f in repo.files:
        name = f.path.rsplit("/", 1)[-1]
        if not (name.endswith((".sh", ".bash")) or name.startswith(("Dockerfile", "Procfile", "Makefile"))
                or name.endswith(".dockerfile")):
            continue
        folder = f.path.rsplit("/", 1)[0] + "/" if "/" in f.path else ""
        for target in _RUN_LINE.findall(repo.text(f.path) or ""):
            target = target.lstrip("./")
            for candidate in (target, folder + target):
                if candidate in repo.python:
                    out.add(candidate)
    return out


def _serves(repo: Repo, path: str) -> bool:
    """Starts a server itself (`app.run()`, `uvicorn.run(...)`, `web.run_app(app)`): an entry
    point of the service, not a one-shot script, however it is launched."""
    return any(_SERVES.search(c["name"]) and not c["name"].startswith(_NOT_SERVING)
               for c in repo.python[path]["calls"])


def _command_line_scripts(repo: Repo, candidates: list[str]) -> list[str]:
    """Python modules run from the command line that no other module imports: `import.py`,
    `ping.py`, `serve.py` at a project root (see `_is_command_line`), and files a shell script or
    Dockerfile runs with `python x.py` without starting a server."""
    run = _run_by_commands(repo)
    tasks = [p for p in candidates if _is_task_file(repo, p)]  # run by their runner, imported or not
    scripts = [p for p in candidates if p in repo.python and p not in tasks
               and (_is_command_line(repo, p) or (p in run and not _serves(repo, p)))]
    if not scripts:
        return tasks
    imported: set[str] = set()
    for path, facts in repo.python_items():
        for imp in facts["imports"]:
            module = repo.resolve_import(path, imp["module"], imp["level"])
            for name in [module, *(f"{module}.{n.split(' as ')[0]}" for n in imp["names"])]:
                target = repo.internal_path(name)
                if target and target != path:
                    imported.add(target)
    return tasks + [p for p in scripts if p not in imported]


def _classify(path: str, role: str) -> Context:
    """Order matters: the most specific signal wins (a test settings module is a test, a template
    inside docs is docs)."""
    low = "/" + path.lower()  # a folder or file name is preceded by "/", at the start too
    if role in ("ci", "manifest"):
        return Context.PRODUCTION  # what CI runs and what the project declares, whatever the folder
    if _GENERATED.search(low):
        return Context.GENERATED
    if role == "test" or _TEST_SETTINGS.search(low) or _TEST_DIRS.search(low):
        return Context.TEST
    if _TEMPLATE.search(low):
        return Context.TEMPLATE
    if _DOCS.search(low):
        return Context.DOCS
    if role == "migration" or _MIGRATION.search(low):
        return Context.MIGRATION
    if _DEV.search(low):
        return Context.DEV
    if _SAMPLE.search(low):
        return Context.SAMPLE
    if _SCRIPT.search(low):
        return Context.SCRIPT
    return Context.PRODUCTION
