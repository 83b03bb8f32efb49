"""TypeScript rules: an inline route handler is one only in a file that imports an HTTP framework,
and orchestration of ordinary size is not business logic (TS003)."""

from __future__ import annotations

from pathlib import Path

from archaudit.rules import RULES_BY_ID
from archaudit.rules.engine import run_rules
from tests.conftest import repo_of, write_tree


def places(rule_id: str, root: Path) -> list[tuple[str, int]]:
    findings, failures = run_rules(repo_of(root), [RULES_BY_ID[rule_id]])
    assert not failures, failures
    return sorted((f.evidence[0].path, f.evidence[0].line) for f in findings)


def _handler(statements: int) -> str:
    body = "".join(f"    const v{i} = await load{i}(ctx);\n" for i in range(statements - 1))
    return f"router.post('/items', async (ctx) => {{\n{body}    ctx.body = v0;\n}});\n"


def test_inline_handlers_need_a_framework_and_real_size(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "package.json": '{"dependencies": {"koa-router": "1"}}',
        "server/routes/items.ts": "import Router from 'koa-router';\nconst router = new Router();\n" + _handler(45),
        "server/routes/small.ts": "import Router from 'koa-router';\nconst router = new Router();\n" + _handler(30),
        "static/js/page.js": "$.get('/api/items', function (data) {\n" + "".join(
            f"  var x{i} = data[{i}];\n" for i in range(50)) + "});\n",
    })
    assert places("TS003", tmp_path) == [("server/routes/items.ts", 3)]


def _nest(files: dict[str, str]) -> dict[str, str]:
    return {
        "package.json": '{"dependencies": {"@nestjs/common": "10", "@nestjs/core": "10"}}',
        "tsconfig.json": '{"compilerOptions": {"baseUrl": "./", "paths": {"@modules/*": ["src/modules/*"]}}}',
        "src/main.ts": "import { NestFactory } from '@nestjs/core';\nimport { AppModule } from './app.module';\n"
                       "async function bootstrap() {\n  const app = await NestFactory.create(AppModule);\n"
                       "  app.setGlobalPrefix('api');\n  await app.listen(3000);\n}\nbootstrap();\n",
        "src/app.module.ts": "import { Module } from '@nestjs/common';\n"
                             "import { AuthModule } from './modules/auth/auth.module';\n"
                             "import { FilesModule } from './modules/files/files.module';\n"
                             "@Module({ imports: [AuthModule, FilesModule] })\nexport class AppModule {}\n",
        "src/modules/auth/auth.controller.ts": "import { Controller, Post } from '@nestjs/common';\n"
                                               "@Controller('auth')\nexport class AuthController {\n"
                                               "  @Post('login')\n  login() { return 1; }\n}\n",
        "src/modules/auth/auth.module.ts": "import { Module } from '@nestjs/common';\n"
                                           "import { AuthController } from './auth.controller';\n"
                                           "import { MailModule } from '../mail/mail.module';\n"
                                           "@Module({ imports: [MailModule], controllers: [AuthController] })\n"
                                           "export class AuthModule {}\n",
        "src/modules/mail/mail.module.ts": "import { Module } from '@nestjs/common';\n"
                                           "import { MailService } from './mail.service';\n"
                                           "@Module({ providers: [MailService] })\nexport class MailModule {}\n",
        "src/modules/mail/mail.service.ts": "export class MailService {}\n",
        "src/modules/files/files.controller.ts": "import { Controller, Post } from '@nestjs/common';\n"
                                                 "@Controller('files')\nexport class FilesController {\n"
                                                 "  @Post('upload')\n  upload() { return 1; }\n}\n",
        "src/modules/files/files.module.ts": "import { Module } from '@nestjs/common';\n"
                                             "import { FilesController } from './files.controller';\n"
                                             "@Module({ controllers: [FilesController] })\n"
                                             "export class FilesModule {}\n",
        "src/modules/empty/empty.module.ts": "import { Module } from '@nestjs/common';\n"
                                             "@Module({})\nexport class EmptyModule {}\n",
        **files,
    }


def test_modules_exercised_end_to_end_are_tested(tmp_path: Path) -> None:
    """The e2e suite logs in (AuthModule, and the MailModule it imports); nobody uploads files;
    an empty @Module({}) has nothing to test."""
    write_tree(tmp_path, _nest({"test/auth.e2e-spec.ts": "import request from 'supertest';\n"
                                "it('logs in', () => request(app).post('/api/auth/login').expect(201));\n"}))
    assert places("TS007", tmp_path) == [("src/modules/files/files.module.ts", 3)]


def test_a_tsconfig_alias_import_from_a_test_counts(tmp_path: Path) -> None:
    write_tree(tmp_path, _nest({"test/files.spec.ts": "import { FilesController } from "
                                "'@modules/files/files.controller';\nit('x', () => new FilesController());\n"}))
    assert places("TS007", tmp_path) == [("src/modules/auth/auth.module.ts", 4),
                                         ("src/modules/mail/mail.module.ts", 3)]


def test_the_cors_preflight_beside_the_middleware_is_one_place_not_two(tmp_path: Path) -> None:
    app = ("const express = require('express');\nconst cors = require('cors');\nconst app = express();\n"
           "app.use(cors());\napp.options('*', cors());\nmodule.exports = app;\n")
    write_tree(tmp_path / "both", {"package.json": '{"dependencies": {"express": "4", "cors": "2"}}',
                                   "src/app.js": app})
    findings, _ = run_rules(repo_of(tmp_path / "both"), [RULES_BY_ID["TS006"]])
    assert [e.ref for f in findings for e in f.evidence] == ["src/app.js:4"]
    # the preflight alone still opens every origin to preflighted requests
    alone = app.replace("app.use(cors());\n", "")
    write_tree(tmp_path / "alone", {"package.json": '{"dependencies": {"express": "4", "cors": "2"}}',
                                    "src/app.js": alone})
    findings, _ = run_rules(repo_of(tmp_path / "alone"), [RULES_BY_ID["TS006"]])
    assert [e.ref for f in findings for e in f.evidence] == ["src/app.js:4"]
