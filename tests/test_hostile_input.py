"""Hostile input, one minimal case per defect class: the audit never crashes, hangs or fails a
section on it; what it cannot read is recorded as skipped or not determined."""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from archaudit.cli import main
from archaudit.config import ConfigError, load_config
from archaudit.detect.api.section import MAX_ENDPOINTS
from archaudit.findings import fingerprint
from archaudit.model import Report
from archaudit.scan.walk import walk
from tests.conftest import repo_of, report_of, write_tree


def test_a_rejected_gitignore_line_is_skipped_and_the_rest_applied(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        ".gitignore": "*.log\n!\n[z-a]\nbuild_out/\n",
        "web/.gitignore": "\\\ngen/\n",
        "app/main.py": "x = 1\n",
        "app/debug.log": "noise\n",
        "build_out/x.py": "x = 1\n",
        "web/gen/a.ts": "export {}\n",
        "web/src/b.ts": "export {}\n",
    })
    result = walk(tmp_path)
    assert [f.path for f in result.files] == [".gitignore", "app/main.py", "web/.gitignore", "web/src/b.ts"]
    reasons = [(s.path, s.reason.split(":")[0]) for s in result.skipped]
    assert reasons == [(".gitignore", "line 2 not applied"), (".gitignore", "line 3 not applied"),
                       ("web/.gitignore", "line 1 not applied")]
    report = report_of(tmp_path)
    assert any(s.path == ".gitignore" and "'[z-a]' is not a valid gitignore pattern" in s.reason
               for s in report.skipped)


DEEP = "x = " + "[" * 5000 + "]" * 5000 + "\n"
HUGE_INT = "x = 1" + "0" * 5000 + "\n"


@pytest.mark.parametrize(("files", "message"), [
    ({"pyproject.toml": '[tool]\narchaudit = "x"\n'}, "[tool.archaudit] must be a table, not a string"),
    ({"pyproject.toml": "[tool.archaudit]\nexclude = [1, [2]]\n"}, "exclude must be a list of strings"),
    ({"pyproject.toml": "[tool.archaudit]\ndisable = [{a = 1}]\n"}, "disable must be a list of rule ids"),
    ({"pyproject.toml": "[tool.archaudit]\npreview = {deep = {er = [1]}}\n"}, "preview must be true or false"),
    ({"pyproject.toml": '[tool.archaudit]\nexclude = ["!", "ok/"]\n'}, "exclude pattern '!' is not a valid"),
    ({"pyproject.toml": "[tool.archaudit]\n" + DEEP}, "nested too deeply to be read"),
    ({"pyproject.toml": "[tool.archaudit]\n" + HUGE_INT}, "not valid TOML (Exceeds the limit"),
    ({"pyproject.toml": "[tool.archaudit\nexclude = []\n"}, "its [tool.archaudit] settings cannot be read"),
    ({"archaudit.toml": DEEP}, "archaudit.toml: not valid TOML (nested too deeply"),
    ({"archaudit.toml": "exclude = 'x'\n"}, "archaudit.toml: exclude must be a list of strings"),
    ({"archaudit.toml": b"exclude = ['\xff']\n"}, "archaudit.toml: cannot be read (UnicodeDecodeError"),
])
def test_a_configuration_of_the_wrong_shape_is_refused_with_exit_2(
        tmp_path: Path, files: dict[str, str | bytes], message: str) -> None:
    write_tree(tmp_path, {"app.py": "x = 1\n", **files})
    with pytest.raises(ConfigError, match=re.escape(message)):
        load_config(tmp_path)
    result = CliRunner().invoke(main, ["audit", str(tmp_path), "--no-cache", "--quiet"])
    assert result.exit_code == 2, result.output
    assert "invalid archaudit configuration" in result.output and message in result.output
    assert isinstance(result.exception, SystemExit)  # a clean refusal, not an AttributeError/RecursionError


def test_a_pyproject_whose_tool_is_not_a_table_costs_a_note_not_the_audit(tmp_path: Path) -> None:
    """`tool = "x"` cannot hold [tool.archaudit]: the audited project's pyproject is odd, ours is not at stake."""
    write_tree(tmp_path, {"app.py": "x = 1\n", "pyproject.toml": 'tool = "x"\n'})
    report = report_of(tmp_path)
    notes = [u.why for u in report.undetermined if u.topic == "archaudit configuration"]
    assert any("`tool` is a string, not a table" in n for n in notes), notes


