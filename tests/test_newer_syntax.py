"""Python newer than the running interpreter still yields facts (PEP 695, PEP 758, PEP 750), with
exact line numbers; a file that is not Python of any version stays skipped with its reason."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from archaudit.languages.python.downlevel import downlevel
from archaudit.languages.python.extract import extract
from tests.conftest import report_of, write_tree

NEWER = '''from fastapi import APIRouter, Depends

router = APIRouter(prefix="/items")
type ItemId = int
type Pair[T] = tuple[T, T]


class Repository[T: object]:
    def get[K](self, key: K) -> T | None:
        try:
            return None
        except KeyError, ValueError:
            return None


def render[
    T,
](value: T) -> str:
    return t"value {value}"


@router.get("/{item_id}")
async def read_item(item_id: int) -> dict[str, int]:
    return {"id": item_id}
'''


def test_newer_constructs_are_rewritten_line_for_line() -> None:
    older = downlevel(NEWER)
    assert older is not None
    tree = ast.parse(older)
    assert len(older.splitlines()) == len(NEWER.splitlines())
    defs = {n.name: n.lineno for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)}
    assert defs == {"get": 9, "render": 16, "read_item": 23}
    assert "except (KeyError, ValueError):" in older and 'f"value {value}"' in older and "ItemId = int" in older


def test_pep_701_f_strings_become_blank_strings_on_the_same_lines() -> None:
    source = ('names = f"{user["name"]}"\n'
              'html = f"<p>{re.sub(r\'a\', r\'<b>\\1</b>\', line)}</p>"\n'
              'page = f"""\n{"\\n".join(rows)}\n"""\n'
              'kept = f"{a!r:>{width}}" + "#not a comment"\n'
              'after = 1\n')
    older = downlevel(source)
    assert older is not None
    tree = ast.parse(older)
    assert len(older.splitlines()) == len(source.splitlines())
    assert 'kept = f"{a!r:>{width}}" + "#not a comment"' in older  # 3.11 reads it: left as it was
    assert [n.targets[0].id for n in tree.body if isinstance(n, ast.Assign)][-1] == "after"  # type: ignore[attr-defined]
    assert tree.body[-1].lineno == 7


def test_a_name_called_type_is_left_alone() -> None:
    assert downlevel("type = 3\nprint(type)\nx = type(3)\n") is None


def test_a_file_with_newer_syntax_gives_its_endpoints(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {"app/__init__.py": "", "app/items.py": NEWER,
                                 "app/main.py": "from fastapi import FastAPI\nfrom app.items import router\n"
                                                "app = FastAPI()\napp.include_router(router)\n"})
    report = report_of(root)
    assert not [s for s in report.skipped if s.path == "app/items.py"]
    api = next(s for s in report.sections if s.key == "api")
    rows = [(r["method"], r["path"], r["line"]) for r in api.tables[0].rows]
    assert ("GET", "/items/{item_id}", 22) in rows  # the decorator line, as for every endpoint


@pytest.mark.parametrize("source", ["def f(:\n    pass\n", "print 'python 2'\n", "except A, B:\n"])
def test_code_that_is_not_python_of_any_version_is_still_refused(source: str) -> None:
    with pytest.raises(SyntaxError):
        extract(source)


def test_a_served_file_that_cannot_be_parsed_is_named_with_what_it_appears_to_define(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {
        "app/__init__.py": "",
        "app/users.py": "from fastapi import APIRouter, Depends\nrouter = APIRouter()\n\n"
                        "@router.get('/users')\ndef users(user=Depends(current_user)):\n    print 'py2'\n",
        "tests/test_users.py": "def test_x(:\n",
    })
    lines = [u for u in report_of(root).undetermined if u.topic == "source file not parsed"]
    [served] = [u for u in lines if u.evidence]
    assert served.evidence[0].path == "app/users.py" and "appears to define routes, guards" in served.why
    assert any("1 file(s) outside the served code" in u.why for u in lines)


def test_minified_bundles_are_counted_once_not_listed_as_unread_source(tmp_path: Path) -> None:
    bundle = "var a=" + "1+" * 15000 + "1;"  # one long line: bundler output
    root = write_tree(tmp_path, {"app/__init__.py": "", "static/app.min.js": bundle, "static/vendor.js": bundle})
    lines = [u.why for u in report_of(root).undetermined if u.topic == "source file not parsed"]
    assert lines == ["2 minified or generated bundle(s) were not read (bundler output, not source)"]
