"""DOC003 no-architecture-docs."""

from __future__ import annotations

import re
from collections.abc import Iterator

from archaudit.detect.formats.markdown import doc_files, fold, headings, root_readme
from archaudit.detect.testing.scan import is_test_file
from archaudit.findings import Axis, Hit, Message, Severity
from archaudit.repo import Repo
from archaudit.resolve.context import ALL
from archaudit.rules.base import Rule

MIN_MODULES = 30
_DIAGRAMS = (".puml", ".plantuml", ".drawio", ".mmd", ".dsl", ".c4", ".excalidraw")
_FOLDERS = frozenset({"adr", "adrs", "decisions", "architecture", "diagrams", "diagrammes", "c4", "design"})
# a README section walking through the project's layout ("Project structure", "5.1 Code organisation")
_STRUCTURE = re.compile(r"^(\d+(\.\d+)*\.?\s+)?((project|code|source|repository|directory|folder|file)\s+)?"
                        r"(structure|layout|organi[sz]ation)$")
_NAME = re.compile(r"^(archi(tecture)?(?![a-z])|adr[-_]?\d|design|conception|c4[-_.])")


def architecture_docs(repo: Repo) -> list[str]:
    """Files documenting the architecture: architecture*/design* docs, ADR or diagram folders,
    diagram sources, or a README/doc heading about the architecture."""
    found = []
    for f in repo.files:
        if f.language == "python" or f.role == "test":
            continue
        parts = f.path.lower().split("/")
        if _NAME.match(parts[-1]) or parts[-1].endswith(_DIAGRAMS) or any(p in _FOLDERS for p in parts[:-1]):
            found.append(f.path)
    if found:
        return found
    for path in doc_files(repo):
        text = repo.text(path) or ""
        if any("architecture" in fold(title) for _, title in headings(text)):
            return [path]
    readme = root_readme(repo)
    if readme and any(_STRUCTURE.match(fold(title).strip()) for _, title in headings(repo.text(readme) or "")):
        return [readme]  # only the root README's: a "Structure" heading elsewhere describes a plugin or a file
    return []


def check(repo: Repo) -> Iterator[Hit]:
    """In a repository with more than 30 Python application modules, looks for architecture
    documentation: ARCHITECTURE.md or docs/architecture*, design docs, ADRs (docs/adr/), diagram folders
    or sources (.puml, .drawio, .mmd, Structurizr .dsl), an "Architecture" heading in a README or doc, or
    a "Project structure" section in the root README."""
    modules = sum(1 for p in repo.python if repo.by_path[p].role == "source" and not is_test_file(repo, p))
    if modules <= MIN_MODULES or architecture_docs(repo):
        return
    yield Hit(".", 0, Message("{modules} Python modules and no architecture documentation (no ARCHITECTURE.md, "
                              "docs/architecture, ADRs, diagrams or README 'Architecture' section).",
                              modules=modules), key="architecture")


RULE = Rule(
    id="DOC003",
    name="no-architecture-docs",
    axis=Axis.DOCUMENTATION,
    severity=Severity.LOW,
    title="No architecture documentation",
    impact="The system's components, boundaries and key decisions live only in people's heads: newcomers "
           "misplace code and past decisions get re-argued or silently broken.",
    action="Add docs/architecture.md (components, data flow, a context/container diagram) and record key "
           "decisions as short ADRs in docs/adr/.",
    contexts=ALL,
    check=check,
    anchor=("README.md", "README.rst", "docs/"),
    example_bad="app/ (45 modules)\nREADME.md  # install and run only",
    example_good="docs/architecture.md\ndocs/adr/0001-use-postgres.md",
)
