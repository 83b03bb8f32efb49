"""Hostile input, one minimal case per defect class: the audit never crashes, hangs or fails a
section on it; what it cannot read is recorded as skipped or not determined."""

from __future__ import annotations

from pathlib import Path

from archaudit.scan.walk import walk
from tests.conftest import report_of, write_tree


def test_a_rejected_gitignore_line_is_skipped_and_the_rest_applied(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        ".gitignore": "*.log\n!\n[z-a]\nbuild_out/\n",
        "web/.gitignore": "\\\ngen/\n",
        "app/main.py": "x = 1\n",
        "app/debug.log": "noise\n",
        "build_out/x.py": "x = 1\n",
        "web/gen/a.ts": "export {}\n",
        "web/src/b.ts": "export {}\n",
    })
    result = walk(tmp_path)
    assert [f.path for f in result.files] == [".gitignore", "app/main.py", "web/.gitignore", "web/src/b.ts"]
    reasons = [(s.path, s.reason.split(":")[0]) for s in result.skipped]
    assert reasons == [(".gitignore", "line 2 not applied"), (".gitignore", "line 3 not applied"),
                       ("web/.gitignore", "line 1 not applied")]
    report = report_of(tmp_path)
    assert any(s.path == ".gitignore" and "'[z-a]' is not a valid gitignore pattern" in s.reason
               for s in report.skipped)

