"""TypeScript hardening rules (TS101-TS107): the claims they leave "not determined" when a premise is
missing; the `env` facts the extractor records, the configuration inventory they fill for TypeScript,
and the "not analysed" notes of the sections that read Python only."""

from __future__ import annotations

from pathlib import Path

from archaudit.languages.typescript.extract import extract
from archaudit.model import Section
from archaudit.rules import ALL_RULES
from archaudit.rules.engine import run_rules
from tests.conftest import repo_of, report_of, write_tree

_RULES = {r.id: r for r in ALL_RULES}
_NEST = '{"name": "api", "dependencies": {"@nestjs/core": "^10.0.0"}}'


def _outcome(root: Path, rule: str) -> tuple[list[str], list[str]]:
    findings, unknown = run_rules(repo_of(root), [_RULES[rule]])
    return ([f"{f.evidence[0].path}:{f.evidence[0].line}" for f in findings],
            [f"{u.evidence[0].path}:{u.evidence[0].line}" for u in unknown])


def test_headers_not_determined_when_the_app_is_handed_to_an_outside_package(tmp_path: Path) -> None:
    write_tree(tmp_path, {"package.json": _NEST, "src/main.ts": (
        "import { NestFactory } from '@nestjs/core'\nimport { harden } from '@acme/bootstrap'\n"
        "async function bootstrap() {\n  const app = await NestFactory.create(AppModule)\n  harden(app)\n"
        "  await app.listen(3000)\n}\n")})
    assert _outcome(tmp_path, "TS101") == ([], ["src/main.ts:4"])


def test_whitelist_not_determined_when_options_are_computed(tmp_path: Path) -> None:
    write_tree(tmp_path, {"package.json": _NEST, "src/setup.ts": (
        "import { ValidationPipe } from '@nestjs/common'\n"
        "export function setup(app, opts) {\n  app.useGlobalPipes(new ValidationPipe(makeOptions(opts)))\n}\n")})
    assert _outcome(tmp_path, "TS104") == ([], ["src/setup.ts:3"])


def test_gateway_with_an_unreadable_connection_hook_is_not_determined(tmp_path: Path) -> None:
    write_tree(tmp_path, {"package.json": _NEST, "src/events.gateway.ts": (
        "import { SubscribeMessage, WebSocketGateway } from '@nestjs/websockets'\n\n@WebSocketGateway()\n"
        "export class EventsGateway {\n  handleConnection(client) { this.clients.add(client) }\n\n"
        "  @SubscribeMessage('events')\n  onEvent(body) { return body }\n}\n")})
    assert _outcome(tmp_path, "TS105") == ([], ["src/events.gateway.ts:4"])


def test_gateway_under_a_global_guard_is_not_determined(tmp_path: Path) -> None:
    write_tree(tmp_path, {"package.json": _NEST, "src/app.module.ts": (
        "import { Module } from '@nestjs/common'\nimport { APP_GUARD } from '@nestjs/core'\n"
        "@Module({ providers: [{ provide: APP_GUARD, useClass: JwtGuard }] })\nexport class AppModule {}\n"),
        "src/chat.gateway.ts": ("import { SubscribeMessage, WebSocketGateway } from '@nestjs/websockets'\n"
                                "@WebSocketGateway()\nexport class ChatGateway {\n"
                                "  @SubscribeMessage('m')\n  on(body) { return body }\n}\n")})
    assert _outcome(tmp_path, "TS105") == ([], ["src/chat.gateway.ts:3"])


def test_env_reads_with_their_defaults() -> None:
    facts = extract(
        "const a = process.env.JWT_SECRET || 'dev'\nconst b = process.env['DB_URL'] ?? 'x'\n"
        "const c = process.env.ORIGINS.split(',')\nconst { PORT = 3000, HOST } = process.env\n"
        "function f() { return process.env.NODE_ENV === 'production' }\ncleanEnv(process.env, {})\n", "x.ts")
    got = [(e["name"], e["line"], e["func"], e["has_default"], e["default"]) for e in facts["env"]]
    assert got == [("JWT_SECRET", 1, "", True, "dev"), ("DB_URL", 2, "", True, "x"), ("ORIGINS", 3, "", False, None),
                   ("HOST", 4, "", False, None), ("PORT", 4, "", True, 3000), ("NODE_ENV", 5, "f", False, None)]


def _sections(root: Path) -> dict[str, Section]:
    return {s.key: s for s in report_of(root).sections}


def test_a_typescript_backend_fills_configuration_and_says_what_is_not_analysed(tmp_path: Path) -> None:
    write_tree(tmp_path, {"package.json": _NEST, "src/main.ts": (
        "import 'dotenv/config'\nimport { NestFactory } from '@nestjs/core'\n"
        "async function bootstrap() {\n  const app = await NestFactory.create(AppModule)\n"
        "  await app.listen(process.env.PORT || 3000)\n}\n"),
        "src/config/app.config.ts": ("import { registerAs } from '@nestjs/config'\n"
                                     "export default registerAs('app', () => ({ secret: process.env.JWT_SECRET }))\n"),
        "test/app.e2e-spec.ts": "const url = process.env.TEST_URL\n"})
    sections = _sections(tmp_path)
    rows = {r["setting"]: (r["default"], r["file"], r["line"]) for t in sections["configuration"].tables
            if t.key == "settings" for r in t.rows}
    assert rows == {"PORT": ("3000", "src/main.ts", 5), "JWT_SECRET": ("(required)", "src/config/app.config.ts", 2)}
    texts = [f.text for f in sections["configuration"].facts]
    assert "@nestjs/config namespace 'app' (registerAs)" in texts
    assert "configuration loaded with dotenv (import 'dotenv/config')" in texts
    for key in ("architecture", "api", "data", "background", "integrations", "tests"):
        assert sections[key].not_analysed and sections[key].not_analysed[0].startswith(
            "TypeScript/JavaScript (2 application files)"), key
    assert not sections["configuration"].not_analysed  # the configuration section reads TypeScript


def test_python_and_front_end_code_get_no_typescript_note(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app/main.py": "import os\nDEBUG = os.environ.get('DEBUG')\n",
                          "web/package.json": '{"name": "web", "dependencies": {"react": "^18.0.0"}}',
                          "web/src/App.tsx": "export const App = () => <div>{process.env.API_URL}</div>\n"})
    assert not any(s.not_analysed for s in _sections(tmp_path).values())
