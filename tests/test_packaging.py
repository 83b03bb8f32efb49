"""archaudit in the CI ecosystem: a wheel built from a clean checkout whose installed `archaudit
--version` is the project's version, the pre-commit hooks run by `pre-commit try-repo` on a fixture
git repository, the GitHub Action, the LICENSE, exit codes in every command's help, shell completion."""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from archaudit import __version__
from archaudit.cli import main

ROOT = Path(__file__).resolve().parents[1]
BUILD_INPUTS = ("pyproject.toml", "README.md", "LICENSE", "src/")
GIT = shutil.which("git")
_GIT_ENV = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid", "GIT_COMMITTER_NAME": "t",
            "GIT_COMMITTER_EMAIL": "t@example.invalid", "GIT_CONFIG_NOSYSTEM": "1"}


def _checkout(target: Path) -> Path:
    """The files a clean checkout holds for building (tracked or new, never ignored: no stale build/,
    *.egg-info or __pycache__), copied to `target`."""
    listed = subprocess.run([GIT or "git", "-C", str(ROOT), "ls-files", "--cached", "--others", "--exclude-standard"],
                            capture_output=True, text=True, check=True).stdout.splitlines()
    for rel in listed:
        if rel.startswith(BUILD_INPUTS) and (ROOT / rel).is_file():
            (target / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / rel, target / rel)
    return target


def _setuptools_new_enough() -> bool:
    if importlib.util.find_spec("setuptools") is None or importlib.util.find_spec("wheel") is None:
        return False
    import setuptools

    return int(setuptools.__version__.split(".")[0]) >= 68


@pytest.mark.skipif(GIT is None or not (ROOT / ".git").exists(), reason="needs a git checkout of archaudit")
@pytest.mark.skipif(not _setuptools_new_enough(), reason="setuptools>=68 and wheel (dev dependencies) are needed "
                    "to build the wheel without network (pip wheel --no-build-isolation)")
def test_the_wheel_of_a_clean_checkout_installs_the_declared_version(tmp_path: Path) -> None:
    source = _checkout(tmp_path / "checkout")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--quiet",
                    "-w", str(tmp_path / "dist"), str(source)], check=True, capture_output=True)
    [wheel] = (tmp_path / "dist").glob("archaudit-*.whl")
    installed = tmp_path / "installed"
    with zipfile.ZipFile(wheel) as zf:
        zf.extractall(installed)
        names = zf.namelist()
    [metadata] = [n for n in names if n.endswith(".dist-info/METADATA")]
    version = re.search(r"^Version: (.+)$", (installed / metadata).read_text(), re.MULTILINE)
    assert version and version.group(1) == __version__
    assert any(n.endswith(".dist-info/licenses/LICENSE") or n.endswith(".dist-info/LICENSE") for n in names)
    # the console script, as pip would generate it: the entry point of the installed metadata
    script = ("import sys; from importlib.metadata import entry_points; import archaudit; "
              "assert archaudit.__file__.startswith(sys.argv[1]), archaudit.__file__; "
              "[ep] = [e for e in entry_points(group='console_scripts') if e.name == 'archaudit']; "
              "sys.argv = ['archaudit', *sys.argv[2:]]; ep.load()()")
    env = {**os.environ, "PYTHONPATH": str(installed), "XDG_CACHE_HOME": str(tmp_path / "cache")}

    def installed_archaudit(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-c", script, str(installed), *args], capture_output=True, text=True,
                              env=env, cwd=tmp_path)

    out = installed_archaudit("--version")
    assert out.returncode == 0 and out.stdout.strip() == f"archaudit, version {__version__}", out.stderr
    # package data (templates, schema, catalogue) made it into the wheel: every report renders
    repo = tmp_path / "repo"
    (repo / "app").mkdir(parents=True)
    (repo / "app" / "main.py").write_text("x = 1\n")
    done = installed_archaudit("audit", str(repo), "--format", "md,json,sarif,html", "-o", str(tmp_path / "out"),
                               "--quiet", "--lang", "fr")
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["report.html", "report.json", "report.md",
                                                                    "report.sarif"]


def test_the_version_has_one_source() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert project["project"]["dynamic"] == ["version"]
    assert project["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "archaudit.__version__"}
    assert CliRunner().invoke(main, ["--version"]).output == f"archaudit, version {__version__}\n"


def test_the_license_is_the_declared_mit() -> None:
    text = (ROOT / "LICENSE").read_text()
    assert text.startswith("MIT License") and "archaudit contributors" in text
    assert tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["license"] == {"text": "MIT"}


def _fixture_repo(root: Path, files: dict[str, str]) -> Path:
    root.mkdir(parents=True)
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    env = {**os.environ, **_GIT_ENV}
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "fixture"]):
        subprocess.run([GIT or "git", *args], cwd=root, check=True, env=env, capture_output=True)
    return root


def _hook_repo(tmp_path: Path, with_package: bool) -> Path:
    """A git repository holding this checkout's hook manifest (and for the python hook, the package):
    try-repo reads committed files only, so the working tree's manifest is tested as it is."""
    files = {".pre-commit-hooks.yaml": (ROOT / ".pre-commit-hooks.yaml").read_text()}
    if with_package:
        checkout = _checkout(tmp_path / "checkout")
        files.update({str(p.relative_to(checkout)): p.read_text() for p in checkout.rglob("*") if p.is_file()})
    return _fixture_repo(tmp_path / "hooks", files)


