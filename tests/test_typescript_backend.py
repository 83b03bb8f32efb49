"""TypeScript backends: NestJS endpoints/modules/guards, Express routes through mounts, jobs, data,
architecture style, on the fixture repositories tests/fixtures/repos/ts_nest and ts_express."""

from __future__ import annotations

from pathlib import Path

from archaudit.detect import typescript_backends as ts_backend
from archaudit.detect.api.nest import find_nest_modules
from archaudit.detect.architecture.typescript import ts_architecture
from archaudit.detect.background.typescript import find_ts_jobs, is_cron
from archaudit.detect.data.typescript import find_ts_data, prisma_models
from archaudit.detect.typescript_backends import find_ts_endpoints
from tests.conftest import FIXTURES, repo_of, write_tree

NEST = FIXTURES / "repos" / "ts_nest"
EXPRESS = FIXTURES / "repos" / "ts_express"
CTRL = "src/infrastructure/routes/jeunes.controller.ts"


def test_nest_endpoints_with_prefix_versioning_and_guards() -> None:
    eps = find_ts_endpoints(repo_of(NEST))
    assert [(e.method, e.path, e.handler, e.file, e.line, e.auth, e.auth_evidence, e.version) for e in eps] == [
        ("GET", "/api/v1/jeunes/:idJeune", "JeunesController.getJeune", CTRL, 13, True, "JwtAuthGuard", "v1"),
        ("POST", "/api/v1/jeunes/:idJeune/actions", "JeunesController.creerAction", CTRL, 18, True,
         "JwtAuthGuard", "v1"),
        ("GET", "/api/v1/jeunes/status", "JeunesController.status", CTRL, 30, False, "@Public()", "v1"),
        ("GET", "/api/v2/jeunes/:idJeune/accueil", "JeunesController.getAccueil", CTRL, 24, True,
         "JwtAuthGuard", "v2"),
    ]
    assert {e.framework for e in eps} == {"nestjs"}


def test_nest_modules() -> None:
    mods = find_nest_modules(repo_of(NEST))
    assert [(m.name, m.file, m.line, m.controllers, m.global_guards) for m in mods] == [
        ("AppModule", "src/app.module.ts", 9, ("JeunesController",), ("JwtAuthGuard",)),
        ("WorkerModule", "src/worker.module.ts", 5, (), ()),
    ]
    assert mods[0].providers == ("APP_GUARD -> JwtAuthGuard", "GetJeuneQueryHandler", "CreerActionCommandHandler")


def test_nest_without_any_guard_leaves_auth_undetermined(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {
        "package.json": '{"dependencies": {"@nestjs/core": "10"}}',
        "src/a.controller.ts": "@Controller()\nexport class A {\n  @Get('x')\n  x() {}\n}\n",
    })
    [ep] = find_ts_endpoints(repo_of(root))
    assert (ep.path, ep.auth, ep.line) == ("/x", None, 3)


def test_express_routes_follow_mounts_and_middlewares() -> None:
    eps = find_ts_endpoints(repo_of(EXPRESS))
    assert [(e.method, e.path, e.handler, e.file, e.line, e.auth) for e in eps] == [
        ("GET", "/api/users", "controller.list", "src/routes/users.js", 6, False),
        ("GET", "/api/users/:id", "controller.getOne", "src/routes/users.js", 7, True),
        ("POST", "/api/users/:id/orders", "controller.createOrder", "src/routes/users.js", 8, True),
        ("GET", "/health", "(inline function)", "src/app.js", 8, False),
    ]


def test_fastify_and_koa(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {
        "package.json": '{"dependencies": {"fastify": "4", "@koa/router": "12"}}',
        "src/server.ts": "import Fastify from 'fastify'\nimport routes from './routes'\nconst app = Fastify()\n"
                         "app.register(routes, { prefix: '/v1' })\n"
                         "app.route({ method: 'POST', url: '/login', handler: login })\n",
        "src/routes.ts": "import { FastifyInstance } from 'fastify'\n"
                         "export default async function routes(app: FastifyInstance) {\n"
                         "  app.get('/items/:id', async (req) => ({}))\n}\n",
        "src/koa.ts": "import Router from '@koa/router'\nconst router = new Router({ prefix: '/k' })\n"
                      "router.del('/x/:id', remove)\n"
                      "router.post('documents.list', auth(), list)\n"
                      "cache.get('documents.list', fallback)\n"
                      "router.get('not a path', x)\n",
    })
    eps = find_ts_endpoints(repo_of(root))
    assert [(e.method, e.path, e.framework, e.line) for e in eps] == [
        ("POST", "/k/documents.list", "koa", 4), ("DELETE", "/k/x/:id", "koa", 3), ("POST", "/login", "fastify", 5),
        ("GET", "/v1/items/:id", "fastify", 3)]


