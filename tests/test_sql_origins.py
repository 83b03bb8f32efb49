"""SEC006: SQL built from strings is reported only when an interpolated value can come from outside."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import report_of, write_tree

MODULE = '''\
from django.db import connection
from flask import request

TABLE = "products"


def search(term):
    cursor = connection.cursor()
    cursor.execute(f"SELECT * FROM products WHERE name = '{term}'")


def search_view():
    q = request.args.get("q", "")
    query = "SELECT * FROM products WHERE name LIKE '%%%s%%'" % q
    cursor = connection.cursor()
    cursor.execute(query)


def neighbors(results_set, obj):
    compiler = results_set.query.get_compiler("default")
    base_sql, base_params = compiler.as_sql(with_col_aliases=True)
    query = """SELECT * FROM (%s) AS ROWS""" % (base_sql)
    query += " WHERE id=%s;"
    cursor = connection.cursor()
    cursor.execute(query, list(base_params) + [obj.id])


class ApproximateCount:
    def count(self):
        cursor = connection.cursor()
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = '%s';" % self.model._meta.db_table)


def count_all():
    cursor = connection.cursor()
    cursor.execute("SELECT count(*) FROM %s" % TABLE)


def reset_sequence(table_name):
    cursor = connection.cursor()
    if '"' not in table_name and "'" not in table_name:
        cursor.execute("SELECT setval('{t}', 1) FROM \\"{t}\\"".format(t=table_name))


def from_settings(self_config):
    cursor = connection.cursor()
    cursor.execute("SELECT * FROM %s" % load_table_name())
'''


def test_only_values_from_outside_make_sql_injection(tmp_path: Path) -> None:
    write_tree(tmp_path, {"shop/__init__.py": "", "shop/queries.py": MODULE})
    findings = [f for f in report_of(tmp_path).findings if f.rule == "SEC006"]
    assert {(f.evidence[0].path, f.evidence[0].line) for f in findings} == {
        ("shop/queries.py", 9),  # f-string of the parameter `term`
        ("shop/queries.py", 16),  # % formatting of request data, through a local variable
    }
    messages = " ".join(f.message for f in findings)
    assert "term (parameter of search)" in messages and "request" in messages
