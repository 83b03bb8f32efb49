"""The Tests section: tools, test functions by kind, fixtures, factories, coverage, untested packages."""

from __future__ import annotations

from pathlib import Path

from archaudit.detect.testing.coverage import CoverageSetting
from archaudit.detect.testing.scan import Factory, Fixture, TestFile
from archaudit.detect.testing.section import find_tests, section
from archaudit.detect.testing.tools import TestTool
from tests.conftest import FIXTURES, repo_of, write_tree

APP = FIXTURES / "repos" / "tests_pytest_app"


def test_tools_with_their_evidence() -> None:
    inv = find_tests(repo_of(APP))
    assert inv.tools == (
        TestTool("factory_boy", "library", "pyproject.toml", 14, "dependency"),
        TestTool("hypothesis", "library", "pyproject.toml", 15, "dependency"),
        TestTool("pytest", "framework", "pyproject.toml", 18, "configuration"),
        TestTool("pytest-asyncio", "plugin", "pyproject.toml", 12, "dependency"),
        TestTool("pytest-cov", "plugin", "pyproject.toml", 13, "dependency"),
        TestTool("tests.plugins.db", "plugin", "tests/conftest.py", 3, "pytest_plugins"),
        TestTool("unittest", "framework", "tests/test_misc.py", 15, "base class"),
    )


def test_test_functions_split_by_folder_and_marker() -> None:
    inv = find_tests(repo_of(APP))
    assert inv.files == (
        TestFile("tests/catalog/test_search_api.py", 1, 1, (("unclassified", 1),)),
        TestFile("tests/integration/test_async.py", 5, 1, (("integration", 1),)),
        TestFile("tests/test_misc.py", 7, 3, (("e2e", 1), ("unclassified", 2))),  # incl. TestCase via local base
        TestFile("tests/unit/test_orders.py", 7, 3, (("unit", 3),)),  # helper() is not a test
    )
    assert inv.test_count == 8
    assert dict(inv.kinds) == {"unit": 3, "integration": 1, "e2e": 1, "unclassified": 3}


def test_fixtures_factories_and_conftests() -> None:
    inv = find_tests(repo_of(APP))
    assert inv.fixtures == (Fixture("tests/conftest.py", 7, "items"), Fixture("tests/conftest.py", 12, "anyio_backend"),
                            Fixture("tests/plugins/db.py", 5, "db_session"))
    assert inv.conftests == ("tests/conftest.py",)
    assert inv.factories == (Factory("BigInvoiceFactory", "InvoiceFactory", "tests/factories.py", 11),
                             Factory("InvoiceFactory", "factory.Factory", "tests/factories.py", 4))


def test_coverage_settings_and_threshold() -> None:
    inv = find_tests(repo_of(APP))
    assert inv.coverage == (
        CoverageSetting("pyproject.toml", 19, "command", "--cov"),
        CoverageSetting("pyproject.toml", 22, "configuration", "[tool.coverage.run]"),
        CoverageSetting("pyproject.toml", 26, "configuration", "[tool.coverage.report]"),
        CoverageSetting("pyproject.toml", 27, "configuration", "fail_under = 80", 80.0),
    )
    assert inv.fail_under == CoverageSetting("pyproject.toml", 27, "configuration", "fail_under = 80", 80.0)


def test_packages_and_how_tests_reach_them() -> None:
    inv = find_tests(repo_of(APP))
    got = {p.folder: (p.status, p.test_path, p.test_line) for p in inv.packages}
    assert got == {
        "billing": ("reached through imports", "tests/unit/test_orders.py", 4),  # orders.service imports it
        "catalog": ("mirrored test folder", "tests/catalog/test_search_api.py", 0),
        "notifications": ("no tests", "", 0),
        "orders": ("imported by tests", "tests/unit/test_orders.py", 4),
    }  # config (settings only) and scripts/ are not application packages
    assert [p.path for p in inv.untested] == ["notifications/__init__.py"]


def test_section_facts() -> None:
    s = section(repo_of(APP))
    texts = [f.text for f in s.facts]
    assert texts == [
        "Test framework: pytest, unittest (plugins: pytest-asyncio, pytest-cov, tests.plugins.db)",
        "8 test functions in 4 test files (unit 3, integration 1, e2e 1, unclassified 3)",
        "3 pytest fixtures; conftest.py files: 1",
        "2 test data factories",
        "Coverage is configured or measured in pyproject.toml; minimum enforced: 80%",
        "1 of 4 application packages have no tests: notifications",
    ]
    assert s.headline == "8 Python test functions in 4 files"
    assert s.undetermined == ()
    assert s.facts[4].evidence[0].ref == "pyproject.toml:27"


def test_django_tests_module_and_coverage_in_setup_cfg_and_ci(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {
        "manage.py": "import django\n",
        "requirements.txt": "django==5.0\n",
        "users/__init__.py": "",
        "users/models.py": "class User:\n    pass\n",
        "users/tests.py": "from django.test import TestCase\n\nfrom users.models import User\n\n\n"
                          "class UserTests(TestCase):\n    def test_create(self):\n        User()\n",
        "setup.cfg": "[metadata]\nname = x\n\n[coverage:run]\nsource = users\n",
        ".github/workflows/ci.yml": "jobs:\n  t:\n    steps:\n      - run: coverage run manage.py test\n"
                                    "      - run: coverage report --fail-under=90\n",
    })
    inv = find_tests(repo_of(root))
    assert inv.files == (TestFile("users/tests.py", 7, 1, (("unclassified", 1),)),)
    assert [(t.name, t.path, t.line) for t in inv.tools] == [("django.test", "users/tests.py", 6)]
    assert [(c.path, c.line, c.fail_under) for c in inv.coverage] == [
        (".github/workflows/ci.yml", 4, None), (".github/workflows/ci.yml", 5, 90.0), ("setup.cfg", 4, None)]
    assert [(p.folder, p.status) for p in inv.packages] == [("users", "imported by tests")]