def test_a_broken_pyproject_without_archaudit_settings_is_said_not_dropped_silently(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app.py": "x = 1\n", "pyproject.toml": "[project\nname = 'x'\n"})
    report = report_of(tmp_path)
    notes = [u.why for u in report.undetermined if u.topic == "archaudit configuration"]
    assert len(notes) == 1 and notes[0].startswith("pyproject.toml not valid TOML")
    assert "no [tool.archaudit] settings could be read" in notes[0]


def _undecodable_tree(root: Path) -> Path:
    """A file and a folder named with bytes that are not UTF-8, content that is not UTF-8, and
    literals whose escapes decode to lone surrogates (Python and JSON)."""
    write_tree(root, {
        "app/main.py": ('from fastapi import FastAPI\napp = FastAPI()\nSECRET_KEY = "s3cr\\udcff\\ud800"\n'
                        '@app.get("/items\\udcff")\ndef items(q: str = "\\ud800"):\n    return {"k\\udcff": 1}\n'),
        "app/content.py": b'x = "\xff\xfe"\n',
        "config.yaml": b'key: "\xff"\n',
        "package.json": '{"name": "x\\ud800", "dependencies": {"a\\udcff": "1.0"}}\n',
    })
    os.makedirs(os.fsencode(root / "app") + b"/\xff\xfedir")
    (Path(os.fsdecode(os.fsencode(root / "app") + b"/\xff\xfedir")) / "x.py").write_text("x = 1\n")
    with open(os.fsencode(root / "app") + b"/bad\xffname.py", "wb") as fh:
        fh.write(b'SECRET_KEY = "abc"\n')
    return root


@pytest.mark.parametrize("fmt", ["md", "json", "sarif"])
def test_invalid_utf8_names_and_surrogate_literals_are_written_as_valid_utf8(tmp_path: Path, fmt: str) -> None:
    root = _undecodable_tree(tmp_path / "repo")
    out = tmp_path / f"report.{fmt}"
    for args in (["-o", str(out)], []):  # a file, then stdout
        result = CliRunner().invoke(main, ["audit", str(root), "--no-cache", "--quiet", "--format", fmt, *args])
        assert result.exit_code == 0, result.output
        text = (out.read_bytes() if args else result.stdout_bytes).decode("utf-8")  # strict: no surrogate
        if fmt != "sarif":  # SARIF holds findings only; the inventory and skipped list are elsewhere
            assert "bad\ufffdname.py" in text and "/items\ufffd" in text
    report = report_of(root)
    reasons = {s.path: s.reason for s in report.skipped}
    assert reasons["app/bad\ufffdname.py"] == "file name is not valid UTF-8: not read"
    assert reasons["app/\ufffd\ufffddir"] == "directory name is not valid UTF-8: nothing under it was read"
    assert reasons["app/content.py"] == "not valid UTF-8"


def test_a_fingerprint_of_a_lone_surrogate_is_stable() -> None:
    odd = fingerprint("R1", "a.py", "x\udcff")
    assert odd == fingerprint("R1", "a.py", "x\udcff") != fingerprint("R1", "a.py", "x")


def _failures(report: Report) -> list[str]:
    return [f"{u.topic}: {u.why}" for u in report.undetermined if "failed (" in u.why]


def test_integer_literals_too_wide_to_print_are_described_not_converted(tmp_path: Path) -> None:
    wide = "0x" + "f" * 5000  # parses; str() of it raises (over 4,300 digits)
    write_tree(tmp_path, {
        "app/settings.py": (f"import os\nfrom fastapi import FastAPI\napp = FastAPI()\nX = {wide}\nNEG = -{wide}\n"
                            f"Y = os.getenv('Y', {wide})\nPAGE = {{'a': [{wide}]}}\n"
                            f"@app.get('/a', status_code={wide}, response_model=list[int])\n"
                            f"def f(q: Annotated[int, {wide}] = {wide}) -> Annotated[int, {wide}]:\n    return 1\n"),
        "app/decimal.py": "X = 1" + "0" * 5000 + "\n",  # CPython itself refuses this one
        "web/src/config.ts": f"export const X = {wide};\nexport const Y = {{ a: {wide} }};\n",
    })
    report = report_of(tmp_path)
    assert _failures(report) == []
    assert "app/settings.py" not in {s.path for s in report.skipped}
    assert any(s.path == "app/decimal.py" and "4300 digits" in s.reason for s in report.skipped)
    settings = next(t for s in report.sections for t in s.tables if t.key == "settings")
    shown = {row["setting"]: str(row["default"]) for row in settings.rows}
    assert shown["X"] == "int (20000 bits)" and shown["NEG"] == "-int (20000 bits)"


def test_yaml_keys_that_look_like_bool_int_or_null_are_their_text(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "docker-compose.yml": ("services:\n  true:\n    image: a\n    command: celery -A app worker\n"
                               "  1:\n    image: b\n  name:\n    image: c\n    depends_on: [1, true]\n"
                               "  null:\n    image: d\n    environment: {true: 1, 2: x, A: b}\n"),
        "app/main.py": "x = 1\n",
    })
    report = report_of(tmp_path)
    assert _failures(report) == []
    repo = repo_of(tmp_path)
    assert list(repo.yaml("docker-compose.yml")["services"]) == ["true", "1", "name", "null"]


def _fan_out(levels: int, width: int) -> str:
    """Routers r0..r{levels}: each included `width` times (distinct prefixes) by the next, the last by the app."""
    lines = ["from fastapi import APIRouter, FastAPI", "app = FastAPI()"]
    lines += [f"r{i} = APIRouter()" for i in range(levels + 1)]
    for i in range(levels + 1):
        lines += [f"@r{i}.get('/e{i}')", f"def h{i}():", "    return 1"]
    for i in range(levels):
        lines += [f"r{i + 1}.include_router(r{i}, prefix='/p{k}')" for k in range(width)]
    lines.append("app.include_router(r10)")
    return "\n".join(lines) + "\n"


def test_router_fan_out_is_expanded_within_a_budget_and_the_cut_said(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app/main.py": _fan_out(10, 4)})  # 4**10 prefixes for r0 if expanded in full
    started = time.monotonic()
    report = report_of(tmp_path)
    assert time.monotonic() - started < 20
    cut = [u.why for u in report.undetermined if u.topic == "API surface" and "mount fan-out" in u.why]
    assert "app/main.py:3: router `r0` is served under more than 2,000 prefixes (mount fan-out); only the " \
           "first 2,000 are listed" in cut
    endpoints = next(t for s in report.sections for t in s.tables if t.key == "endpoints")
    assert len(endpoints.rows) <= MAX_ENDPOINTS
    assert any(r["path"] == "/e10" for r in endpoints.rows)  # the routers below the cut are all listed


def test_include_cycles_are_cut_not_expanded_into_false_paths(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app/main.py": (
        "from fastapi import APIRouter, FastAPI\napp = FastAPI()\na = APIRouter()\nb = APIRouter()\n"
        "c = APIRouter()\n@a.get('/x')\ndef ax():\n    return 1\n@b.get('/y')\ndef by():\n    return 1\n"
        "@c.get('/z')\ndef cz():\n    return 1\n"
        "a.include_router(b, prefix='/b')\nb.include_router(a, prefix='/a')\nc.include_router(c, prefix='/c')\n"
        "app.include_router(a, prefix='/api')\n")})
    report = report_of(tmp_path)
    endpoints = next(t for s in report.sections for t in s.tables if t.key == "endpoints")
    assert sorted(r["path"] for r in endpoints.rows) == ["/api/b/y", "/api/x", "/z"]
    cycles = sorted(u.why for u in report.undetermined if u.topic == "API surface" and "include cycle" in u.why)
    assert cycles == [
        "app/main.py:15: include cycle: `b` is mounted into `a`, which is itself served under `b`; "
        "this mount was not followed",
        "app/main.py:16: include cycle: `a` is mounted into `b`, which is itself served under `a`; "
        "this mount was not followed",
        "app/main.py:17: include cycle: `c` is mounted into `c`, which is itself served under `c`; "
        "this mount was not followed",
    ]


