"""Configuration rules judged on what a deployment really runs: CFG004 (database default)."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import report_of, write_tree

_CONF = "import os\n\nSQLALCHEMY_DATABASE_URI = os.environ.get('SQLALCHEMY_DATABASE_URI', '{url}')\n"


def _hits(root: Path, rule: str) -> list[str]:
    return [f.evidence[0].ref for f in report_of(root).findings if f.rule == rule]


def _flask(root: Path, url: str, extra: dict[str, str] | None = None) -> Path:
    return write_tree(root, {"requirements.txt": "flask==3.0.0\n", "app/__init__.py": "from flask import Flask\n",
                             "app/config.py": _CONF.format(url=url), **(extra or {})})


def test_cfg004_sqlite_on_an_absolute_data_path_is_a_chosen_deployment(tmp_path: Path) -> None:
    _flask(tmp_path, "sqlite:////data/powerdns-admin.db")
    assert _hits(tmp_path, "CFG004") == []


def test_cfg004_a_relative_sqlite_file_or_a_well_known_password_is_reported(tmp_path: Path) -> None:
    _flask(tmp_path / "rel", "sqlite:///./dev.db")
    assert _hits(tmp_path / "rel", "CFG004") == ["app/config.py:3"]
    _flask(tmp_path / "pw", "postgresql://lemur:lemur@localhost:5432/lemur")
    assert _hits(tmp_path / "pw", "CFG004") == ["app/config.py:3"]


def test_cfg004_a_fallback_the_entrypoint_beside_it_always_overrides_is_not_reached(tmp_path: Path) -> None:
    conf = {"docker/src/app.conf.py": _CONF.format(url="postgresql://lemur:lemur@localhost:5432/lemur")}
    always = "#!/bin/bash\nexport SQLALCHEMY_DATABASE_URI=\"postgresql://$U:$P@$H/$D\"\nexec gunicorn app:app\n"
    _flask(tmp_path / "always", "sqlite:////data/x.db", {**conf, "docker/entrypoint": always})
    assert _hits(tmp_path / "always", "CFG004") == []
    # an export that keeps the variable's own value, else the default, does not override it
    keeps = "#!/bin/bash\nexport SQLALCHEMY_DATABASE_URI=\"${SQLALCHEMY_DATABASE_URI:-x}\"\n"
    _flask(tmp_path / "keeps", "sqlite:////data/x.db", {**conf, "docker/entrypoint": keeps})
    assert _hits(tmp_path / "keeps", "CFG004") == ["docker/src/app.conf.py:3"]


_SETTINGS = ("from pydantic_settings import BaseSettings, SettingsConfigDict\n\n\nclass Settings(BaseSettings):\n"
             "    model_config = SettingsConfigDict(env_file='.env')\n    SECRET_KEY: str\n")


def test_cfg010_a_committed_env_of_placeholders_is_the_template(tmp_path: Path) -> None:
    base = {"requirements.txt": "fastapi==0.110.0\npydantic-settings==2.0\n", "app/__init__.py": "",
            "app/config.py": _SETTINGS}
    write_tree(tmp_path / "template", {**base, ".env": "DOMAIN=localhost\nSECRET_KEY=changethis\nSMTP_PASSWORD=\n"})
    assert _hits(tmp_path / "template", "CFG010") == []
    write_tree(tmp_path / "real", {**base, ".env": "DOMAIN=localhost\nSECRET_KEY=s3cr3t-Value-91\n"})
    assert _hits(tmp_path / "real", "CFG010") == ["app/config.py:5"]
    write_tree(tmp_path / "none", base)
    assert _hits(tmp_path / "none", "CFG010") == ["app/config.py:5"]


def test_cfg008_api_docs_given_publication_metadata_are_published_on_purpose(tmp_path: Path) -> None:
    published = ("from fastapi import FastAPI\n\napp = FastAPI(title='Admin API', contact={'name': 'Fief'}, "
                 "license_info={'name': 'ELv2'})\n")
    write_tree(tmp_path / "pub", {"requirements.txt": "fastapi==0.110.0\n", "app/__init__.py": "",
                                  "app/main.py": published})
    assert _hits(tmp_path / "pub", "CFG008") == []
    write_tree(tmp_path / "default", {"requirements.txt": "fastapi==0.110.0\n", "app/__init__.py": "",
                                      "app/main.py": "from fastapi import FastAPI\n\napp = FastAPI(title='API')\n"})
    assert _hits(tmp_path / "default", "CFG008") == ["app/main.py:3"]