_BAD = {"README.md": "# shop\n\n## Quick start\n\n```sh\nmake run\n```\n",
        "app/db.py": 'def find(cursor, v):\n    cursor.execute("SELECT id FROM t WHERE v = \'%s\'" % v)\n'}
_GOOD = {**_BAD, "app/db.py": 'def find(cursor, v):\n    cursor.execute("SELECT id FROM t WHERE v = ?", (v,))\n'}


def _try_repo(hooks: Path, repo: Path, hook: str, tmp_path: Path,
              path_prefix: str = "") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **_GIT_ENV, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
           "XDG_CACHE_HOME": str(tmp_path / "cache"), "PATH": path_prefix + os.environ.get("PATH", "")}
    return subprocess.run([sys.executable, "-m", "pre_commit", "try-repo", str(hooks), hook, "--all-files"],
                          cwd=repo, capture_output=True, text=True, env=env, timeout=600)


def _archaudit_on_path(tmp_path: Path) -> str:
    """An `archaudit` command running this checkout's code (the installed one may be another)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    shim = bin_dir / "archaudit"
    shim.write_text(f"#!/bin/sh\nPYTHONPATH={ROOT / 'src'} exec {sys.executable} -m archaudit \"$@\"\n")
    shim.chmod(0o755)
    return f"{bin_dir}{os.pathsep}"


@pytest.mark.skipif(GIT is None or importlib.util.find_spec("pre_commit") is None,
                    reason="pre-commit (a dev dependency) and git are needed")
def test_pre_commit_try_repo_runs_the_hook_offline(tmp_path: Path) -> None:
    hooks = _hook_repo(tmp_path, with_package=False)
    path = _archaudit_on_path(tmp_path)
    bad = _try_repo(hooks, _fixture_repo(tmp_path / "bad", _BAD), "archaudit-system", tmp_path, path)
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert "SEC006  app/db.py:2  SQL built by string formatting" in bad.stdout  # pre-commit shows the hook's output
    good = _try_repo(hooks, _fixture_repo(tmp_path / "good", _GOOD), "archaudit-system", tmp_path, path)
    assert good.returncode == 0, good.stdout + good.stderr
    assert re.search(r"archaudit \(architecture audit, installed archaudit\)\.+Passed", good.stdout)


@pytest.mark.skipif(os.environ.get("ARCHAUDIT_NETWORK_TESTS") != "1",
                    reason="the `archaudit` hook (language: python) has pre-commit pip-install archaudit and its "
                    "dependencies from a package index into a new environment (about a minute); set "
                    "ARCHAUDIT_NETWORK_TESTS=1 to run it. The offline test runs `archaudit-system`, same entry.")
def test_pre_commit_try_repo_builds_the_python_hook(tmp_path: Path) -> None:
    hooks = _hook_repo(tmp_path, with_package=True)
    bad = _try_repo(hooks, _fixture_repo(tmp_path / "bad", _BAD), "archaudit", tmp_path)
    assert bad.returncode == 1 and "SEC006  app/db.py:2" in bad.stdout, bad.stdout + bad.stderr


def test_the_two_hooks_run_the_same_command() -> None:
    hooks = {h["id"]: h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    assert set(hooks) == {"archaudit", "archaudit-system"}
    assert hooks["archaudit"]["language"] == "python" and hooks["archaudit-system"]["language"] == "system"
    for hook in hooks.values():
        assert hook["entry"] == "archaudit audit --quiet --fail-on high" and hook["pass_filenames"] is False


def test_the_github_action_uploads_sarif_and_gates_afterwards() -> None:
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    assert action["runs"]["using"] == "composite"
    steps = action["runs"]["steps"]
    uses = [s.get("uses", "") for s in steps]
    upload = next(i for i, u in enumerate(uses) if u.startswith("github/codeql-action/upload-sarif@"))
    audit = next(i for i, s in enumerate(steps) if s.get("id") == "audit")
    gate = next(i for i, s in enumerate(steps) if s.get("name") == "Gate")
    assert audit < upload < gate and "always()" in steps[upload]["if"]
    assert "--format sarif" in steps[audit]["run"] and 'pip install --quiet "${GITHUB_ACTION_PATH}"' in "\n".join(
        s.get("run", "") for s in steps)
    assert all("${{" not in s.get("run", "") for s in steps)  # inputs reach scripts through env, never inlined


def test_every_command_documents_its_exit_codes() -> None:
    assert main.commands  # click group
    for name in main.commands:
        out = CliRunner().invoke(main, [name, "--help"]).output
        assert "Exit codes:" in out and re.search(r"^\s+0\s", out, re.MULTILINE), name
        assert ("130  interrupted" in out) == (name not in ("rules", "explain")), name


def test_shell_completion_is_documented_and_works() -> None:
    assert "_ARCHAUDIT_COMPLETE=bash_source archaudit" in CliRunner().invoke(main, ["--help"]).output
    assert "_ARCHAUDIT_COMPLETE" in (ROOT / "README.md").read_text()
    result = CliRunner().invoke(main, [], prog_name="archaudit", env={"_ARCHAUDIT_COMPLETE": "bash_source"})
    assert result.exit_code == 0 and "_archaudit_completion" in result.output
    words = CliRunner().invoke(main, [], prog_name="archaudit",
                               env={"_ARCHAUDIT_COMPLETE": "bash_complete", "COMP_WORDS": "archaudit ba",
                                    "COMP_CWORD": "1"})
    assert "plain,baseline" in words.output