def test_django_include_fan_out_is_capped_and_said(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {"manage.py": "import django\n"}
    for i in range(9):
        files[f"u{i}/__init__.py"] = ""
        includes = "".join(f"    path('p{k}/', include('u{i - 1}.urls')),\n" for k in range(4)) if i else ""
        files[f"u{i}/urls.py"] = (f"from django.urls import include, path\nfrom u{i} import views\n"
                                  f"urlpatterns = [\n{includes}    path('v{i}/', views.view),\n]\n")
        files[f"u{i}/views.py"] = "def view(request):\n    return None\n"
    write_tree(tmp_path, files)  # u0 is served under 4**8 prefixes if expanded in full
    started = time.monotonic()
    report = report_of(tmp_path)
    assert time.monotonic() - started < 20
    assert any(u.why == "u0/urls.py: served under more than 2,000 prefixes (include fan-out); only the first "
               "2,000 are listed" for u in report.undetermined)


@pytest.mark.parametrize("depth", [900, 10_000])  # under libyaml's own limit (our bound cuts), and over it
def test_deeply_nested_config_files_are_skipped_with_a_reason(tmp_path: Path, depth: int) -> None:
    seq, flow = "- " * depth + "x\n", "[" * depth + "]" * depth
    write_tree(tmp_path, {
        "docker-compose.yml": f"services:\n  web:\n    image: x\n    environment: {flow}\n    command:\n      {seq}",
        ".github/workflows/ci.yml": f"on: push\njobs:\n  t:\n    runs-on: x\n    steps:\n      - {seq}",
        ".gitlab-ci.yml": f"test:\n  script:\n    {seq}",
        "package.json": '{"name": "x", "dependencies": ' + flow + "}",
        "web/tsconfig.json": '{"compilerOptions": {"paths": ' + flow + "}}",
        "Dockerfile": f"FROM python:3.11\nCMD {flow}\n",
        "app/main.py": "x = 1\n",
    })
    report = report_of(tmp_path)
    assert _failures(report) == []
    reasons = {s.path: s.reason for s in report.skipped}
    for path in ("docker-compose.yml", ".github/workflows/ci.yml", ".gitlab-ci.yml", "package.json"):
        assert reasons[path].startswith(("not valid YAML", "not valid JSON")), (path, reasons.get(path))


def test_one_very_long_line_costs_linear_time_in_every_reader(tmp_path: Path) -> None:
    long = "a" * 60_000
    write_tree(tmp_path, {
        "requirements.txt": (f"flask==1.0 {' ' * 60_000}\n{long}[{',' * 60_000}\nb>={'1.' * 30_000}\n"
                             f"-r {'/' * 60_000}\n"),
        "docker-compose.yml": f"services:\n  web:\n    image: {long}\n    command: celery {' -x' * 20_000}\n",
        ".github/workflows/ci.yml": f"on: push\njobs:\n  t:\n    steps:\n      - run: {'pip install a; ' * 5_000}\n",
        "Dockerfile": f"FROM python:3.11\nRUN {'a && ' * 12_000}\nENV {'A=b ' * 15_000}\n" + "RUN \\\n" * 5_000,
        ".env": f"SECRET_KEY={long}\nA=" + '"' * 60_000 + "\n",
        "pyproject.toml": f'[project]\nname = "x"\ndependencies = ["{long}[{"b," * 20_000}"]\n',
        "app/main.py": "x = 1\n",
    })
    started = time.monotonic()
    report = report_of(tmp_path)
    assert time.monotonic() - started < 20
    assert _failures(report) == []


def test_the_compilers_warnings_about_audited_code_are_not_printed() -> None:
    """An invalid escape in the audited code ('\\d' in a plain string) makes the compiler warn; that is
    the audited project's business, not a line on archaudit's stderr."""
    import warnings

    from archaudit.languages.python.extract import extract

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        facts = extract('import re\n\nDIGITS = re.compile("\\d+")\n')
    assert facts["imports"] and not caught, [str(w.message) for w in caught]
