"""Hostile and malformed files become 'skipped: reason' records; the audit goes on."""

from __future__ import annotations

from pathlib import Path

from archaudit.analyze import MAX_SOURCE_BYTES, analyze
from tests.conftest import repo_of, write_tree


def test_binary_file_is_skipped() -> None:
    result = analyze("a.py", "python", b"\x00\x01\x02abc")
    assert result["skip"] == "binary file" and "facts" not in result


def test_non_utf8_file_is_skipped() -> None:
    result = analyze("a.py", "python", "x = 'é'\n".encode("latin-1"))
    assert result["skip"] == "not valid UTF-8" and "facts" not in result


def test_syntax_error_names_the_line() -> None:
    result = analyze("a.py", "python", b"def ok():\n    return 1\n\ndef broken(:\n")
    assert result["skip"].startswith("not valid python:")
    assert result["skip"].endswith("(line 4)")


def test_too_large_file_is_skipped_unread() -> None:
    result = analyze("a.py", "python", b"#" * (MAX_SOURCE_BYTES + 1))
    assert result["skip"].startswith("too large")


def test_deeply_nested_expression_does_not_crash() -> None:
    result = analyze("a.py", "python", ("x = " + "(" * 300 + "1" + ")" * 300 + "\n").encode())
    assert "facts" in result or result["skip"].startswith(("could not be parsed", "not valid python"))


def test_utf8_bom_is_accepted() -> None:
    result = analyze("a.py", "python", "\ufeffimport os\n".encode())
    assert result["facts"]["imports"][0]["module"] == "os"


def test_audit_goes_on_and_lists_skipped_files(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "good.py": "import os\n",
        "broken.py": "def f(:\n",
        "latin.py": "s = 'é'\n".encode("latin-1"),
        "blob.py": b"\x00\x00\x00",
        "conf.yaml": "a: [unclosed\n",
    })
    repo = repo_of(tmp_path)
    assert sorted(repo.python) == ["good.py"]
    assert [(s.path, s.reason.split(":")[0]) for s in repo.skipped] == [
        ("blob.py", "binary file"), ("broken.py", "not valid python"), ("latin.py", "not valid UTF-8")]
    assert repo.yaml("conf.yaml") is None
    assert [s.path for s in repo.problems] == ["conf.yaml"]


def test_minified_javascript_is_skipped_not_parsed() -> None:
    bundle = ("!function(e){" + "var a=1;" * 5000 + "}();\n").encode()
    result = analyze("static/app.3f2a9c1b.js", "javascript", bundle)
    assert result["skip"] == "minified or generated code (lines average over 500 characters): not source"
    assert "facts" not in result
    source = ("export const x = 1;\n" * 2000).encode()
    assert "facts" in analyze("src/x.ts", "typescript", source)


def test_yaml_alias_bomb_is_skipped_not_expanded(tmp_path: Path) -> None:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 9)]
    write_tree(tmp_path, {"docker-compose.yml": "\n".join(lines) + "\nservices:\n  web: *a8\n"})
    repo = repo_of(tmp_path)
    assert repo.yaml("docker-compose.yml") is None
    assert [s.reason for s in repo.problems] == [
        "not valid YAML: expands past 200,000 nodes through aliases (alias bomb?)"]


def test_a_skip_reason_is_said_in_the_report_language() -> None:
    """Workers return the reason's template and fields (marshal data); the report gets a Message."""
    from archaudit.analyze import skip_reason
    from archaudit.i18n import translator

    reason = skip_reason(analyze("a.py", "python", b"def f(:\n"))
    assert reason.startswith("not valid python:") and reason.endswith("(line 1)")
    assert translator("fr").message(reason).startswith("python invalide :")  # type: ignore[arg-type]
    assert skip_reason({"skip": "an older cached reason"}) == "an older cached reason"

