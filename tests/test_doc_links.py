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


def test_links_of_a_rendered_site_resolve_to_its_pages(tmp_path: Path) -> None:
    """Issue 8, class 6: an mkdocs site's root-relative page links, page links without `.md`,
    parentheses inside a file name and footnotes are not missing files; a truly missing file (a
    case mismatch, a page that exists nowhere) still is, at its line."""
    root = write_tree(tmp_path, {
        "mkdocs.yml": "site_name: x\n",
        "docs/install/docker.md": "# d\n",
        "docs/contribute/guidelines.md": "# g\n",
        "docs/contribute/Integration.md": "# i\n",
        "docs/install/Run-as-a-service-(Systemd).md": "# s\n",
        "docs/system/updating.md": ("See [installation](/install/docker) and [rules](/contribute/guidelines/).\n"
                                    "[service](../install/Run-as-a-service-(Systemd).md)\n"
                                    "[^1]: For details see the docs.\n"
                                    "[guide](/contribute/integration.md) and [proxy](traefik)\n"),
    })
    hits = [(h.path, h.line, h.key) for h in check(repo_of(root))]
    assert hits == [("docs/system/updating.md", 4, "contribute/integration.md"),
                    ("docs/system/updating.md", 4, "docs/system/traefik")]
