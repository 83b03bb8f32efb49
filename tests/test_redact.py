"""The one redaction step: which spans are secret (by pattern, by fact), what stays readable, that it is
idempotent, that it covers every string of a report, and that it runs in linear time on hostile text.

Secret values here are made up and split where they would match a token format, so that this file
itself holds no token (archaudit audits its own repository)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from archaudit.findings import Axis, Evidence, Finding, Hit, Severity, Undetermined
from archaudit.model import Fact, Report, Section, Table
from archaudit.redact import MASK, mode_of, redact_report, redact_text
from archaudit.repo import Repo
from archaudit.rules.base import Rule
from archaudit.rules.engine import run_rules
from tests.conftest import repo_of, write_tree

VALUE = "zq-7Hx9-plant"  # the planted secret of every form below

# (line, file it comes from): each line holds VALUE as the value of a secret-named setting
LEAKING_FORMS = [
    (f'X_SECRET = config("X_SECRET", default="{VALUE}")', "app/settings.py"),  # decouple / starlette
    (f'SECRET_KEY = os.getenv("SECRET_KEY", "{VALUE}")', "app/settings.py"),
    (f'SECRET_KEY = os.environ.get("SECRET_KEY") or "{VALUE}"', "app/settings.py"),
    (f"SECRET_KEY = os.environ.get('SECRET_KEY') or '{VALUE}'", "config.py"),
    (f'app.config["SECRET_KEY"] = "{VALUE}"', "app/__init__.py"),
    (f'os.environ.setdefault("DJANGO_SECRET_KEY", "{VALUE}")', "manage.py"),
    (f'    jwt_secret: str = Field("{VALUE}", env="JWT_SECRET")', "app/core/config.py"),
    (f'def connect(password: str = "{VALUE}"):', "app/db.py"),
    (f'SECRET_KEY = "{VALUE}"  # the password', "app/settings.py"),
    (f'SECRET_KEY = f"{VALUE}" + suffix', "app/settings.py"),
    (f'    "password": "{VALUE}",', "app/settings.py"),
    (f'PASSWORDS = ["{VALUE}", "other"]', "app/settings.py"),
    (f'const jwtSecret = "{VALUE}";', "src/config.ts"),
    (f"const jwtSecret = process.env.JWT_SECRET || '{VALUE}';", "src/config.ts"),
    (f"  secret: process.env.JWT_SECRET ?? `{VALUE}`,", "src/auth/auth.module.ts"),
    (f"jwt.sign(payload, process.env.JWT_SECRET || '{VALUE}')", "src/auth.js"),
    (f"SECRET_KEY={VALUE}", ".env"),
    (f"SECRET_KEY=&{VALUE}", ".env"),  # `&` ends nothing (found by the property tests)
    (f"export API_TOKEN='{VALUE}'", ".env.production"),
    (f"DB_PASSWORD = {VALUE} ; comment", "alembic.ini"),
    (f'password = "{VALUE}"', "pyproject.toml"),
    (f"  secret_key: {VALUE}", "config/app.yaml"),
    (f"      - POSTGRES_PASSWORD={VALUE}", "docker-compose.yml"),
    (f'      - "API_TOKEN={VALUE}"', "docker-compose.yml"),
    (f"ENV API_TOKEN {VALUE}", "Dockerfile"),
    (f'{{"client_secret": "{VALUE}"}}', "credentials.json"),
    (f'body = "{{\\"password\\": \\"{VALUE}\\"}}"', "tests/test_api.py"),
    (f"x = 1  # password: {VALUE}", "app/main.py"),
    (f"DATABASE_URL=postgres://app:{VALUE}@db:5432/app", ".env"),
    (f'url = "redis://:{VALUE}@cache:6379/0"', "app/cache.py"),
    (f"sqlalchemy.url = mysql://root:{VALUE}@localhost/app", "alembic.ini"),
    (f"PASSWORD = {VALUE.replace('-', '')}", "app/settings.ini"),  # a bare word, in a data file
    (f"password: {VALUE.replace('-', '')}", "app/settings.py"),  # a bare word after `:` is no type name
]


@pytest.mark.parametrize(("line", "path"), LEAKING_FORMS)
def test_every_form_of_a_secret_value_is_masked(line: str, path: str) -> None:
    out = redact_text(line, path)
    assert VALUE not in out and VALUE.replace("-", "") not in out, out
    assert MASK in out
    assert redact_text(out, path) == out  # idempotent: the report pass redacts again


def test_multiline_call_masks_the_default_but_keeps_the_variable_name() -> None:
    text = f'SECRET_KEY = config(\n    "SECRET_KEY",\n    default="{VALUE}",\n)'
    assert redact_text(text, "app/settings.py") == f'SECRET_KEY = config(\n    "SECRET_KEY",\n    default="{MASK}",\n)'


@pytest.mark.parametrize(("line", "path"), [
    ("SECRET_KEY = settings.SECRET_KEY", "app/main.py"),
    ('SECRET_KEY = os.environ["SECRET_KEY"]', "app/settings.py"),
    ('SECRET_KEY = os.getenv("SECRET_KEY")', "app/settings.py"),
    ("create_user(email=email, password=password)", "app/api.py"),
    ("def login(password: str, token: Optional[str] = None) -> Token:", "app/api.py"),
    ('token = jwt.encode({"sub": user.id, "exp": expires}, settings.SECRET_KEY)', "app/auth.py"),
    ("ACCESS_TOKEN_EXPIRE_MINUTES = 30", "app/settings.py"),
    ("const secret = this.config.get<string>('JWT_SECRET');", "src/auth.service.ts"),
    ("JWT_SECRET_KEY (Settings) has a literal default, and nothing refuses it at startup.", ""),
    (".env is not git-ignored and sets 2 variables (secret-looking: DATABASE_URL, JWT_SECRET).", ""),
    ("the application signs tokens or connects with a value that is public", ""),
    ("TOKEN_URL: /api/v1/login/access-token", ""),
])
def test_code_names_and_prose_stay_readable(line: str, path: str) -> None:
    """Look-alikes: a name, a read of the environment, a dict key or a sentence is no secret value."""
    assert redact_text(line, path) == line


def test_modes_follow_the_file_kind() -> None:
    assert (mode_of("app/x.py"), mode_of("web/x.tsx"), mode_of(".env"), mode_of("a.yaml"), mode_of("")) == (
        "code", "code", "data", "data", "text")
    # a bare word is a variable in code and the value itself in data
    assert redact_text("password = hunter", "app/x.py") == "password = hunter"
    assert redact_text("password = hunter", "app.ini") == f"password = {MASK}"


def test_key_material_and_token_formats_are_masked() -> None:
    body = "MIIEowIBAAKCAQEA7bq" + "Zx4Lm9Qw2Rt5Yu8Io3Pa6Sd1Fg4Hj7Kl0Zx3Cv6Bn9Mq2We5Rt8Yu1"
    block = "-----BEGIN RSA PRIV" f"ATE KEY-----\n{body}\n-----END RSA PRIVATE KEY-----"
    assert body not in redact_text(block, "deploy/key.pem")
    assert body not in redact_text(body, "deploy/key.pem")  # a key body line on its own
    escaped = block.replace("\n", "\\n")
    assert body not in redact_text(f'KEY = "{escaped}"', "app/x.py")
    assert body not in redact_text(f'key = load("{escaped}")', "app/x.py")
    for token in ("ghp" "_" + "a1B2c3D4" * 5, "github" "_pat_" + "11ABCDEFG0" * 4, "AKI" "AZ2X7Q4R5T6Y8U9W0",
                  "xox" "b-1234567890-abcdefghij", "npm" "_" + "a1B2c3D4e5" * 4,
                  "AI" "za" + "0" * 34 + "-"):  # a Google key may end with "-" (no word boundary after it)
        assert token not in redact_text(f"see {token} here", ""), token


def test_known_values_are_masked_wherever_they_appear() -> None:
    assert redact_text(f"    default={VALUE!r},", "app/settings.py", known=[VALUE]) == f"    default='{MASK}',"
    assert redact_text("short", known=["abc"]) == "short"  # too short to be masked by fact alone


def _hits(repo: Repo) -> Iterator[Hit]:
    yield Hit("app/settings.py", 3, f"the default is {VALUE}", secrets=(VALUE,),
              also=(Evidence("app/settings.py", 2),))


def test_engine_masks_the_values_a_rule_passes_in_every_snippet_and_the_message(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app/settings.py": f'import os\nX = ("{VALUE}",\n     "{VALUE}")\n'})
    rule = Rule(id="TST999", name="t", axis=Axis.CONFIG_SECURITY, severity=Severity.HIGH, title="t", impact="i",
                action="a", check=_hits)
    findings, failures = run_rules(repo_of(tmp_path), [rule])
    assert not failures and len(findings) == 1
    f = findings[0]
    assert VALUE not in f.message + "".join(e.snippet for e in f.evidence)
    assert [e.snippet for e in f.evidence] == [f'"{MASK}")', f'X = ("{MASK}",']


def test_report_pass_covers_every_string_and_keeps_enums() -> None:
    leak = f"api_token={VALUE}"
    finding = Finding("R1", "n", Severity.HIGH, Axis.SECURITY, "t", leak, "i", "a",
                      (Evidence(".env", 1, leak),), "f")
    report = Report("0", "repo", None, {"headlines": [leak]},
                    [Section("config", "Config", (Fact(leak),), (Table("t", "T", ("v",), ({"v": leak},)),), (leak,))],
                    [finding], [], [Fact(leak)], [], [Undetermined("x", leak)])
    safe = redact_report(report, known=["plain-known-value"])
    assert VALUE not in repr(safe)
    assert safe.findings[0].severity is Severity.HIGH and safe.findings[0].axis is Axis.SECURITY
    assert report.findings[0].message == leak  # a copy: the input is untouched


LONG = 60_000
HOSTILE_LINES = {
    "a= repeated": "a=" * (LONG // 2),
    "token= repeated": "token=" * (LONG // 6),
    "secret names with colons": "password:" * (LONG // 9),
    "secret literals and commas": '"token",' * (LONG // 8),
    "nested secret keywords": "f(password=" * (LONG // 11),
    "one long quoted string": 'SECRET = "' + "x" * LONG + '"',
    "unterminated quotes": '"' * LONG,
    "long dotted name": ".".join(["abc"] * (LONG // 4)),
    "long dotted secret name": ".".join(["token"] * (LONG // 6)),
    "scheme-like run": "a." * (LONG // 2) + "://",
    "url users": "http://" + "u:" * (LONG // 2),
    "brackets": "(" * (LONG // 2) + ")" * (LONG // 2),
    "base64 run": "A1a" * (LONG // 3),
    "token prefixes": "sk-" * (LONG // 3) + "ghp_" * 100,
    "requirement with hashes": "package==1.0 --hash=sha256:" + "ab" * (LONG // 2),
    "one call, many literals": "x_secret = config(" + '"a", ' * (LONG // 5) + ")",
    "dockerfile env": "ENV TOKEN " + "x " * (LONG // 2),
}


@pytest.mark.parametrize("shape", sorted(HOSTILE_LINES))
def test_redaction_is_linear_on_a_60_kb_line(shape: str) -> None:
    text = HOSTILE_LINES[shape]
    for path in ("", "app/x.py", "requirements.txt"):
        start = time.perf_counter()
        redact_text(text, path)
        assert time.perf_counter() - start < 0.5, (shape, path)


def test_report_pass_masks_known_secrets_but_not_plain_words_everywhere() -> None:
    """`postgres` as a password default is masked where it is assigned, not in every `postgresql://`."""
    report = Report("0", "repo", None, {}, [Section("s", "S", (Fact("uses postgresql+asyncpg:// and wagtail.admin"),
                                                                 Fact(f"value {VALUE} here")))],
                    [], [], [], [], [])
    safe = redact_report(report, known=["postgres", "wagtail", "False", VALUE])
    assert [f.text for f in safe.sections[0].facts] == ["uses postgresql+asyncpg:// and wagtail.admin",
                                                         f"value {MASK} here"]
    assert redact_text("ACCESS_TOKEN_LIFETIME = timedelta(minutes=5)", "app/settings.py").endswith("(minutes=5)")
    cell = "{'ACCESS_TOKEN_LIFETIME': {'$': 'timedelta()'}}"
    assert redact_text(cell) == cell


def test_command_line_errors_go_through_the_redaction_step() -> None:
    from archaudit.cli import UsageFailure

    assert VALUE not in UsageFailure(f"invalid archaudit configuration: api_token = '{VALUE}'").message
