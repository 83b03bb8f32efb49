"""TS009 ts-tls-verification-disabled."""

from __future__ import annotations

import re
from collections.abc import Iterator

from archaudit.findings import Axis, Hit, Message, Severity
from archaudit.languages.typescript.facts import SettingFact
from archaudit.repo import Repo
from archaudit.resolve.typescript_index import dep_line, js_packages
from archaudit.rules.base import Rule
from archaudit.rules.config_security._ts_settings import shipped_settings

_ENV = "NODE_TLS_REJECT_UNAUTHORIZED"
_ENV_OFF = re.compile(_ENV + r"""\s*=\s*['"]?0\b""")
_TEST_SCRIPT = re.compile(r"(^|:)(test|e2e|cypress|playwright|jest|vitest)", re.I)


def _verdict(setting: SettingFact) -> str:
    key, value = setting["key"], setting["value"]
    if key == "rejectUnauthorized" and value is False:
        return f"`{setting['target']} = false`" if setting["target"] else "`rejectUnauthorized: false`"
    if key == _ENV and setting["target"].startswith("process.env") and value in ("0", 0):
        return Message("`process.env.{env} = '0'` (every HTTPS connection of the process)", env=_ENV)
    return ""


def _script_hits(repo: Repo) -> Iterator[Hit]:
    """package.json scripts that start the application with NODE_TLS_REJECT_UNAUTHORIZED=0."""
    for pkg in repo.derived(js_packages):
        for name, command in sorted(pkg.scripts.items()):
            if _ENV_OFF.search(command) and not _TEST_SCRIPT.search(name):
                line = dep_line(repo, pkg.manifest, name)
                yield Hit(pkg.manifest, line, Message("TLS verification disabled: script `{name}` sets {env}=0.",
                                                      name=name, env=_ENV),
                          key=f"script {name}")


def check(repo: Repo) -> Iterator[Hit]:
    """Flags TLS certificate verification switched off in TypeScript/JavaScript outside tests:
    `rejectUnauthorized: false` in any options object (https.Agent, axios httpsAgent, pg/TypeORM
    `ssl`, nodemailer `tls`, tls.connect...), `x.rejectUnauthorized = false`, and
    `process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0'`; also package.json scripts (other than
    test scripts) that run with NODE_TLS_REJECT_UNAUTHORIZED=0. Test files, test-named configs and
    test-named functions are ignored; a value computed from a condition is not judged."""
    for path, _facts, setting in shipped_settings(repo, "rejectUnauthorized", _ENV):
        verdict = _verdict(setting)
        if verdict:
            yield Hit(path, setting["line"], Message("TLS verification disabled: {verdict}.",
                                                     verdict=verdict), key=setting["key"])
    yield from _script_hits(repo)


RULE = Rule(
    id="TS009",
    name="ts-tls-verification-disabled",
    axis=Axis.CONFIG_SECURITY,
    severity=Severity.HIGH,
    title="TLS certificate verification is disabled (TypeScript backend)",
    impact="The service accepts any certificate, so anyone on the network path (a proxy, a compromised "
           "host, a rogue Wi-Fi) can impersonate the database or API it talks to and read or alter the "
           "traffic, credentials included.",
    action="Keep rejectUnauthorized at its default (true) and trust the provider's CA instead: "
           "ssl: { ca: fs.readFileSync(process.env.DB_CA_PATH) } or NODE_EXTRA_CA_CERTS; never set "
           "NODE_TLS_REJECT_UNAUTHORIZED=0 outside a local test.",
    check=check,
    example_bad="const pool = new Pool({ connectionString: process.env.DATABASE_URL,\n"
                "  ssl: { rejectUnauthorized: false } })",
    example_good="const pool = new Pool({ connectionString: process.env.DATABASE_URL,\n"
                 "  ssl: { ca: readFileSync(process.env.DB_CA_CERT_PATH!, 'utf8') } })",
)
