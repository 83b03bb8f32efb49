"""Name a file's language and role from its path alone (cheap, deterministic, no content read)."""

from __future__ import annotations

import re

LANGUAGES = {
    ".py": "python", ".pyi": "python", ".ts": "typescript", ".tsx": "typescript", ".mts": "typescript",
    ".cts": "typescript", ".js": "javascript", ".jsx": "javascript", ".mjs": "javascript",
    ".cjs": "javascript", ".json": "json", ".yaml": "yaml", ".yml": "yaml", ".toml": "toml",
    ".cfg": "ini", ".ini": "ini", ".md": "markdown", ".rst": "rst", ".txt": "text", ".sh": "shell",
    ".bash": "shell", ".sql": "sql", ".html": "html", ".css": "css", ".scss": "css", ".conf": "conf",
    ".prisma": "prisma", ".env": "dotenv",
}
# source code of languages archaudit does not analyse: named in the coverage statement, never guessed about
UNANALYSED_CODE = {
    ".go": "Go", ".java": "Java", ".kt": "Kotlin", ".rb": "Ruby", ".php": "PHP", ".rs": "Rust", ".cs": "C#",
    ".ex": "Elixir", ".exs": "Elixir", ".scala": "Scala", ".swift": "Swift", ".vue": "Vue single-file component",
    ".svelte": "Svelte component", ".c": "C", ".cpp": "C++", ".dart": "Dart",
}
MANIFESTS = frozenset(
    {
        "pyproject.toml", "setup.py", "setup.cfg", "Pipfile", "Pipfile.lock", "poetry.lock", "uv.lock",
        "pdm.lock", "package.json", "package-lock.json", "yarn.lock", "pnpm-lock.yaml", "runtime.txt",
        ".python-version", "environment.yml", "tsconfig.json",
    }
)
DEPLOY_NAMES = frozenset(
    {"Procfile", "render.yaml", "app.yaml", "fly.toml", "vercel.json", "netlify.toml", "heroku.yml",
     "railway.json", "railway.toml", "Makefile", "justfile", "Justfile"}
)
_REQUIREMENTS = re.compile(r"(^|/)(requirements[^/]*\.(txt|in)|[^/]*requirements\.txt|constraints[^/]*\.txt)$")
_TEST = re.compile(r"(^|/)(tests?|testing|__tests__|e2e|cypress|spec)/|(^|/)(test_[^/]*|[^/]*_test)\.py$|"
                   r"\.(test|spec)\.[jt]sx?$|(^|/)conftest\.py$")
_MIGRATION = re.compile(r"(^|/)(migrations|alembic|versions)/|(^|/)migrations\.py$")  # + a module of m001_...()
_CI = re.compile(r"(^|/)\.github/workflows/[^/]+\.ya?ml$|(^|/)\.gitlab-ci\.yml$|(^|/)\.circleci/|"
                 r"(^|/)Jenkinsfile$|(^|/)azure-pipelines\.yml$|(^|/)bitbucket-pipelines\.yml$|"
                 r"(^|/)\.travis\.yml$")
_DOCKER = re.compile(r"(^|/)(Dockerfile[^/]*|[^/]*\.Dockerfile|docker-compose[^/]*\.ya?ml|"
                     r"compose[^/]*\.ya?ml|\.dockerignore)$")
_CONFIG = re.compile(r"(^|/)(\.env[^/]*|[^/]*\.env|alembic\.ini|pytest\.ini|tox\.ini|mypy\.ini|\.flake8|"
                     r"\.pre-commit-config\.yaml|\.editorconfig|\.gitignore|\.eslintrc[^/]*|"
                     r"\.prettierrc[^/]*|vite\.config\.[jt]s|nginx[^/]*\.conf)$")


def classify(path: str) -> tuple[str, str]:
    """Return (language, role) for a repository-relative posix path."""
    name = path.rsplit("/", 1)[-1]
    language = _language(name)
    return language, _role(path, name, language)


# env templates named without the leading dot: env-example-relational, env.sample, env_template
_ENV_TEMPLATE = re.compile(r"^env[._-](example|sample|template|dist)", re.IGNORECASE)


def _language(name: str) -> str:
    if name.startswith("Dockerfile") or name.endswith(".Dockerfile"):
        return "dockerfile"
    if name.startswith(".env") or _ENV_TEMPLATE.match(name):
        return "dotenv"
    dot = name.rfind(".")
    return LANGUAGES.get(name[dot:].lower(), "other") if dot > 0 else "other"


def _role(path: str, name: str, language: str) -> str:
    if _CI.search(path):
        return "ci"
    if name in MANIFESTS or _REQUIREMENTS.search(path):
        return "manifest"
    if _DOCKER.search(path) or name in DEPLOY_NAMES or path.startswith(("k8s/", "helm/", "deploy/", "infra/")):
        return "deploy"
    if _TEST.search(path):
        return "test"
    if language == "python" and _MIGRATION.search(path):
        return "migration"
    if _CONFIG.search(path):
        return "config"
    if language in ("markdown", "rst") or path.startswith("docs/"):
        return "doc"
    if language in ("python", "typescript", "javascript"):
        return "source"
    return "other"
