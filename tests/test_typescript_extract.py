"""The TypeScript/JavaScript extractor: grammar choice, facts shape, error tolerance, registration."""

from __future__ import annotations

import marshal

from archaudit.analyze import EXTRACTORS, analyze
from archaudit.languages.typescript.extract import extract

NEST = b"""import { Controller, Get, UseGuards } from '@nestjs/common'
import type { Dto } from './dto'
import { type A, B } from './b'
import D, * as ns from 'z'

@Controller('users')
@UseGuards(AuthGuard('jwt'))
export class UsersController extends Base implements A, B {
  private readonly logger = new Logger(UsersController.name)
  constructor(private readonly svc: UsersService, @InjectRepository(User) repo: Repository<User>) {
    super()
  }

  @Get(':id')
  async find(@Param('id') id: string) {
    if (id) {
      return this.svc.find(id, { page: 1, tags: ['x'] })
    }
    return null
  }
}
export const CRONS = { PURGE: { expression: '0 3 * * *' } }
prisma.$queryRaw`SELECT 1`
"""


def _facts(path: str, source: bytes) -> dict:  # type: ignore[type-arg]
    result = analyze(path, "typescript" if path.endswith(("ts", "tsx")) else "javascript", source)
    assert "facts" in result, result
    return result["facts"]  # type: ignore[no-any-return]


def test_registers_for_both_languages() -> None:
    assert EXTRACTORS["typescript"] is extract
    assert EXTRACTORS["javascript"] is extract


def test_imports_and_type_only() -> None:
    imports = _facts("a.ts", NEST)["imports"]
    assert [(i["module"], i["names"], i["line"], i["type_only"]) for i in imports] == [
        ("@nestjs/common", ["Controller", "Get", "UseGuards"], 1, False),
        ("./dto", ["Dto"], 2, True),
        ("./b", ["A", "B"], 3, False),
        ("z", ["default as D", "* as ns"], 4, False),
    ]


def test_class_decorators_methods_and_constructor_types() -> None:
    cls = _facts("a.ts", NEST)["classes"][0]
    assert (cls["name"], cls["extends"], cls["implements"], cls["exported"]) == (
        "UsersController", "Base", ["A", "B"], True)
    assert [(d["name"], d["line"], d["args"]) for d in cls["decorators"]] == [
        ("Controller", 6, ["users"]), ("UseGuards", 7, [{"$": "AuthGuard('jwt')"}])]
    ctor, find = cls["methods"]
    assert [(p["name"], p["type"]) for p in ctor["params"]] == [("svc", "UsersService"), ("repo", "Repository<User>")]
    assert ctor["params"][1]["decorators"][0]["args"] == [{"$": "User"}]
    assert (find["name"], find["line"], find["end"], find["statements"], find["branches"]) == ("find", 15, 20, 3, 1)
    assert find["decorators"][0]["args"] == [":id"]
    assert cls["fields"][0]["name"] == "logger"


def test_calls_consts_and_tagged_templates() -> None:
    facts = _facts("a.ts", NEST)
    calls = {(c["callee"], c["line"], c["func"]) for c in facts["calls"]}
    assert ("this.svc.find", 17, "UsersController.find") in calls
    assert ("new Logger", 9, "UsersController") in calls
    raw = next(c for c in facts["calls"] if c["callee"] == "prisma.$queryRaw")
    assert raw["args"] == ["SELECT 1"]
    find = next(c for c in facts["calls"] if c["callee"] == "this.svc.find")
    assert find["args"] == [{"$": "id"}, {"page": 1, "tags": ["x"]}]
    assert facts["consts"] == [{"name": "CRONS", "line": 22, "value": {"PURGE": {"expression": "0 3 * * *"}},
                                "lines": {"PURGE": 22}}]
    assert facts["exports"] == ["CRONS", "UsersController"]


