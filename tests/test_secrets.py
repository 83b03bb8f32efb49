"""The committed-secret scanner: what it finds, what it ignores, and that values never leave it."""

from __future__ import annotations

import json
import marshal
from pathlib import Path

from archaudit.analyze import TEXT_SCANNERS, analyze
from archaudit.redact import MASK, TOKEN_PATTERNS, redact_text
from archaudit.report import render_json, render_markdown
from archaudit.scan.secrets import MAX_RECORDS_PER_FILE, scan
from tests.conftest import repo_of, report_of, write_tree

# Obviously fake values that still match each format, split in two literals so that this source file
# itself holds no token (archaudit audits its own repository).
FAKES = {
    "GitHub token": "ghp" "_FAKEfake0123456789FAKEfake0123456789ab",
    "AWS access key id": "AKI" "AFAKE0123456789AB",
    "Slack token": "xox" "b-000000000000-FAKEFAKEFAKE",
    "Stripe secret key": "sk_" "live_FAKEfake0123456789abcd",
    "OpenAI-style API key": "sk-" "FAKEfake0123456789FAKEfake0123",
    "Google API key": "AIz" "aFAKEfake0123456789FAKEfake012345678",
    "JSON Web Token": "eyJ" "hbGciOiJIUzI1NiJ9.eyJzdWIiOiJmYWtlLXVzZXIifQ.FAKEsignature0123456789",
    "GitLab token": "glp" "at-FAKEfake0123456789ab",
    "SendGrid API key": "SG." "FAKEfake0123456789FAKE.FAKEfake0123456789FAKEfake0123456789FAKEfak",
    "Slack webhook URL": "htt" "ps://hooks.slack.com/services/TFAKE0000/BFAKE0000/FAKEfake0123456789",
    "PyPI upload token": "pyp" "i-AgEIcHlwaS5vcmc" + "FAKEfake0123456789" * 4,
}
PRIVATE_KEY = (
    "-----BEGIN RSA PRIV" "ATE KEY-----\n"
    "MIIEowIBAAKCAQEAFAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKE\n"
    "-----END RSA PRIVATE KEY-----\n"
)


def test_every_fake_format_is_found_with_kind_and_line() -> None:
    lines = [f'{kind.replace(" ", "_").replace("-", "_").upper()} = "{value}"' for kind, value in FAKES.items()]
    records = scan("app/settings.py", "\n".join(lines) + "\n")
    assert records == [{"kind": kind, "line": i} for i, kind in enumerate(FAKES, start=1)]


def test_private_key_with_key_material_is_found_on_its_header_line() -> None:
    assert scan("deploy/key.pem", "# deploy key\n" + PRIVATE_KEY) == [{"kind": "private key", "line": 2}]


def test_records_never_hold_the_value() -> None:
    text = "\n".join(FAKES.values()) + "\n" + PRIVATE_KEY
    records = scan("x.txt", text)
    assert len(records) == len(FAKES) + 1
    dumped = repr(records) + marshal.dumps(records).hex()
    for value in FAKES.values():
        assert value not in dumped and value[:12] not in dumped
    assert all(set(r) == {"kind", "line"} for r in records)


def test_placeholders_samples_and_bare_key_headers_are_ignored() -> None:
    text = "\n".join([
        "GITHUB_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        "AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE",
        "AWS_ACCESS_KEY_ID=AKIAXXXXXXXXXXXXXXXX",
        "OPENAI_API_KEY=sk-your-key-here-xxxxxxxxxxxxxxxxxxxx",
        "STRIPE=sk_live_000000000000000000000000",
        "Keys start with -----BEGIN PRIVATE KEY----- and end with the END line.",
        "-----BEGIN RSA PRIVATE KEY-----",
        "...",
        "jwt.io sample: eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwia"
        "WF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
    ])
    assert scan(".env.example", text) == []


def test_lockfiles_are_not_scanned_and_records_are_capped() -> None:
    token = FAKES["GitHub token"]
    assert scan("package-lock.json", f'"x": "{token}"') == []
    many = "\n".join(f"T{i} = '{token}'" for i in range(80))
    records = scan("app/many.py", many)
    assert len(records) == MAX_RECORDS_PER_FILE
    assert records[0] == {"kind": "GitHub token", "line": 1}


def test_every_detectable_kind_is_masked_in_snippets() -> None:
    """What the scanner reports, the engine's snippet redaction must hide (same patterns)."""
    kinds = {kind for kind, _ in TOKEN_PATTERNS}
    assert set(FAKES) | {"private key"} == kinds
    for value in FAKES.values():
        line = f'API = "{value}"'
        assert value not in redact_text(line) and MASK in redact_text(line)


def test_scanner_is_registered_once_and_runs_in_analyze() -> None:
    assert [name for name, _ in TEXT_SCANNERS].count("secrets") == 1
    result = analyze("config/settings.yaml", "yaml", f"github_token: {FAKES['GitHub token']}\n".encode())
    assert result["secrets"] == [{"kind": "GitHub token", "line": 1}]
    assert "secrets" not in analyze("app/ok.py", "python", b"TOKEN = os.environ['TOKEN']\n")


def test_repo_exposes_records_and_reports_never_show_the_value(tmp_path: Path) -> None:
    token = FAKES["GitHub token"]
    aws = FAKES["AWS access key id"]
    write_tree(tmp_path, {
        "README.md": "# svc\n",
        "app/settings.py": f'import os\n\nGITHUB_TOKEN = "{token}"\n',
        "deploy/.env.production": f"AWS_ACCESS_KEY_ID={aws}\n",
    })
    assert list(repo_of(tmp_path).extra("secrets")) == [
        ("app/settings.py", [{"kind": "GitHub token", "line": 3}]),
        ("deploy/.env.production", [{"kind": "AWS access key id", "line": 1}]),
    ]
    report = report_of(tmp_path)
    found = sorted((f.evidence[0].ref, f.message) for f in report.findings if f.rule == "SEC008")
    assert found == [
        ("app/settings.py:3", "GitHub token committed in app/settings.py:3 (value not shown)."),
        ("deploy/.env.production:1", "AWS access key id committed in deploy/.env.production:1 (value not shown)."),
    ]
    outputs = render_json.render(report) + render_markdown.render(report) + json.dumps(repr(report))
    assert token not in outputs and aws not in outputs
    assert token[4:16] not in outputs
