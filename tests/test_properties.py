"""Property-based tests (Hypothesis) over every parser and extractor entry point: whatever the input,
no exception escapes, the result is plain data, and no generated secret survives redaction or any
rendered report.

Profiles (registered in conftest.py): `ci` (default, a few hundred examples per parser, all of this
under a minute) and `fuzz` (ten times more), chosen by HYPOTHESIS_PROFILE=fuzz."""

from __future__ import annotations

import json
import marshal
import re
import string
import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from archaudit.analyze import analyze
from archaudit.config import ConfigError, load_config
from archaudit.detect.cicd.commands import classify as classify_command
from archaudit.detect.config.section import _parse_env
from archaudit.detect.dependencies.manifest_files import parse_requirements_text
from archaudit.detect.formats import markdown
from archaudit.detect.formats.dockerfile import parse as parse_dockerfile
from archaudit.redact import MASK, redact_text
from archaudit.report import render_json, render_markdown, render_sarif
from archaudit.rules import ALL_RULES
from archaudit.run import Options, audit
from archaudit.scan.secrets import scan as scan_secrets
from archaudit.scan.walk import walk

BASE = settings.default.max_examples  # the profile's count: 200 in ci, 2000 with fuzz
FEW = settings(max_examples=max(20, BASE // 8), deadline=None,
               suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
PLAIN = (str, int, float, bool, type(None))


def is_plain(value: Any, depth: int = 0) -> bool:
    """Only str/int/float/bool/None, lists, tuples and str-keyed dicts of them (what the cache marshals)."""
    if depth > 200:
        return False
    if isinstance(value, PLAIN):
        return True
    if isinstance(value, list | tuple):
        return all(is_plain(v, depth + 1) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and is_plain(v, depth + 1) for k, v in value.items())
    return False


# -- source texts: arbitrary, and odd-but-plausible code built from fragments ------------------------
ANY_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=400)
PY_FRAGMENTS = [
    "import os\n", "from . import x\n", "from ..a.b import (c as d, e)\n", "X = 1\n",
    "SECRET_KEY = os.getenv('K', 'v')\n",
    "class A(B, metaclass=M):\n    x: int = 1\n", "def f(*a, b=lambda: (yield), **k) -> 'T':\n    return a\n",
    "async def g():\n    async with x as (a, b):\n        await y\n", "@app.get('/x/{id}')\ndef h(id: int):\n    ...\n",
    "match x:\n    case {'a': [1, *rest]} if rest:\n        pass\n", "if (n := len(a)) > 10:\n    pass\n",
    "x = f'{a!r:>{w}}' + rb'\\x00'\n", "try:\n    pass\nexcept* ValueError:\n    pass\n", "global g\n",
    "x = [[[[[[[[[[1]]]]]]]]]]\n", "y = {**a, 'b': {*c}}\n", "type Alias[T] = list[T]\n", "del a[1:2, ...]\n",
    "app.include_router(r, prefix='/v1')\n", "router = APIRouter()\n", "engine = create_engine(URL, echo=True)\n",
    "with open(p) as f, open(q) as g:\n    pass\n", "print(*a, sep='')\n", "x = 1 if a else 2 if b else 3\n",
    "def deep():\n" + "".join("    " * i + "if x:\n" for i in range(1, 30)) + "    " * 30 + "pass\n",
]
TS_FRAGMENTS = [
    "import { A, type B } from './a';\n",
    "export default class C extends D<E> { constructor(private x: X) { super(); } }\n",
    "const jwtSecret = process.env.JWT_SECRET || 'dev';\n",
    "app.get('/x/:id', auth, async (req, res) => res.json({}));\n",
    "router.use('/v1', sub);\n",
    "@Controller('users') export class U { @Get(':id') one(@Param('id') id: string) {} }\n",
    "let x = a?.b ?? c!;\n", "type T = { [K in keyof U]?: U[K] };\n", "enum E { A = 1, B }\n",
    "const t = `a${b`c${d}`}`;\n",
    "export const config = { synchronize: true, cors: { origin: '*' } };\n",
    "function* g(): Generator<number> { yield 1; }\n",
    "const x = <T,>(a: T) => a;\n", "namespace N { export const y = 1; }\n", "declare module 'm' { }\n",
    "/* unterminated comment\n", "const s = 'unterminated\n",
    "(((((((((((((((((((((((((((((x)))))))))))))))))))))))))))))\n",
]
MUTATIONS = st.sampled_from(["", "\x00", "\ufeff", "\\", "'", '"', "(", ")", "{", "}", ":", "\n", "\t", "    ",
"#", "é"])


@st.composite
def assembled(draw: st.DrawFn, fragments: list[str]) -> str:
    """A file of random fragments, some cut short or with a character spliced in."""
    parts = draw(st.lists(st.sampled_from(fragments), max_size=8))
    text = "".join(parts)
    if text and draw(st.booleans()):
        cut = draw(st.integers(0, len(text)))
        text = text[:cut] + draw(MUTATIONS) + text[cut:]
    return text


def _check_result(result: Any) -> None:
    assert isinstance(result, dict)
    marshal.dumps(result)  # the cache stores it: plain data only
    assert is_plain(result)


@settings(deadline=None)
@given(st.one_of(ANY_TEXT, assembled(PY_FRAGMENTS)), st.sampled_from(["app/x.py", "app/__init__.py", "tests/t.py"]))
def test_python_extraction_never_raises_and_gives_plain_data(source: str, path: str) -> None:
    _check_result(analyze(path, "python", source.encode("utf-8")))


@settings(deadline=None)
@given(st.one_of(ANY_TEXT, assembled(TS_FRAGMENTS)), st.sampled_from(["src/a.ts", "src/b.tsx", "src/c.js", "d.mjs"]))
def test_typescript_extraction_never_raises_and_gives_plain_data(source: str, path: str) -> None:
    language = "javascript" if path.endswith(("js", "mjs")) else "typescript"
    _check_result(analyze(path, language, source.encode("utf-8")))


@settings(deadline=None)
@given(st.binary(max_size=300), st.sampled_from(["python", "typescript", "yaml", "text"]))
def test_analyze_takes_any_bytes(data: bytes, language: str) -> None:
    _check_result(analyze("f.x", language, data))


# -- text readers -------------------------------------------------------------------------------------
REQ_FRAGMENTS = ["django>=4.2,<5", "-r base.txt", "-c constraints.txt", "-e .", "-e git+https://x/y.git#egg=y",
                 "pkg[extra]==1.0 ; python_version < '3.12'", "--hash=sha256:" + "ab" * 32, "\\", "# comment",
                 "--index-url https://user:pw@host/simple", "pkg @ file:///x", "==", "[", "  ", "pkg~=1.0  # pinned"]


@given(st.one_of(ANY_TEXT, st.lists(st.sampled_from(REQ_FRAGMENTS), max_size=12).map("\n".join)))
def test_requirements_reader(text: str) -> None:
    req = parse_requirements_text("requirements/dev.txt", text)
    assert all(isinstance(line, int) and isinstance(body, str) for line, body, _ in req.entries)


DOCKER_FRAGMENTS = ["FROM python:3.12-slim AS base", "RUN pip install -r requirements.txt \\", "&& echo ok", "# c",
                    'CMD ["uvicorn", "app.main:app"]', "CMD [unclosed", "ENV A=1 B=2", "ENV TOKEN value",
                    "HEALTHCHECK NONE",
                    "USER", "EXPOSE 8000/tcp", "ARG X", "\\", "COPY --from=base /a /b", ""]


@given(st.one_of(ANY_TEXT, st.lists(st.sampled_from(DOCKER_FRAGMENTS), max_size=12).map("\n".join)))
def test_dockerfile_reader(text: str) -> None:
    parsed = parse_dockerfile("Dockerfile", text)
    assert all(i.keyword == i.keyword.upper() and i.line >= 1 for i in parsed.instructions)


@given(ANY_TEXT)
def test_env_markdown_command_and_secret_readers(text: str) -> None:
    assert all(isinstance(k, str) for k, _, _ in _parse_env(text))
    assert is_plain(markdown.headings(text)) and is_plain(markdown.links(text)) and is_plain(markdown.code_lines(text))
    assert isinstance(classify_command(text), tuple)
    records = scan_secrets("x.txt", text)
    assert is_plain(records) and all(set(r) == {"kind", "line"} for r in records)


# -- structured files with confused types -------------------------------------------------------------
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-10, 10**6), st.floats(allow_nan=False, width=32),
                    st.text(string.ascii_letters + string.digits + " ._-:/*$", max_size=12))
