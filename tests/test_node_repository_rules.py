"""The repository-level rules that claim an absence (OBS003 request id, OBS004 error tracker, DX002
git hooks, CFG010 .env template) judge Node.js backends too: they fire on a NestJS/Express service
that lacks the practice, with the place where the application is created, and stay silent when the
npm package, header or start command providing it is there, or when the code is only tests."""

from __future__ import annotations

from pathlib import Path

from archaudit.rules.base import Rule
from archaudit.rules.config_security.env_example_missing import RULE as CFG010
from archaudit.rules.devex.no_git_hooks import RULE as DX002
from archaudit.rules.engine import run_rules
from archaudit.rules.observability.no_error_tracking import RULE as OBS004
from archaudit.rules.observability.no_request_id import RULE as OBS003
from archaudit.rules.performance.engine_without_pool import RULE as PERF005
from tests.conftest import repo_of

PACKAGE = '{"name": "api", "dependencies": {"@nestjs/core": "^10.0.0", "@nestjs/common": "^10.0.0"%s}%s}'
MAIN = """import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';
%s
async function bootstrap() {
  const app = await NestFactory.create(AppModule);
  await app.listen(3000);
}
bootstrap();
"""
EXPRESS = """const express = require('express');
const dotenv = require('dotenv');

dotenv.config();
const app = express();
app.get('/health', (req, res) => res.json({ ok: true }));
app.listen(process.env.PORT || 5000);
"""