def test_tsx_needs_the_tsx_grammar_and_ts_keeps_angle_assertions() -> None:
    tsx = _facts("App.tsx", b"export const App = () => <main onClick={() => go('/x')}>hi</main>\n")
    assert [(c["callee"], c["args"]) for c in tsx["calls"]] == [("go", ["/x"])]
    assert tsx["errors"] == 0
    ts = _facts("cast.ts", b"const n = <number>value; use(n)\n")
    assert ts["errors"] == 0 and [c["callee"] for c in ts["calls"]] == ["use"]


def test_commonjs_require_and_module_exports() -> None:
    facts = _facts("r.js", b"const express = require('express')\nconst { a, b } = require('./m')\n"
                           b"router.get('/x', (req, res) => { res.send(1) })\nmodule.exports = router\n")
    assert [(i["module"], i["names"], i["kind"]) for i in facts["imports"]] == [
        ("express", ["default as express"], "require"), ("./m", ["a", "b"], "require")]
    assert facts["exports"] == ["default"]
    assert [f["name"] for f in facts["functions"]] == ["router.get:3#1"]


def test_header_literals_are_kept() -> None:
    facts = _facts("api.ts", b"config.headers['X-Request-ID'] = id\nconst s = 'plain'\n")
    assert facts["headers"] == [{"name": "X-Request-ID", "line": 1}]


def test_garbage_is_skipped_not_crashed() -> None:
    result = analyze("bad.ts", "typescript", b"if (((( ) { ))) }}} class")
    assert result["skip"] == "not valid typescript: 100% of the file is unparseable (line 1)" and "facts" not in result


def test_small_errors_keep_the_recovered_facts() -> None:
    facts = _facts("half.ts", b"import { a } from 'a'\nfoo(1)\nconst = ;\nbar(2)\n")
    assert facts["errors"] >= 1
    assert [c["callee"] for c in facts["calls"]] == ["foo", "bar"]


def test_deep_nesting_does_not_hit_the_recursion_limit() -> None:
    deep = b"f(\n" * 3000 + b"1" + b")\n" * 3000 + b"x = " + b"a +\n" * 5000 + b"1\n"  # not minified: many lines
    result = analyze("deep.js", "javascript", deep)
    assert "facts" in result or result["skip"].startswith("could not be parsed")


def test_facts_are_marshal_safe() -> None:
    facts = _facts("a.ts", NEST)
    assert marshal.loads(marshal.dumps(facts)) == facts


SETTINGS = b"""@Module({ imports: [TypeOrmModule.forRoot({ type: 'pg', entities: [U], synchronize: true, ...r })] })
export class AppModule {}
const ds = new DataSource({ 'synchronize': process.env.NODE_ENV  === 'test', ssl: { rejectUnauthorized: false } })
process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0'
process.env['NODE_TLS_REJECT_UNAUTHORIZED'] = 0
function f() { return { debug: !isProd, playground } }
const other = { verbose: true }
"""


def test_security_settings_are_kept_with_their_object_keys() -> None:
    settings = _facts("app.module.ts", SETTINGS)["settings"]
    assert [(s["key"], s["line"], s["value"], s["func"], s["keys"], s["target"]) for s in settings] == [
        ("entities", 1, [{"$": "U"}], "", ["...", "entities", "synchronize", "type"], ""),  # "...": a spread
        ("synchronize", 1, True, "", ["...", "entities", "synchronize", "type"], ""),
        ("rejectUnauthorized", 3, False, "", ["rejectUnauthorized"], ""),
        ("synchronize", 3, {"$": "process.env.NODE_ENV === 'test'"}, "", ["ssl", "synchronize"], ""),
        ("NODE_TLS_REJECT_UNAUTHORIZED", 4, "0", "", [], "process.env.NODE_TLS_REJECT_UNAUTHORIZED"),
        ("NODE_TLS_REJECT_UNAUTHORIZED", 5, 0, "", [], "process.env[NODE_TLS_REJECT_UNAUTHORIZED]"),
        ("debug", 6, {"$": "!isProd"}, "f", ["debug", "playground"], ""),
    ]


def test_long_conditions_are_not_copied() -> None:
    call = _facts("a.ts", b"f(a === 'x' " + b"&& b " * 200 + b")\n")["calls"][0]
    assert call["args"] == [{"$": "binary_expression"}]
