"""The architecture document as plain data: what a maintainer writes for newcomers, every sentence
carrying the places that show it. Renderers (report/render_architecture.py) only format it.

A `Statement` always has evidence; what could not be established is never a Statement but a plain
"not determined" note kept beside the part it weakens (`undetermined` fields).
"""

from __future__ import annotations

from dataclasses import dataclass

from archaudit.findings import Evidence
from archaudit.model import Overview


@dataclass(frozen=True)
class Statement:
    """One sentence of the document and the places that show it (snippets quote the source line)."""

    text: str
    evidence: tuple[Evidence, ...]


@dataclass(frozen=True)
class ComponentRow:
    """An application or a technical component (database, cache/queue, storage, partner API...)."""

    name: str
    kind: str  # application | worker | scheduler | database | cache/queue | storage | external service
    detail: str
    evidence: tuple[Evidence, ...]


@dataclass(frozen=True)
class Style:
    """An architecture style the code shows (layers, ports and adapters, CQS, bounded contexts)."""

    name: str
    summary: Statement
    examples: tuple[Statement, ...]


@dataclass(frozen=True)
class LayerEdge:
    """Module-level imports from one layer into another, with the first import as evidence."""

    source: str
    target: str
    imports: int
    evidence: Evidence


@dataclass(frozen=True)
class Folder:
    """One folder of the code organisation tree (depth 1 or 2) and what it holds."""

    path: str  # "app/api/"
    depth: int
    role: str  # "not determined" when neither a manifest nor a known name gives it
    files: int
    source: str  # where the role comes from: "manifest package.json", "folder name", ...


@dataclass(frozen=True)
class EndpointRow:
    method: str
    path: str
    handler: str
    auth: str
    evidence: Evidence


@dataclass(frozen=True)
class EndpointGroup:
    """The endpoints one router, blueprint or controller declares."""

    name: str  # "app/api/v1/products.py (router)", "JeunesController"
    prefix: str  # the path prefix all of them share ("" when none)
    endpoints: tuple[EndpointRow, ...]


@dataclass(frozen=True)
class Stage:
    """One step of a background job's life: created, queued, handled, retried, scheduled, run by."""

    title: str
    statements: tuple[Statement, ...]


@dataclass(frozen=True)
class Guide:
    """Steps to add something the way the repository already does it; `undetermined` says which
    part of the convention could not be established."""

    title: str
    steps: tuple[Statement, ...]
    undetermined: tuple[str, ...]


@dataclass(frozen=True)
class ArchitectureDoc:
    name: str
    tool_version: str
    summary: str
    applications: tuple[ComponentRow, ...]
    technical: tuple[ComponentRow, ...]
    overview: Overview
    styles: tuple[Style, ...]
    styles_undetermined: tuple[str, ...]
    layer_edges: tuple[LayerEdge, ...]
    tree: tuple[Folder, ...]
    tree_notes: tuple[str, ...]
    background: tuple[Stage, ...]
    background_undetermined: tuple[str, ...]
    endpoint_groups: tuple[EndpointGroup, ...]
    endpoints_undetermined: tuple[str, ...]
    add_endpoint: Guide
    add_job: Guide

    def statements(self) -> list[Statement]:
        """Every Statement of the document (tests check each one carries evidence)."""
        out = [s.summary for s in self.styles] + [e for s in self.styles for e in s.examples]
        out += [s for stage in self.background for s in stage.statements]
        out += list(self.add_endpoint.steps) + list(self.add_job.steps)
        return out