def test_no_tests_at_all(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {"app/__init__.py": "", "app/main.py": "def run():\n    return 1\n",
                                 "tests/__init__.py": "", "tests/helpers.py": "def make():\n    return 1\n"})
    inv = find_tests(repo_of(root))
    assert inv.files == ()
    assert inv.test_count == 0
    assert [(p.folder, p.status) for p in inv.packages] == [("app", "no tests")]
    s = section(repo_of(root))
    assert s.headline == "no Python test was found"
    assert [f.text for f in s.facts] == [
        "No Python test function was found (test_* functions or methods of Test* classes)."]


def test_monorepo_packages_with_the_same_name_stay_apart(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {
        "api/pyproject.toml": "[project]\nname = 'api'\n",
        "api/app/__init__.py": "", "api/app/routes.py": "def index():\n    return 1\n",
        "api/tests/test_routes.py": "from app.routes import index\n\n\ndef test_index():\n    assert index()\n",
        "worker/pyproject.toml": "[project]\nname = 'worker'\n",
        "worker/app/__init__.py": "", "worker/app/jobs.py": "def run():\n    return 1\n",
    })
    inv = find_tests(repo_of(root))
    got = [(p.folder, p.name) for p in inv.packages]
    assert got == [("api/app", "app"), ("worker/app", "app")]


def test_strengths_of_the_test_suite(tmp_path: Path) -> None:
    from archaudit.rules.testing._strengths import coverage_threshold, error_contract, suite_strength

    repo = repo_of(APP)
    assert suite_strength(repo) == []  # 8 tests: below the threshold of 10
    assert [(f.text, f.evidence[0].ref) for f in coverage_threshold(repo)] == [
        ("Coverage minimum enforced: 80% (fail_under = 80)", "pyproject.toml:27")]
    good = repo_of(FIXTURES / "rules" / "TST004" / "good")
    assert [(f.text, [e.ref for e in f.evidence]) for f in error_contract(good)] == [
        ('One error response shape ({"error": ...}) in 1 place(s), with a registered exception handler',
         ["app/main.py:7", "app/errors.py:11"])]
    assert error_contract(repo_of(FIXTURES / "rules" / "TST004" / "bad")) == []
    root = write_tree(tmp_path, {"tests/test_many.py": "".join(f"def test_{i}():\n    pass\n" for i in range(12))})
    assert [(f.text, f.evidence[0].ref) for f in suite_strength(repo_of(root))] == [
        ("Automated tests: 12 Python test functions in 1 test files", "tests/test_many.py:1")]


def test_imports_resolve_through_folders_without_init_and_stubs_are_ignored(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {
        "pyproject.toml": "[project]\nname = 'tool'\n",
        "src/tool/__init__.py": "", "src/tool/core.py": "def run():\n    return 1\n",
        # `plugins/` has no __init__.py: its modules are named `ts.*`, yet tests import `tool.plugins.ts.x`
        "src/tool/plugins/ts/__init__.py": "", "src/tool/plugins/ts/x.py": "def parse():\n    return 1\n",
        "src/tool/stubs/gen_pb2.pyi": "def f() -> int: ...\n",
        "tests/test_x.py": "from tool.plugins.ts.x import parse\nfrom tool.core import run\n\n\n"
                           "def test_parse():\n    assert parse() == run()\n",
    })
    inv = find_tests(repo_of(root))
    assert [(p.folder, p.status, p.test_line) for p in inv.packages] == [
        ("src/tool", "imported by tests", 2), ("src/tool/plugins/ts", "imported by tests", 1)]


def test_no_python_no_test_section_content(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {"web/package.json": '{"name": "web"}\n',
                                 "web/src/app.test.ts": "test('x', () => {})\n"})
    s = section(repo_of(root))
    assert (s.facts, s.tables, s.headline) == ((), (), "")


def test_django_settings_loaded_by_the_test_run_and_folders_of_scripts_are_not_untested_packages(
        tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "requirements.txt": "django==5.0\n",
        ".github/workflows/ci.yml": "jobs:\n  test:\n    env:\n      DJANGO_SETTINGS_MODULE: settings.ci\n"
                                   "    steps:\n      - run: python manage.py test\n",
        "settings/__init__.py": "",
        "settings/ci.py": "from settings.base import *\n",
        "settings/base.py": "def env(name):\n    return name\n\n\nDEBUG = False\n",
        # maintainer scripts nobody imports (wger's extras/authors, a README table-of-contents tool)
        "extras/authors/generate.py": "def main():\n    pass\n\n\nif __name__ == '__main__':\n    main()\n",
        # a real package the tests never reach: still reported
        "billing/__init__.py": "", "billing/invoice.py": "def total():\n    return 1\n",
        "shop/__init__.py": "", "shop/views.py": "def index():\n    return 1\n",
        "shop/tests/test_views.py": "from shop.views import index\n\n\ndef test_index():\n    assert index() == 1\n",
    })
    inv = find_tests(repo_of(tmp_path))
    got = {p.folder: (p.status, p.test_path, p.test_line) for p in inv.packages}
    assert got["settings"] == ("imported by tests", ".github/workflows/ci.yml", 4)
    assert "extras/authors" not in got
    assert [p.folder for p in inv.untested] == ["billing"]
