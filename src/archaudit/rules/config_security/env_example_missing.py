"""CFG010 env-example-missing."""

from __future__ import annotations

from collections.abc import Iterator

from archaudit.detect.config.section import find_env_files
from archaudit.findings import Axis, Hit, Message, Severity
from archaudit.repo import Repo
from archaudit.resolve.python_index import calls_written
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


def check(repo: Repo) -> Iterator[Hit]:
    """Looks for code loading a `.env` file (pydantic `env_file=`, `class Config: env_file`,
    `load_dotenv()`, django-environ `read_env()`) in a repository with no template env file
    (.env.example, .env.sample, .env.template, .env.dist...), nor a committed .env whose secrets are all
    placeholders (it is the template). Reports the first loading place."""
    if any(e.example or e.placeholders_only for e in find_env_files(repo)):
        return
    places = sorted(_env_loading(repo))
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