def _tree(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def _places(rule: Rule, root: Path) -> set[tuple[str, int]]:
    findings, failures = run_rules(repo_of(root), [rule])
    assert not failures, failures
    return {(f.evidence[0].path, f.evidence[0].line) for f in findings}


def _nest(tmp_path: Path, extra_import: str = "", deps: str = "", more: dict[str, str] | None = None) -> Path:
    return _tree(tmp_path, {"package.json": PACKAGE % (deps, ""), "src/main.ts": MAIN % extra_import,
                            "src/app.module.ts": "export class AppModule {}\n", **(more or {})})


def test_nest_backend_without_tracker_or_request_id(tmp_path: Path) -> None:
    root = _nest(tmp_path)
    assert _places(OBS004, root) == {("src/main.ts", 5)}
    assert _places(OBS003, root) == {("src/main.ts", 5)}


def test_express_backend_without_tracker(tmp_path: Path) -> None:
    root = _tree(tmp_path / "e", {"package.json": '{"dependencies": {"express": "^4"}}', "server.js": EXPRESS})
    assert _places(OBS004, root) == {("server.js", 5)}
    loader = ("import { createExpressServer } from 'routing-controllers';\n\n"
              "export const app = createExpressServer({ controllers: [] });\n")
    routed = _tree(tmp_path / "r", {"package.json": '{"dependencies": {"express": "^4"}}',
                                    "src/context.ts": "import express from 'express';\nexport const r = 1;\n",
                                    "src/loader.ts": loader})
    assert _places(OBS004, routed) == {("src/loader.ts", 3)}


def test_sentry_and_request_id_packages_count(tmp_path: Path) -> None:
    root = _nest(tmp_path, "import * as Sentry from '@sentry/nestjs';\nimport { ClsModule } from 'nestjs-cls';\n")
    assert _places(OBS004, root) == set()
    assert _places(OBS003, root) == set()


def test_request_id_header_and_preloaded_agent_count(tmp_path: Path) -> None:
    middleware = ("export function requestIdMiddleware(req, res, next) {\n"
                  "  res.setHeader('X-Request-ID', req.headers['x-request-id'] ?? crypto.randomUUID());\n"
                  "  next();\n}\n")
    root = _tree(tmp_path / "a", {"package.json": PACKAGE % ("", ""), "src/main.ts": MAIN % "",
                                  "src/request-id.ts": middleware})
    assert _places(OBS003, root) == set()
    context = ("export const context = ({ req }) => {\n  const requestId = Math.random();\n"
               "  return { requestId, req };\n};\n")
    scoped = _tree(tmp_path / "c", {"package.json": PACKAGE % ("", ""), "src/main.ts": MAIN % "",
                                    "src/context.ts": context})
    assert _places(OBS003, scoped) == set()
    preloaded = _tree(tmp_path / "b", {"package.json": PACKAGE % ("", ', "scripts": {"start": "node -r dd-trace/init '
                                                                      'dist/main"}'),
                                       "src/main.ts": MAIN % ""})
    assert _places(OBS004, preloaded) == set()


def test_tracker_imported_only_by_tests_does_not_count(tmp_path: Path) -> None:
    root = _nest(tmp_path, more={"test/app.e2e-spec.ts": "import * as Sentry from '@sentry/node';\n"})
    assert _places(OBS004, root) == {("src/main.ts", 5)}


def test_front_end_only_is_not_a_backend(tmp_path: Path) -> None:
    root = _tree(tmp_path, {"package.json": '{"dependencies": {"react": "^18"}}',
                            "src/main.tsx": "import React from 'react';\nexport const App = () => null;\n"})
    assert _places(OBS004, root) == set()
    assert _places(OBS003, root) == set()


def test_git_hooks_in_node_projects(tmp_path: Path) -> None:
    bare = _nest(tmp_path / "bare")
    assert _places(DX002, bare) == {(".", 0)}
    hooked = _tree(tmp_path / "hooked", {"package.json": PACKAGE % ("", ', "devDependencies": {"lint-staged": "^15"}'),
                                         "src/main.ts": MAIN % ""})
    assert _places(DX002, hooked) == set()


def test_dotenv_without_template(tmp_path: Path) -> None:
    root = _tree(tmp_path / "express", {"package.json": '{"dependencies": {"express": "^4", "dotenv": "^16"}}',
                                        "server.js": EXPRESS})
    assert _places(CFG010, root) == {("server.js", 2)}
    nest = _nest(tmp_path / "nest", more={"src/app.module.ts": (
        "import { Module } from '@nestjs/common';\nimport { ConfigModule } from '@nestjs/config';\n\n"
        "@Module({ imports: [ConfigModule.forRoot({ isGlobal: true })] })\nexport class AppModule {}\n")})
    assert _places(CFG010, nest) == {("src/app.module.ts", 4)}


def test_dotenv_with_template_or_no_env_file(tmp_path: Path) -> None:
    templated = _tree(tmp_path / "t", {"package.json": '{"dependencies": {"express": "^4"}}', "server.js": EXPRESS,
                                       ".env.example": "PORT=5000\n"})
    assert _places(CFG010, templated) == set()
    ignored = _nest(tmp_path / "i", more={"src/app.module.ts": (
        "import { ConfigModule } from '@nestjs/config';\n"
        "export const config = ConfigModule.forRoot({ ignoreEnvFile: true });\n")})
    assert _places(CFG010, ignored) == set()
    only_tests = _nest(tmp_path / "s", more={"test/setup.ts": "import 'dotenv/config';\n"})
    assert _places(CFG010, only_tests) == set()
    undotted = _tree(tmp_path / "u", {"package.json": '{"dependencies": {"express": "^4"}}', "server.js": EXPRESS,
                                      "env-example-relational": "DATABASE_HOST=localhost\n"})
    assert _places(CFG010, undotted) == set()
    loads_template = _tree(tmp_path / "l", {"package.json": '{"dependencies": {"express": "^4"}}',
                                            "app.js": "process.loadEnvFile('.env.example');\n" + EXPRESS})
    assert _places(CFG010, loads_template) == set()


TYPEORM = """import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';

@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      useFactory: (config: ConfigService) => ({
        type: 'postgres',
        host: config.get('DATABASE_HOST'),
        entities: [__dirname + '/**/*.entity{.ts,.js}'],
        synchronize: false,%s
      }),
    }),
  ],
})
export class AppModule {}
"""
DATA_SOURCE = """import { DataSource } from 'typeorm';

export default new DataSource({ type: 'postgres', host: process.env.DB_HOST, entities: ['src/**/*.entity.ts'] });
"""


def test_typeorm_without_pool_options(tmp_path: Path) -> None:
    scripts = ', "scripts": {"migration:run": "typeorm -d src/data-source.ts migration:run"}'
    root = _nest(tmp_path / "bare", deps=', "@nestjs/typeorm": "^10"', more={
        "src/app.module.ts": TYPEORM % "", "src/data-source.ts": DATA_SOURCE})
    (root / "package.json").write_text(PACKAGE % (', "@nestjs/typeorm": "^10"', scripts), encoding="utf-8")
    assert _places(PERF005, root) == {("src/app.module.ts", 10)}
    pooled = _nest(tmp_path / "pooled", more={"src/app.module.ts": TYPEORM % "\n        extra: { max: 20 },"})
    assert _places(PERF005, pooled) == set()
    spread = _nest(tmp_path / "spread", more={"src/app.module.ts": TYPEORM % "\n        ...poolOptions,"})
    assert _places(PERF005, spread) == set()
    local = (TYPEORM % "").replace("type: 'postgres',\n        host: config.get('DATABASE_HOST'),",
                                   "type: 'sqlite',\n        database: 'db.sqlite',")
    sqlite = _nest(tmp_path / "sqlite", more={"src/app.module.ts": local})
    assert _places(PERF005, sqlite) == set()
    tests = _nest(tmp_path / "tests", more={"test/app.e2e-spec.ts": TYPEORM % ""})
    assert _places(PERF005, tests) == set()