def test_jobs_queues_crons_and_worker() -> None:
    jobs = find_ts_jobs(repo_of(NEST))
    assert [(j.kind, j.name, j.detail, j.file, j.line) for j in jobs] == [
        ("cron", "0 3 * * *", "CRONS.NETTOYER_PIECES_JOINTES", "src/domain/planificateur.ts", 1),
        ("cron", "0 9 * * *", "@Cron SchedulerService.calculerIndicateurs", "src/application/scheduler.service.ts", 6),
        ("processor", "jobs", "NotifierRappelActionJobHandler",
         "src/application/jobs/notifier-rappel-action.job-handler.ts", 4),
        ("processor", "jobs:NOTIFIER_RAPPEL_ACTION", "NotifierRappelActionJobHandler.handle",
         "src/application/jobs/notifier-rappel-action.job-handler.ts", 6),
        ("producer", "NOTIFIER_RAPPEL_ACTION", "attempts=3, backoff={'type': 'exponential', 'delay': 1000}, "
         "handled by NotifierRappelActionJobHandler.handle", "src/application/commands/creer-action.command.handler.ts",
         10),
        ("queue", "jobs", "attempts=5", "src/app.module.ts", 10),
        ("worker", "src/main-worker.ts", "NestFactory.createApplicationContext", "src/main-worker.ts", 5),
    ]


def test_is_cron() -> None:
    assert is_cron("0 9 * * *") and is_cron("*/5 * * * * *") and is_cron("@daily")
    assert not is_cron("tomorrow") and not is_cron("hello world how are you")


def test_data_models_migrations_and_components() -> None:
    data = find_ts_data(repo_of(NEST))
    assert [(d.kind, d.name, d.file, d.line) for d in data if d.kind != "component"] == [
        ("entity", "JeuneEntity", "src/infrastructure/sql/jeune.entity.ts", 3),
        ("migrations", "src/infrastructure/sql/migrations/", "src/infrastructure/sql/migrations/1700000000000-init.ts",
         0),
    ]
    comps = {(d.name, d.file, d.line) for d in data if d.kind == "component"}
    assert ("PostgreSQL", "package.json", 17) in comps
    assert ("Antivirus", ".env.example", 4) in comps
    assert ("S3 object storage", ".env.example", 3) in comps
    assert ("Firebase", "package.json", 18) in comps


def test_prisma_models_line_parser() -> None:
    text = "model User {\n  id Int\n}\n// model Old {\nmodel Order{\n}\nmodelX Y {\n"
    assert prisma_models(text) == [("User", 1), ("Order", 5)]
    data = find_ts_data(repo_of(EXPRESS))
    assert [(d.name, d.line) for d in data if d.kind == "prisma-model"] == [("Order", 12), ("User", 6)]


def test_architecture_style() -> None:
    arch = ts_architecture(repo_of(NEST))
    assert arch.layers == {"src/application": ("application", 4), "src/building-blocks": ("building blocks", 1),
                           "src/domain": ("domain", 3), "src/infrastructure": ("infrastructure", 3)}
    assert arch.commands == [
        ("CreerActionCommandHandler", "src/application/commands/creer-action.command.handler.ts", 6)]
    assert [q[0] for q in arch.queries] == ["GetJeuneQueryHandler"]
    assert arch.contexts == {"src/domain/action": 1, "src/domain/jeune": 1}
    assert (arch.injectables, arch.injected) == (3, 4)


def test_section_headline_and_tables() -> None:
    s = ts_backend.section(repo_of(NEST))
    assert s.key == "ts_backend"
    assert s.headline == "NestJS ((root)); 4 endpoints"
    assert [t.key for t in s.tables] == ["ts_modules", "ts_endpoints", "ts_jobs", "ts_data", "ts_components"]
    assert len(s.tables[1].rows) == 4


def test_section_is_empty_without_node_backend(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {"app.py": "x = 1\n"})
    s = ts_backend.section(repo_of(root))
    assert (s.facts, s.tables, s.headline) == ((), (), "")
