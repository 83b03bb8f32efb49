"""Execution context below the file (issue 8, class 3): blocks the code itself confines to debug,
tests or a console, and files run as one-shot scripts by a shell script or Dockerfile. Each case
has its production look-alike that stays production."""

from __future__ import annotations

from pathlib import Path

from archaudit.resolve.blocks import context_at
from archaudit.resolve.context import Context, context_of
from tests.conftest import repo_of, write_tree

_MODULE = '''import sys
from django.conf import settings


def render(x):
    if settings.DEBUG:
        print("debug", x)
    print("always", x)
    if not settings.DEBUG or x is None:
        return x
    print("only when debugging", x)
    return x


def confirm():
    print("Run migrations?")
    return input("y/n") == "y"


def debug_task(self):
    print(self)


if "test" in sys.argv:
    print("use pytest")
elif ENV == "local":
    print("local")
else:
    print("production")
'''


def test_blocks_confined_by_the_code(tmp_path: Path) -> None:
    repo = repo_of(write_tree(tmp_path, {"app/__init__.py": "", "app/views.py": _MODULE}))
    at = {n: context_at(repo, "app/views.py", n) for n in (7, 8, 11, 16, 21, 25, 27, 29)}
    assert at == {7: Context.DEV, 8: Context.PRODUCTION, 11: Context.DEV, 16: Context.SCRIPT, 21: Context.DEV,
                  25: Context.TEST, 27: Context.DEV, 29: Context.PRODUCTION}


def test_a_request_parameter_named_debug_is_no_environment_guard(tmp_path: Path) -> None:
    repo = repo_of(write_tree(tmp_path, {"app/__init__.py": "", "app/views.py":
                                         "def view(request):\n    if request.args.get('debug'):\n"
                                         "        print('x')\n"}))
    assert context_at(repo, "app/views.py", 3) is Context.PRODUCTION


def test_files_run_by_a_shell_script_or_dockerfile_are_scripts(tmp_path: Path) -> None:
    repo = repo_of(write_tree(tmp_path, {
        "docker-entrypoint.sh": "#!/bin/sh\npython ping.py\nexec python serve.py\n",
        "Dockerfile": "FROM python\nRUN /venv/bin/python version.py\nCMD python app.py\n",
        "ping.py": "import time\nprint('waiting')\n",
        "version.py": "print('writing version')\n",
        "serve.py": "from app import app\napp.run(host='0.0.0.0')\n",
        "app.py": "from flask import Flask\napp = Flask(__name__)\n",
        "export.py": "import sys\nfrom app import app\nwith open(sys.argv[1], 'w') as f:\n    f.write('x')\n",
        "hooks/pre_gen_project.py": "print('checking options')\n",
        "cookiecutter.json": "{}\n",
        "wger/__init__.py": "", "wger/__main__.py": "from wger.tasks import program\n",
        "wger/tasks.py": "from invoke import Program, task\n\n\n@task\ndef start(c):\n    print('x')\n\n\n"
                         "program = Program()\n",
    }))
    got = {p: context_of(repo, p) for p in ("ping.py", "version.py", "serve.py", "app.py", "export.py",
                                            "hooks/pre_gen_project.py", "wger/tasks.py")}
    assert got == {"ping.py": Context.SCRIPT, "version.py": Context.SCRIPT, "serve.py": Context.PRODUCTION,
                   "app.py": Context.PRODUCTION, "export.py": Context.SCRIPT,
                   "hooks/pre_gen_project.py": Context.SCRIPT, "wger/tasks.py": Context.SCRIPT}
