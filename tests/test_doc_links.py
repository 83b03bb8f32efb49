"""DOC004 looks on disk for links to git-ignored files, but never beyond the repository root."""

from __future__ import annotations

import os
from pathlib import Path

from archaudit.rules.documentation.broken_links import check
from tests.conftest import repo_of, write_tree


def test_links_through_symlinks_leaving_the_root_are_missing(tmp_path: Path) -> None:
    outside = write_tree(tmp_path / "outside", {"secret.txt": "x\n", "notes.md": "# n\n"})
    root = write_tree(tmp_path / "repo", {
        ".gitignore": "local.env\n",
        "local.env": "A=1\n",
        "README.md": "# r\n\n[env](local.env) [out](shared/secret.txt) [notes](notes.md) [gone](docs/x.md)\n",
    })
    os.symlink(outside, root / "shared")  # a directory symlink to outside the root
    os.symlink(outside / "notes.md", root / "notes.md")  # a file symlink to outside the root
    hits = [(h.path, h.line, h.key) for h in check(repo_of(root))]
    assert hits == [("README.md", 3, "shared/secret.txt"), ("README.md", 3, "notes.md"),
                    ("README.md", 3, "docs/x.md")]
