"""Repository structure: folder roles and monorepo apps, from manifests, with evidence."""

from __future__ import annotations

from pathlib import Path

from archaudit.detect.structure import find_apps, section
from tests.conftest import repo_of, write_tree


def test_monorepo_apps_are_named_from_their_manifests(tmp_path: Path) -> None:
    repo = repo_of(write_tree(tmp_path, {
        "api/pyproject.toml": '[project]\nname = "api"\ndependencies = ["flask>=2"]\n',
        "api/src/pcapi/__init__.py": "",
        "pro/package.json": '{"dependencies": {"react": "^18.2.0", "vite": "^5"}}',
        "service/package.json": '{"dependencies": {"@nestjs/core": "^10"}}',
        "nginx/nginx.conf": "server {}\n",
        "infra/main.tf": "",
        "scripts/deploy.sh": "echo\n",
    }))
    assert [(a.folder, a.kind, a.manifest) for a in find_apps(repo)] == [
        ("api", "Python backend (Flask)", "api/pyproject.toml"),
        ("pro", "front end (React)", "pro/package.json"),
        ("service", "Node.js backend (NestJS)", "service/package.json"),
    ]
    s = section(repo)
    roles = {r["folder"]: r["role"] for r in s.tables[0].rows}
    assert roles == {"api/": "Python backend (Flask)", "infra/": "infrastructure",
                     "nginx/": "reverse-proxy configuration", "pro/": "front end (React)", "scripts/": "scripts",
                     "service/": "Node.js backend (NestJS)"}
    assert s.headline == "monorepo of 3 apps"
    assert s.facts[0].text.startswith("Monorepo with 3 apps: api: Python backend (Flask); pro: front end (React)")


def test_single_app_folders_are_its_source(tmp_path: Path) -> None:
    repo = repo_of(write_tree(tmp_path, {
        "requirements.txt": "fastapi==0.110\n", "app/main.py": "x = 1\n", "misc/notes.bin": "",
    }))
    roles = {r["folder"]: r["role"] for r in section(repo).tables[0].rows}
    assert roles == {".": "root files", "app/": "source code of the root app (Python backend (FastAPI))",
                     "misc/": "not determined"}


def test_no_manifest_is_said_not_determined(tmp_path: Path) -> None:
    s = section(repo_of(write_tree(tmp_path, {"x.py": "x = 1\n"})))
    assert s.undetermined == ("no manifest (pyproject.toml, requirements.txt, package.json) was found",)


def test_python_app_with_a_package_json_for_its_assets(tmp_path: Path) -> None:
    """A FastAPI project whose root package.json builds the Vue assets of its templates is a Python
    backend first (package.json sorts before pyproject.toml: the first manifest must not decide)."""
    repo = repo_of(write_tree(tmp_path, {
        "package.json": '{"dependencies": {"vue": "3.5.0"}, "devDependencies": {"prettier": "^3"}}',
        "pyproject.toml": '[project]\nname = "lnbits"\ndependencies = ["fastapi~=0.116"]\n',
        "lnbits/app.py": "x = 1\n", "tools/package.json": '{"devDependencies": {"prettier": "^3"}}',
    }))
    assert [(a.folder, a.kind, a.manifest) for a in find_apps(repo)] == [
        ("", "Python backend (FastAPI) + front end (Vue)", "pyproject.toml"),
        ("tools", "JavaScript/TypeScript package", "tools/package.json"),
    ]


def test_tooling_manifests_and_built_copies_are_not_apps(tmp_path: Path) -> None:
    repo = repo_of(write_tree(tmp_path, {
        "pyproject.toml": '[project]\nname = "bi"\ndependencies = ["flask>=2"]\n',
        "bi/app.py": "x = 1\n",
        "bi/translations/requirements.txt": "babel\n",
        "bi/translations/fr/messages.po": "",
        "bi/i18n/__init__.py": "",
        "src/manage.py": "import django\n",
        "bi/i18n/requirements.txt": "babel\n",
        "bi/static/assets/package.json": '{"dependencies": {"react": "^17"}}',
        "web/package.json": '{"dependencies": {"react": "^17"}}',
    }))
    assert [(a.folder, a.kind) for a in find_apps(repo)] == [
        ("", "Python backend (Flask)"), ("web", "front end (React)")]
    roles = {r["folder"]: r["role"] for r in section(repo).tables[0].rows}
    assert roles["bi/"] == "source code of the root app (Python backend (Flask))"
