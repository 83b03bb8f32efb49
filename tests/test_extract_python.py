"""The one-walk Python extractor: facts every analysis relies on."""

from __future__ import annotations

from archaudit.languages.python.extract import extract
from archaudit.languages.python.facts import expr_text, is_expr

SOURCE = '''"""Orders API."""
from __future__ import annotations

import sqlalchemy as sa
from typing import TYPE_CHECKING
from fastapi import APIRouter, Depends as D

if TYPE_CHECKING:
    from app.models import Order

router = APIRouter(prefix="/orders", tags=["orders"])
CACHE: dict[str, int] = {}


@router.get("/{order_id}", response_model=OrderOut)
async def get_order(order_id: int, db=D(get_db), limit: int = 10) -> OrderOut:
    if order_id < 0:
        raise ValueError("negative")
    for x in range(3):
        if x and order_id:
            pass
    try:
        return db.execute(sa.text(f"SELECT * FROM orders WHERE id = {order_id}"))
    except Exception as exc:
        return {"error": str(exc)}


class Store:
    items: list[int] = []

    async def add(self, item):
        self.items.append(item)
        async with self.lock:
            self.cache[item] = 1

    def downgrade(self):
        pass

    def todo(self):
        raise NotImplementedError
'''


def test_imports_with_aliases_and_type_checking_blocks() -> None:
    imports = extract(SOURCE)["imports"]
    by_module = {i["module"]: i for i in imports}
    assert by_module["sqlalchemy"]["alias"] == "sa"
    assert by_module["fastapi"]["names"] == ["APIRouter", "Depends as D"]
    assert by_module["app.models"]["local"] is True
    assert by_module["fastapi"]["local"] is False


def test_function_facts() -> None:
    fn = {f["qualname"]: f for f in extract(SOURCE)["functions"]}
    get = fn["get_order"]
    assert (get["line"], get["is_async"], get["params"]) == (16, True, ["order_id", "db", "limit"])
    assert get["decorators"][0]["name"] == "router.get"
    assert get["decorators"][0]["args"] == ["/{order_id}"]
    assert get["decorators"][0]["kwargs"] == {"response_model": {"$": "OrderOut"}}
    assert get["defaults"] == {"db": {"$": "D(get_db)"}, "limit": 10}
    assert get["annotations"]["return"] == "OrderOut"
    assert (get["statements"], get["branches"]) == (8, 6)  # if raise for if pass try return return
    assert fn["Store.add"]["cls"] == "Store"
    assert fn["Store.downgrade"]["body"] == "pass"
    assert fn["Store.todo"]["body"] == "not-implemented"


def test_calls_keep_literal_and_formatted_arguments() -> None:
    calls = {c["name"]: c for c in extract(SOURCE)["calls"]}
    assert calls["APIRouter"]["kwargs"] == {"prefix": "/orders", "tags": ["orders"]}
    text_arg = calls["sa.text"]["args"][0]
    assert is_expr(text_arg) and expr_text(text_arg) == "f'SELECT * FROM orders WHERE id = {}'"
    assert calls["db.execute"]["func"] == "get_order"


def test_raises_handlers_and_mutations() -> None:
    facts = extract(SOURCE)
    assert facts["raises"][0] == {"exc": "ValueError", "line": 18, "func": "get_order"}
    assert facts["handlers"] == [{"types": ["Exception"], "line": 24, "func": "get_order", "leaks": True,
                                   "swallows": ""}]
    assert [(m["target"], m["kind"], m["locked"]) for m in facts["mutations"]] == [
        ("self.items", "call:append", False), ("self.cache", "subscript", True)]


def test_module_level_assigns_and_class_fields() -> None:
    facts = extract(SOURCE)
    targets = [a["target"] for a in facts["assigns"]]
    assert targets[:2] == ["router", "CACHE"]
    store = facts["classes"][0]
    assert store["fields"][0]["name"] == "items"
    assert store["methods"] == ["add", "downgrade", "todo"]
    assert facts["docstring"] is True
    assert facts["lines"] == SOURCE.count("\n")


def test_handler_swallows_and_item_writes():
    facts = extract(
        "import logging\n"
        "STATE = {1: 'a'}\n"
        "def f(x):\n"
        "    STATE[1] = x\n"
        "    STATE[x] = 1\n"
        "    try:\n"
        "        g()\n"
        "    except Exception:\n"
        "        pass\n"
        "    try:\n"
        "        g()\n"
        "    except Exception as e:\n"
        "        logging.error(e)\n"
        "        return []\n"
        "    try:\n"
        "        g()\n"
        "    except Exception:\n"
        "        raise\n"
    )
    assert [h["swallows"] for h in facts["handlers"]] == ["silent", "logged", ""]
    assert facts["item_writes"] == [["STATE", 4, "f"]]
