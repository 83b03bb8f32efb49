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
