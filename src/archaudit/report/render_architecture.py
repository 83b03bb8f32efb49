"""ArchitectureDoc -> Markdown or one self-contained HTML page, through two Jinja2 templates.
Formatting only: the analysis is in `archaudit.architecture_doc`.

Repository text is hostile (a class name, a route or a quoted line may hold `<script>` or a
backtick): HTML is autoescaped; Markdown quotes code in backticks with backticks neutralised and
escapes `<`, `>` and `&` in prose and table cells, so a viewer rendering inline HTML shows text.
"""

from __future__ import annotations

import functools

import jinja2

from archaudit.findings import Evidence
from archaudit.model import ArchitectureDoc, Component, Folder, LayerEdge, Overview
from archaudit.report.render_html import diagram_svg
from archaudit.report.render_markdown import mermaid

MAX_ENDPOINT_ROWS = 30  # per group in Markdown; the HTML page lists them all


def plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def md(text: str) -> str:
    """Prose or a table cell: no inline HTML, no table break."""
    return (str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace("|", "\\|").replace("\n", " "))


def md_code(text: str) -> str:
    """Text shown in backticks (a backtick inside would end the span, a pipe a table cell)."""
    return "`" + str(text).replace("`", "'").replace("|", "\\|").replace("\n", " ") + "`"


def md_refs(evidence: tuple[Evidence, ...]) -> str:
    return ", ".join(md_code(e.ref) for e in evidence)


def tree_lines(tree: tuple[Folder, ...]) -> list[tuple[str, Folder]]:
    """(`├── name/` prefix, folder) in tree order, for a fixed-width block."""
    out = []
    for i, f in enumerate(tree):
        if f.depth == 1:
            out.append((f.path, f))
            continue
        last = i + 1 == len(tree) or tree[i + 1].depth == 1
        out.append((("└── " if last else "├── ") + f.path.rsplit("/", 2)[-2] + "/", f))
    return out


def _label(text: str) -> str:
    return text.replace('"', "'").replace("<", "‹").replace(">", "›")


def layers_mermaid(edges: tuple[LayerEdge, ...]) -> str:
    """The import directions between layers as a Mermaid flowchart ("" without edges)."""
    if not edges:
        return ""
    names = list(dict.fromkeys(n for e in edges for n in (e.source, e.target)))
    ids = {n: f"l{i}" for i, n in enumerate(names)}
    lines = ["flowchart TD"] + [f'  {ids[n]}["{_label(n)}"]' for n in names]
    lines += [f"  {ids[e.source]} -->|{plural(e.imports, 'import')}| {ids[e.target]}" for e in edges]
    return "\n".join(lines)


def layers_overview(edges: tuple[LayerEdge, ...]) -> Overview:
    """The layers as one column of boxes for the inline SVG drawing of `render_html.diagram_svg`."""
    names = list(dict.fromkeys(n for e in edges for n in (e.source, e.target)))
    return Overview(tuple(Component(n, "process", ()) for n in names),
                    tuple((e.source, e.target, plural(e.imports, "import")) for e in edges))


@functools.cache
def _environment(html: bool) -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.PackageLoader("archaudit.report", "templates"), autoescape=html,
                             keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True,
                             undefined=jinja2.StrictUndefined)
    env.globals.update(md=md, md_code=md_code, md_refs=md_refs, tree_lines=tree_lines, mermaid=mermaid,
                       layers_mermaid=layers_mermaid, diagram_svg=diagram_svg, layers_overview=layers_overview,
                       max_rows=MAX_ENDPOINT_ROWS)
    return env


def render_markdown(doc: ArchitectureDoc) -> str:
    text = _environment(False).get_template("architecture.md.j2").render(d=doc)
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return text.rstrip() + "\n"


def render_html(doc: ArchitectureDoc) -> str:
    return _environment(True).get_template("architecture.html.j2").render(d=doc)
