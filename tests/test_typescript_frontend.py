"""Front ends (stack from package.json/tsconfig/code), the API contract check, and one audit of a
mixed monorepo (FastAPI api/ + NestJS service/ + React web/) reported in Markdown and JSON."""

from __future__ import annotations

import json
from pathlib import Path

from archaudit.detect.frontend import section as ts_frontend
from archaudit.detect.frontend.contract import find_client_calls, normalize
from archaudit.report import render_json, render_markdown
from archaudit.resolve.typescript_index import strip_jsonc, tsconfig_options
from tests.conftest import FIXTURES, repo_of, report_of, write_tree

MONO = FIXTURES / "repos" / "mixed_monorepo"
API = "web/src/services/api.ts"


def _rows(section, key):  # type: ignore[no-untyped-def]
    table = next(t for t in section.tables if t.key == key)
    return [tuple(r.values()) for r in table.rows]


def test_front_stack_rows_with_evidence() -> None:
    s = ts_frontend.section(repo_of(MONO))
    assert s.headline == "web: React"
    assert _rows(s, "frontend_stack") == [
        ("web", "framework", "React ^18.2.0", "web/package.json", 10),
        ("web", "TypeScript", "strict", "web/tsconfig.json", 3),
        ("web", "build tool", "Vite ^5.1.0", "web/package.json", 17),
        ("web", "state management", "Zustand ^4.5.0", "web/package.json", 14),
        ("web", "HTTP client", "axios ^1.6.0", "web/package.json", 12),
        ("web", "resilience", "axios-retry ^4.0.0", "web/package.json", 13),
        ("web", "generated API client", "openapi-typescript-codegen ^0.27.0", "web/package.json", 21),
        ("web", "tests", "Vitest ^1.3.0", "web/package.json", 19),
        ("web", "lint and format", "ESLint ^8.57.0", "web/package.json", 20),
        ("web", "generated API client",
         "script generate:api: openapi-typescript-codegen --input ../api/openapi.json --output src/api",
         "web/package.json", 7),
        ("web", "resilience", "class CircuitBreaker", API, 12),
        ("web", "resilience", "X-Request-ID header set in code", API, 8),
    ]
    assert s.facts[1].text == "web: no i18n, no accessibility library declared"


def test_contract_check_lists_both_directions() -> None:
    s = ts_frontend.section(repo_of(MONO))
    assert s.facts[2].text == ("API contract: 4 front-end calls checked against 4 endpoints; 1 calls match no "
                               "endpoint, 1 endpoints are called by no front end")
    assert _rows(s, "contract_unmatched_calls") == [("GET", "/api/reports/daily", API, 29)]
    assert _rows(s, "contract_uncalled_endpoints") == [("GET", "/api/health", "fastapi", "api/app/main.py", 11)]


def test_client_calls_are_normalised() -> None:
    calls = find_client_calls(repo_of(MONO))
    assert [(c.method, c.path, c.line) for c in calls] == [
        ("GET", "/api/items/{}", 17), ("GET", "/api/reports/daily", 29), ("GET", "/api/v1/orders", 21),
        ("POST", "/api/v1/orders", 25)]
    assert normalize("${API_URL}/users/${id}?x=1") == "/users/{}"
    assert normalize("https://h.io/api/:id/<int:pk>/{slug}/") == "/api/{}/{}/{}"


def test_strictness_follows_extends_and_jsonc(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {
        "web/package.json": '{"dependencies": {"vue": "3.4.0"}}',
        "web/tsconfig.json": '{\n  // comment\n  "extends": "../tsconfig.base.json",\n'
                             '  "compilerOptions": {"x": 1,},\n}',
        "tsconfig.base.json": '{"compilerOptions": {\n "strict": false}}',
    })
    repo = repo_of(root)
    opts, origin = tsconfig_options(repo, "web")
    assert (opts, origin["strict"]) == ({"strict": False, "x": 1}, "tsconfig.base.json")
    s = ts_frontend.section(repo)
    assert _rows(s, "frontend_stack")[:2] == [("web", "framework", "Vue 3.4.0", "web/package.json", 1),
                                              ("web", "TypeScript", "strict: false", "tsconfig.base.json", 2)]
    assert s.facts[-1].text == "API contract check not run: no front-end HTTP call with a literal path was found"


def test_strip_jsonc_keeps_strings() -> None:
    assert json.loads(strip_jsonc('{"a": "http://x/*y*/", // c\n "b": [1,],}')) == {"a": "http://x/*y*/", "b": [1]}


def test_mixed_monorepo_one_audit_reports_all_three() -> None:
    report = report_of(MONO)
    md = render_markdown.render(report)
    assert "| GET | /api/items/{item_id} | read_item |" in md
    assert "| GET | /api/v1/orders | OrdersController.list | nestjs |" in md
    assert "Front-end stack (" in md  # a count in the Markdown; the rows are in the JSON (below) and the HTML
    assert "| GET | /api/reports/daily | `web/src/services/api.ts:29` |" in md
    data = json.loads(render_json.render(report))
    sections = data["inventory"]
    ts_eps = sections["ts_backend"]["tables"]["ts_endpoints"]
    assert [(r["method"], r["path"]) for r in ts_eps] == [("GET", "/api/v1/orders"), ("POST", "/api/v1/orders")]
    assert sections["frontend"]["tables"]["frontend_stack"][0]["value"] == "React ^18.2.0"
    assert [(r["method"], r["path"]) for r in sections["api"]["tables"]["endpoints"]] == [
        ("GET", "/api/health"), ("GET", "/api/items/{item_id}")]
    assert not [s for s in data["skipped"] if s["path"].endswith((".ts", ".tsx"))]