KEYS = st.one_of(st.sampled_from(["services", "image", "build", "environment", "ports", "jobs", "steps", "run", "uses",
                                  "on", "dependencies", "scripts", "project", "tool", "name", "command", "depends_on",
                                  "healthcheck", "volumes", "deploy",
                                  "x"]), st.text(string.ascii_lowercase, max_size=6))
TREES = st.recursive(SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                      st.dictionaries(KEYS, inner, max_size=5)), max_leaves=25)
MIXED_KEY_TREES = st.dictionaries(st.one_of(KEYS, st.integers(0, 3), st.booleans()), TREES, max_size=4)


def _toml_key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else json.dumps(key)


def _toml(tree: Any) -> str:
    """A TOML text for a generated tree: tables for dicts, inline values (JSON is valid TOML for these)."""
    if not isinstance(tree, dict):
        tree = {"value": tree}
    lines = []
    for key, value in tree.items():
        if isinstance(value, dict):
            lines.append(f"[{_toml_key(str(key))}]")
            lines += [f"{_toml_key(str(k))} = {_toml_value(v)}" for k, v in value.items()]
        else:
            lines.insert(0, f"{_toml_key(str(key))} = {_toml_value(value)}")
    return "\n".join(lines) + "\n"


def _toml_value(value: Any) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_toml_key(str(k))} = {_toml_value(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if value is None:
        return '""'
    if isinstance(value, bool):
        return "true" if value else "false"
    return json.dumps(value)


@st.composite
def repositories(draw: st.DrawFn) -> dict[str, str]:
    """A small backend repository whose config files hold generated, often ill-typed, data."""
    files = {"README.md": "# x\n\n    make test\n", "app/main.py": draw(assembled(PY_FRAGMENTS)) or "x = 1\n"}
    tree = draw(MIXED_KEY_TREES)
    for path in draw(st.lists(st.sampled_from([
            "docker-compose.yml", ".github/workflows/ci.yml", ".gitlab-ci.yml", "config/settings.yaml",
            "pyproject.toml", "package.json", "tsconfig.json", "setup.cfg", "alembic.ini", "requirements.txt",
            "Dockerfile", ".env", "Pipfile", "fly.toml", "src/index.ts"]), min_size=1, max_size=6, unique=True)):
        if path.endswith((".yml", ".yaml")):
            files[path] = yaml.safe_dump(tree, sort_keys=False) if draw(st.booleans()) else yaml.safe_dump(
                {"services": tree, "jobs": tree, "on": tree})
        elif path.endswith((".toml", "Pipfile")):
            files[path] = _toml({"project": tree, "tool": {"poetry": tree}}) if draw(st.booleans()) else _toml(tree)
        elif path.endswith(".json"):
            files[path] = json.dumps({"dependencies": tree, "scripts": tree} if draw(st.booleans()) else tree,
                                     default=str)
        elif path.endswith((".cfg", ".ini")):
            requires = "\n    ".join(map(str, tree))
            files[path] = f"[options]\ninstall_requires =\n    {requires}\n[alembic]\nx=%(y)s\n"
        elif path == "requirements.txt":
            files[path] = "\n".join(draw(st.lists(st.sampled_from(REQ_FRAGMENTS), max_size=6)))
        elif path == "Dockerfile":
            files[path] = "\n".join(draw(st.lists(st.sampled_from(DOCKER_FRAGMENTS), max_size=6)))
        elif path == "src/index.ts":
            files[path] = draw(assembled(TS_FRAGMENTS))
        else:
            files[path] = "\n".join(f"{k}={v}" for k, v in tree.items()) if isinstance(tree, dict) else "A=1"
    return files


def _write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8", errors="surrogatepass")


def _audit_and_render(files: dict[str, str]) -> tuple[Any, str]:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "repo"
        _write(root, files)
        report = audit(root, Options(use_cache=False, jobs=1, preview=True))
        text = render_markdown.render(report) + render_json.render(report) + render_sarif.render(report)
    return report, text


@FEW
@given(repositories())
def test_readers_of_ill_typed_config_files_never_fail(files: dict[str, str]) -> None:
    """The whole pipeline over YAML/TOML/JSON/INI/requirements/Dockerfile/compose/CI files of confused
    shapes: no exception, and no section or rule reported as failed ("the check failed")."""
    report, _ = _audit_and_render(files)
    failed = [f"{u.topic}: {u.why}" for u in report.undetermined if "failed (" in u.why]
    assert not failed, failed


# -- gitignore and configuration loading (owned by the hostile-input fixes) ---------------------------
GITIGNORE_LINES = st.one_of(st.sampled_from(["*.pyc", "!keep.py", "!", "[z-a]", "**/", "/build", "\\!x", "a/**/b",
                                             "[", "#c", "   ", "x\\", "?", "[!a]", "*.[ch]"]),
                            st.text(string.printable, max_size=10))


@FEW
@given(st.lists(GITIGNORE_LINES, max_size=8))
def test_gitignore_loading_never_raises(lines: list[str]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        _write(root, {".gitignore": "\n".join(lines) + "\n", "app/a.py": "x = 1\n", "build/b.py": "y = 2\n"})
        result = walk(root)
    assert all(isinstance(f.path, str) for f in result.files)


CONFIG_VALUES = st.recursive(SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                              st.dictionaries(st.sampled_from(
                                                                  ["exclude", "disable", "preview", "x"]),
                                                                  inner, max_size=3)), max_leaves=10)


@FEW
@given(st.dictionaries(st.sampled_from(["exclude", "disable", "preview", "unknown"]), CONFIG_VALUES, max_size=4),
       st.booleans())
def test_configuration_loading_accepts_or_refuses_cleanly(table: dict[str, Any], own_file: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        if own_file:
            (root / "archaudit.toml").write_text(_toml(table), encoding="utf-8")
        else:
            (root / "pyproject.toml").write_text(_toml({"tool": {"archaudit": table}}), encoding="utf-8")
        try:
            config = load_config(root)
        except ConfigError:
            return
    assert all(isinstance(p, str) for p in config.exclude) and isinstance(config.preview, bool)


# -- redaction ----------------------------------------------------------------------------------------
SECRET_NAMES = st.sampled_from(["SECRET_KEY", "JWT_SECRET", "DB_PASSWORD", "api_key", "apiKey", "client_secret",
                                "AUTH_TOKEN", "privateKey", "STRIPE_API_KEY", "password", "webhookSecret", "dsn"])
VALUE_CHARS = string.ascii_letters + string.digits + "-_.+/=!@%^&*~"
SECRET_VALUES = st.text(VALUE_CHARS, min_size=6, max_size=40).filter(
    lambda v: re.search(r"[A-Za-z0-9]{2}", v) is not None and not re.fullmatch(r"[\d_.+-]+", v))
# secret-shaped: 8+ characters holding both letters and digits. A value made of a word and symbols
# ("summar", "schema_v") also occurs in the report's own text ("summary", "schema_version"): its
# presence there would prove nothing.
REPORTED_SECRET_VALUES = st.text(VALUE_CHARS, min_size=8, max_size=40).filter(
    lambda v: re.search(r"[A-Za-z0-9]{2}", v) is not None and re.search(r"[A-Za-z]", v) is not None
    and re.search(r"\d", v) is not None)
# (template, path): {n} is the secret-named setting, {v} its value
FORMS = [
    ('{n} = "{v}"', "app/settings.py"), ("{n} = '{v}'", "app/settings.py"),
    ('{n} = config("{n}", default="{v}")', "app/settings.py"), ('{n} = os.getenv("{n}", "{v}")', "app/settings.py"),
    ('{n} = os.environ.get("{n}") or "{v}"', "app/settings.py"), ('app.config["{n}"] = "{v}"', "app/__init__.py"),
    ('    {n}: str = "{v}"', "app/core/config.py"), ('    {n}: SecretStr = Field("{v}")', "app/core/config.py"),
    ('os.environ.setdefault("{n}", "{v}")', "manage.py"), ('connect({n}="{v}", host=h)', "app/db.py"),
    ('const {n} = "{v}";', "src/config.ts"), ("const {n} = process.env.{n} || '{v}';", "src/config.ts"),
    ("  {n}: process.env.X ?? `{v}`,", "src/app.module.ts"), ('{{"{n}": "{v}"}}', "config.json"),
    ("{n}={v}", ".env"), ("export {n}='{v}'", ".env.local"), ("{n} = {v}", "setup.cfg"), ('{n} = "{v}"', "app.toml"),
    ("  {n}: {v}", "config/app.yaml"), ('  {n}: "{v}"', "config/app.yaml"), ("      - {n}={v}", "docker-compose.yml"),
    ("ENV {n}={v}", "Dockerfile"), ("ENV {n} {v}", "Dockerfile"), ("# {n}: {v}", "app/main.py"),
]


@given(SECRET_NAMES, SECRET_VALUES, st.sampled_from(FORMS))
@example("SECRET_KEY", "redact", FORMS[0])  # a value inside the mask's own text, found by CI
def test_no_generated_secret_survives_redaction(name: str, value: str, form: tuple[str, str]) -> None:
    template, path = form
    assume(value not in template.format(n=name, v=""))
    assume(not re.fullmatch(r"\$\{?\w+\}?|true|false|null|none", value, re.IGNORECASE))
    line = template.format(n=name, v=value)
    out = redact_text(line, path)
    # the mask's own letters are no leak: a value such as "redact" is a substring of "<redacted>"
    assert value not in out.replace(MASK, ""), (line, out)
    assert redact_text(out, path) == out


URL_PASSWORDS = st.text(string.ascii_letters + string.digits + "-_.~!*+", min_size=4, max_size=30)


@given(st.sampled_from(["postgres", "postgresql+asyncpg", "mysql", "redis", "amqp", "mongodb+srv", "https"]),
       st.text(string.ascii_lowercase, max_size=8), URL_PASSWORDS, st.sampled_from(["", "app/x.py", ".env", "a.yaml"]))
def test_no_connection_url_password_survives(scheme: str, user: str, password: str, path: str) -> None:
    assume(password not in f"{scheme}://{user}:@db.internal:5432/app")
    line = f'URL = "{scheme}://{user}:{password}@db.internal:5432/app"'
    assert password not in redact_text(line, path).replace(MASK, "")


ALNUM = string.ascii_letters + string.digits
TOKENS = st.one_of(
    st.text(ALNUM, min_size=36, max_size=40).map(lambda s: "gh" "p_" + s),
    st.text(string.ascii_uppercase + string.digits, min_size=16, max_size=16).map(lambda s: "AK" "IA" + s),
    st.text(ALNUM, min_size=20, max_size=30).map(lambda s: "sk-" + s),
    st.text(ALNUM, min_size=16, max_size=30).map(lambda s: "sk_" "live_" + s),
    st.text(ALNUM + "-", min_size=10, max_size=30).map(lambda s: "xo" "xb-" + s),
    st.text(ALNUM + "_-", min_size=35, max_size=35).map(lambda s: "AI" "za" + s),
    st.text(ALNUM + "_-", min_size=20, max_size=30).map(lambda s: "gl" "pat-" + s),
    st.tuples(*(st.text(ALNUM, min_size=12, max_size=20) for _ in range(3))).map(
        lambda t: "ey" "J" + t[0] + ".eyJ" + t[1] + "." + t[2]),
)


@given(TOKENS, st.sampled_from(["see {t} here", "x = '{t}'", "{t}", "headers: Bearer {t}", "url?q={t}&x=1"]),
       st.sampled_from(["", "app/x.py", "README.md"]))
def test_no_token_of_a_known_format_survives(token: str, template: str, path: str) -> None:
    out = redact_text(template.format(t=token), path)
    assert token not in out and MASK in out


@given(ANY_TEXT, st.sampled_from(["", "app/x.py", ".env", "a.yaml"]))
def test_redaction_is_total_and_idempotent(text: str, path: str) -> None:
    once = redact_text(text, path)
    assert isinstance(once, str) and redact_text(once, path) == once


_RULE_TEXTS = " ".join(f"{r.title} {r.impact} {r.action}" for r in ALL_RULES).lower()


@FEW
@given(SECRET_NAMES, REPORTED_SECRET_VALUES)
def test_no_generated_secret_reaches_a_rendered_report(name: str, value: str) -> None:
    """A secret default, a .env value and a compose password, audited and rendered in every format."""
    assume(not re.fullmatch(r"\$\{?\w+\}?|true|false|null|none", value, re.IGNORECASE))
    upper = name.upper()
    files = {
        "README.md": "# svc\n",
        "app/settings.py": f'import os\n\n{upper} = os.getenv("{upper}", "{value}")\n',
        "app/core/config.py": f'from pydantic_settings import BaseSettings\n\n\nclass S(BaseSettings):\n'
                              f'    {name}: str = "{value}"\n',
        ".env": f"{upper}={value}\n",
        "docker-compose.yml": f"services:\n  db:\n    environment:\n      {upper}: '{value}'\n",
    }
    assume(all(value not in text.replace(value, "") for text in files.values()))
    assume(value not in "# svc import os getenv from pydantic_settings BaseSettings class services environment")
    assume(value.lower() not in _RULE_TEXTS)  # a word of a rule's fixed text ("password", "example") is no leak
    _, rendered = _audit_and_render(files)
    assert value not in rendered


@pytest.mark.parametrize("shape", ["a=" * 30_000, "password=" * 6_000, '"' * 60_000])
def test_redaction_of_a_hostile_line_keeps_its_length_bounded(shape: str) -> None:
    out = redact_text(shape, "requirements.txt")
    assert len(out) <= len(shape) + len(MASK)
