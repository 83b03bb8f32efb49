"""A repository with every secret form planted, audited into every output format: no planted value may
appear in any of them (nor on stderr). The audit must also have looked at the planted lines (findings
point there), so that a clean output means masked, not unseen.

Values are made up; token-shaped ones are split so that this file itself holds no token."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from archaudit.cli import FORMATS
from tests.conftest import write_tree

PLANTED = {
    "decouple default": "pl4nt-decouple-Q1",
    "getenv fallback": "pl4nt-getenv-Q2",
    "environ.get or": "pl4nt-environ-or-Q3",
    "flask tutorial": "you-will-never-guess",
    "app.config item": "pl4nt-appconfig-Q4",
    "pydantic default": "pl4nt-pydantic-Q5",
    "dotenv secret": "pl4nt-dotenv-Q6",
    "dotenv url password": "pl4nt-dburl-Q7",
    "yaml password": "pl4nt-yaml-Q8",
    "compose password": "pl4nt-compose-Q9",
    "compose list token": "pl4nt-composelist-Q10",
    "ts const": "pl4nt-tsconst-Q11",
    "ts env fallback": "pl4nt-tsenv-Q12",
    "js sign fallback": "pl4nt-jssign-Q13",
    "redis url password": "pl4nt-redis-Q14",
    "ini url password": "pl4nt-alembic-Q15",
    "toml password": "pl4nt-toml-Q16",
    "django settings": "pl4nt-django-Q17",
    "private key body": "MIIEpAIBAAKCAQEAv9pl4ntKeyBody0Zx4Lm9Qw2Rt5Yu8Io3Pa6Sd1Fg4Hj7Kl0",
    "aws key id": "AKI" "APL4NT7Q2X5R8T1W",
    "aws secret": "pl4nt+AwsSecret/0Zx4Lm9Qw2Rt5Yu8Io3Pa6Sd1Fg",
    "github token": "ghp" "_pl4nt0GithubToken0Zx4Lm9Qw2Rt5Yu8Io3",
}
P = PLANTED
PRIVATE_KEY = "-----BEGIN RSA PRIV" "ATE KEY-----\n" + P["private key body"] + "\nAbCdEfGh0123456789+/==\n" \
    "-----END RSA PRIVATE KEY-----\n"

FILES = {
    "README.md": "# planted\n\nRun `uvicorn app.main:app`.\n",
    "requirements.txt": "fastapi==0.110.0\nuvicorn==0.29.0\npydantic-settings==2.2.1\npython-decouple==3.8\n",
    "app/__init__.py": "from flask import Flask\n\napp = Flask(__name__)\n"
                       f'app.config["SECRET_KEY"] = "{P["app.config item"]}"\n',
    "app/main.py": "from fastapi import FastAPI\n\napp = FastAPI()\n\n\n@app.get('/health')\ndef health():\n"
                   "    return {'ok': True}\n",
    "app/settings.py": (
        "import os\n\nfrom decouple import config\n\n"
        f'X_SECRET = config("X_SECRET", default="{P["decouple default"]}")\n'
        f'SECRET_KEY = os.getenv("SECRET_KEY", "{P["getenv fallback"]}")\n'
        f'API_TOKEN = os.environ.get("API_TOKEN") or "{P["environ.get or"]}"\n'
        f'REDIS_URL = "redis://:{P["redis url password"]}@cache:6379/0"\n'
        f'AWS_ACCESS_KEY_ID = "{P["aws key id"]}"\n'
        f'AWS_SECRET_ACCESS_KEY = "{P["aws secret"]}"\n'
        f'GITHUB_TOKEN = "{P["github token"]}"\n'
    ),
    "config.py": (
        "import os\n\n\nclass Config:\n"
        f"    SECRET_KEY = os.environ.get('SECRET_KEY') or '{P['flask tutorial']}'\n"
    ),
    "app/core/config.py": (
        "from pydantic_settings import BaseSettings\n\n\nclass Settings(BaseSettings):\n"
        f'    JWT_SECRET_KEY: str = "{P["pydantic default"]}"\n    DEBUG: bool = False\n\n\n'
        "settings = Settings()\nSIGNING_KEY = settings.JWT_SECRET_KEY\n"  # used: CFG002 judges used settings only
    ),
    "project/settings.py": f"SECRET_KEY = '{P['django settings']}'\nDEBUG = False\n",
    ".env": f"JWT_SECRET={P['dotenv secret']}\nDATABASE_URL=postgres://app:{P['dotenv url password']}@db:5432/app\n",
    "config/settings.yaml": f"database:\n  host: db\n  password: {P['yaml password']}\n",
    "docker-compose.yml": (
        "services:\n  db:\n    image: postgres:16\n    environment:\n"
        f"      POSTGRES_PASSWORD: {P['compose password']}\n"
        f"  api:\n    build: .\n    environment:\n      - API_TOKEN={P['compose list token']}\n"
    ),
    "alembic.ini": "[alembic]\nscript_location = alembic\n"
                   f"sqlalchemy.url = postgresql://app:{P['ini url password']}@localhost/app\n",
    "pyproject.toml": f'[project]\nname = "planted"\n\n[tool.deploy]\npassword = "{P["toml password"]}"\n',
    "web/src/config.ts": (
        f'export const jwtSecret = "{P["ts const"]}";\n'
        f"export const secret = process.env.JWT_SECRET || '{P['ts env fallback']}';\n"
    ),
    "web/src/auth.js": (
        "const jwt = require('jsonwebtoken');\n\n"
        f"module.exports = (payload) => jwt.sign(payload, process.env.JWT_SECRET || '{P['js sign fallback']}');\n"
    ),
    "web/package.json": '{"name": "web", "dependencies": {"express": "^4.19.0", "jsonwebtoken": "^9.0.0"}}\n',
    "deploy/key.pem": PRIVATE_KEY,
}


def _audit(root: Path, out: Path, *flags: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "archaudit", "audit", str(root), "--no-cache", "--format", ",".join(FORMATS),
         "-o", str(out), "--force", *flags],
        capture_output=True, text=True, timeout=300, check=False)


def test_no_planted_secret_reaches_any_output(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "repo", FILES)
    outputs: dict[str, str] = {}
    for label, flags in (("default", ()), ("preview", ("--preview",))):
        done = _audit(root, tmp_path / label, *flags)
        assert done.returncode in (0, 1), done.stderr
        outputs[f"{label}/stdout+stderr"] = done.stdout + done.stderr
        for fmt, name in FORMATS.items():
            outputs[f"{label}/{fmt}"] = (tmp_path / label / name).read_text(encoding="utf-8")
    leaks = [(form, where) for form, value in PLANTED.items() for where, text in outputs.items()
             if value in text or value.replace("/", "\\/") in text]
    assert not leaks, leaks
    # the audit did look at the planted lines: findings point at them (masked, not unseen)
    report = json.loads(outputs["preview/json"])  # JSON lists every place (Markdown shows the first few)
    refs = {f"{e['path']}:{e['line']}" if e["line"] else e["path"] for f in report["findings"] for e in f["evidence"]}
    for ref in ("app/settings.py:5", "app/settings.py:11", "config.py:5", "app/core/config.py:5", ".env",
                "deploy/key.pem:1"):
        assert ref in refs or any(r.startswith(ref + ":") for r in refs), ref
    assert "<redacted>" in outputs["preview/json"] and "<redacted>" in outputs["preview/sarif"]
