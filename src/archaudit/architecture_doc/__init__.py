"""The architecture document (`archaudit architecture`): what a maintainer writes for newcomers,
built only from facts the audit's detectors establish. `build_document(repo)` returns plain data
(`model.ArchitectureDoc`); report/render_architecture.py formats it as Markdown or HTML."""

from __future__ import annotations

from archaudit import __version__
from archaudit.architecture_doc.components import components
from archaudit.architecture_doc.endpoint_guide import add_endpoint_guide
from archaudit.architecture_doc.organisation import code_tree, endpoint_groups
from archaudit.architecture_doc.styles import layer_edges_of, styles
from archaudit.architecture_doc.work import add_job_guide, background
from archaudit.detect import SECTIONS
from archaudit.model import ArchitectureDoc, Section
from archaudit.repo import Repo
from archaudit.verdict import system_summary

__all__ = ["build_document"]


def _sections(repo: Repo) -> list[Section]:
    """The inventory sections whose headlines make the opening paragraph; a failing detector costs
    only its clause."""
    out = []
    for build in SECTIONS:
        try:
            out.append(build(repo))
        except Exception:
            continue
    return out


def build_document(repo: Repo) -> ArchitectureDoc:
    applications, technical, overview = components(repo)
    edges = layer_edges_of(repo)
    found, missing = styles(repo, edges)
    tree, tree_notes = code_tree(repo)
    stages, bg_notes = background(repo)
    groups, ep_notes = endpoint_groups(repo)
    return ArchitectureDoc(
        name=repo.name, tool_version=__version__, summary=system_summary(repo.name, _sections(repo)),
        applications=tuple(applications), technical=tuple(technical), overview=overview,
        styles=tuple(found), styles_undetermined=tuple(missing), layer_edges=tuple(edges),
        tree=tuple(tree), tree_notes=tuple(tree_notes),
        background=tuple(stages), background_undetermined=tuple(bg_notes),
        endpoint_groups=tuple(groups), endpoints_undetermined=tuple(ep_notes),
        add_endpoint=add_endpoint_guide(repo), add_job=add_job_guide(repo),
    )
