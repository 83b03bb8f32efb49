"""DOC004 broken-doc-link."""

from __future__ import annotations

import os
import posixpath
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote

from archaudit.detect.formats.markdown import doc_files, links
from archaudit.findings import Axis, Hit, Message, Severity
from archaudit.repo import Repo
from archaudit.resolve.context import ALL
from archaudit.rules.base import Rule

_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


def folders(repo: Repo) -> frozenset[str]:
    """Every folder holding at least one audited file."""
    out: set[str] = set()
    for f in repo.files:
        parts = f.path.split("/")[:-1]
        for i in range(1, len(parts) + 1):
            out.add("/".join(parts[:i]))
    return frozenset(out)


def resolve(doc: str, target: str) -> str | None:
    """Repository path a relative link points to; None for URLs, anchors, templates, outside the root."""
    target = target.strip()
    if not target or target.startswith(("#", "//", "{", "$", "%")) or _SCHEME.match(target) or "{{" in target:
        return None
    path = unquote(target.split("#", 1)[0].split("?", 1)[0])
    if not path:
        return None
    joined = path.lstrip("/") if path.startswith("/") else posixpath.join(posixpath.dirname(doc), path)
    norm = posixpath.normpath(joined)
    if norm == "." or norm.startswith("../") or norm == "..":
        return None if norm != "." else "."
    return norm


def on_disk(root: Path, path: str) -> bool:
    """True when `path` exists under `root` on disk (a file git ignores or the audit excludes).
    Like the walk, it never reaches outside the root: a path whose real location, symlinks resolved,
    lies outside it counts as missing, so the report says nothing about files beyond the repository."""
    real_root = os.path.realpath(root)
    real = os.path.realpath(root / path)
    return (real == real_root or real.startswith(real_root + os.sep)) and os.path.exists(real)


def site_roots(repo: Repo) -> list[str]:
    """Folders a documentation site is built from (`docs_dir` of each mkdocs.yml, "docs" by
    default): there `/install/docker` is the page docs/install/docker.md, not a repository path."""
    out = []
    for f in repo.files:
        name = f.path.rsplit("/", 1)[-1]
        if name in ("mkdocs.yml", "mkdocs.yaml"):
            conf = repo.yaml(f.path)
            docs_dir = conf.get("docs_dir", "docs") if isinstance(conf, dict) else "docs"
            folder = f.path.rsplit("/", 1)[0] if "/" in f.path else ""
            out.append(posixpath.normpath(posixpath.join(folder, str(docs_dir))))
    return sorted(set(out))


def _page_candidates(repo: Repo, target: str, path: str) -> list[str]:
    """Where a link may point once the docs are rendered: the path itself; a page link without an
    extension (`guidelines/`, `web-server/WSGI-Apache-example`) as `.md`, `index.md` or `README.md`;
    a root-relative link (`/contribute/vscode`) under each site root."""
    bases = [path]
    if target.strip().startswith("/"):
        bases += [posixpath.join(root, path) for root in repo.derived(site_roots)]
    out = []
    for base in bases:
        out.append(base)
        if "." not in base.rsplit("/", 1)[-1]:
            out += [base + ".md", base + "/index.md", base + "/README.md"]
    return out


def check(repo: Repo) -> Iterator[Hit]:
    """Reads the relative links and images of README files and docs (Markdown, outside code blocks;
    URLs, anchors, footnotes and templates ignored) and reports each one whose target is neither a file
    nor a folder of the repository (files ignored by git or excluded from the audit but present on disk
    count as present), nor the page a rendered site would serve for it (`page` -> page.md, a
    root-relative link under an mkdocs docs_dir)."""
    dirs = repo.derived(folders)
    for doc in doc_files(repo):
        if not doc.lower().endswith((".md", ".markdown")) and "." in doc.rsplit("/", 1)[-1]:
            continue
        text = repo.text(doc)
        if text is None:
            continue
        seen: set[str] = set()
        for line, target in links(text):
            path = resolve(doc, target)
            if path is None or path == "." or path in seen:
                continue
            seen.add(path)
            if any(repo.has(p) or p in dirs or on_disk(repo.root, p) for p in _page_candidates(repo, target, path)):
                continue
            yield Hit(doc, line, Message("{doc} links to `{target}`, which does not exist in the repository.",
                                         doc=doc, target=target), key=path)


RULE = Rule(
    id="DOC004",
    name="broken-doc-link",
    axis=Axis.DOCUMENTATION,
    severity=Severity.LOW,
    title="Documentation links to a missing file",
    impact="Readers following the docs hit dead ends; it usually means the docs describe a structure that "
           "has since moved or been deleted.",
    action="Fix the link to the file's current path, or remove the reference if the file is gone.",
    contexts=ALL,
    check=check,
    example_bad="README.md: see [the setup guide](docs/setup.md)   # docs/setup.md does not exist",
    example_good="README.md: see [the setup guide](docs/getting-started.md)   # the file exists",
)
