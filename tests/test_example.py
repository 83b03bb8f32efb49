"""The bundled example (the README's first command) shows the weaknesses it was written to show,
at the places they are, and its inventory states the facts a reader expects."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import report_of

EXAMPLE = Path(__file__).parents[1] / "examples" / "shop-api"

# (rule, path, line) of the planted weaknesses; every finding must be one of EXPECTED_RULES.
PLANTED = {
    ("CFG001", "app/core/settings.py", 10),  # DEBUG: bool = True
    ("CFG002", "app/core/settings.py", 12),  # JWT_SECRET_KEY = "CHANGE_ME"
    ("CFG009", "app/core/settings.py", 14),  # CORS "*" with credentials
    ("CFG005", "app/infrastructure/db.py", 8),  # echo=True
    ("CFG006", ".env", 2),
    ("SEC001", "app/api/v1/auth.py", 18),  # md5 password
    ("SEC002", "app/api/v1/auth.py", 34),  # jwt without exp
    ("SEC004", "app/api/v1/admin.py", 12),  # DELETE user without auth
    ("SEC006", "app/api/v1/products.py", 25),  # f-string SQL
    ("SEC007", "app/main.py", 33),  # str(exc) to the client
    ("MOD001", "app/api/v1/products.py", 25),
    ("PERF001", "app/api/v1/products.py", 47),  # requests.get in async handler
    ("PERF131", "app/api/v1/products.py", 41),  # async handler calls import_products_csv (sync Session.add)
    ("PERF004", "app/api/v1/products.py", 20),  # .all() then slice
    ("MIG001", "alembic/versions/20250201_stock.py", 18),
    ("MIG002", "alembic/versions/20250110_initial.py", 19),
    ("MIG006", "app/main.py", 28),
    ("DEP004", "requirements.txt", 2),
    ("CI003", ".github/workflows/tests.yml", 13),
}
# CFG007 (flag never read) and DEP006 (no poetry.lock) are not expected: OBS005/OBS006 and DX003 state the same
# facts on the same lines more precisely, and one fact is said by one rule.
EXPECTED_RULES = {
    "CFG001", "CFG002", "CFG004", "CFG005", "CFG006", "CFG008", "CFG009", "CFG010", "CI003", "CI004",
    "CI007", "CI008", "CI009", "CI010", "DEP001", "DEP003", "DEP004", "DEP005", "DX001", "DX002",
    "DX003", "MIG001", "MIG002", "MIG003", "MIG006", "MOD001", "MOD002", "MOD006", "MOD054", "MOD058", "OBS001",
    "OBS002", "OBS003", "OBS004", "OBS005", "OBS006", "PERF001", "PERF002", "PERF004", "PERF005", "PERF131",
    "SEC001",
    "SEC002", "SEC004", "SEC005", "SEC006", "SEC007", "SEC009", "TST003",
}


def test_planted_weaknesses_are_found_where_they_are() -> None:
    found = {(f.rule, f.evidence[0].path, f.evidence[0].line) for f in report_of(EXAMPLE).findings}
    missing = PLANTED - found
    assert not missing, missing


def test_no_unexpected_rule_fires_on_the_example() -> None:
    assert {f.rule for f in report_of(EXAMPLE).findings} == EXPECTED_RULES


def test_inventory_facts_of_the_example() -> None:
    sections = {s.key: s for s in report_of(EXAMPLE).sections}
    endpoints = {(r["method"], r["path"]) for r in sections["api"].tables[0].rows}
    assert ("DELETE", "/api/v1/admin/users/{user_id}") in endpoints and len(endpoints) == 10
    assert sections["stack"].headline.startswith("FastAPI 0.133 + SQLAlchemy 2.0")
    assert "3 Alembic revisions" in sections["data"].headline
