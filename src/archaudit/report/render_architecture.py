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
from archaudit.i18n import Translator, translator
from archaudit.model import ArchitectureDoc, Component, Folder, LayerEdge, Overview
from archaudit.report.render_html import diagram_svg
from archaudit.report.render_markdown import mermaid

MAX_ENDPOINT_ROWS = 30  # per group in Markdown; the HTML page lists them all


def imports(n: int, tr: Translator | None = None) -> str:
    """"3 imports", in the document's language."""
    return (tr or translator()).plural("%(num)s import", "%(num)s imports", n) % {"num": n}


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


def layers_mermaid(edges: tuple[LayerEdge, ...], tr: Translator | None = None) -> str:
    """The import directions between layers as a Mermaid flowchart ("" without edges)."""
    if not edges:
        return ""
    names = list(dict.fromkeys(n for e in edges for n in (e.source, e.target)))
    ids = {n: f"l{i}" for i, n in enumerate(names)}
    lines = ["flowchart TD"] + [f'  {ids[n]}["{_label(n)}"]' for n in names]
    lines += [f"  {ids[e.source]} -->|{imports(e.imports, tr)}| {ids[e.target]}" for e in edges]
    return "\n".join(lines)


def layers_overview(edges: tuple[LayerEdge, ...], tr: Translator | None = None) -> Overview:
    """The layers as one column of boxes for the inline SVG drawing of `render_html.diagram_svg`."""
    names = list(dict.fromkeys(n for e in edges for n in (e.source, e.target)))
    return Overview(tuple(Component(n, "process", ()) for n in names),
                    tuple((e.source, e.target, imports(e.imports, tr)) for e in edges))


@functools.cache
def _environment(html: bool, lang: str) -> jinja2.Environment:
    """One environment per format and language: template text through gettext (the one catalogue)."""
    tr = translator(lang)
    env = jinja2.Environment(loader=jinja2.PackageLoader("archaudit.report", "templates"), autoescape=html,
                             keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True,
                             undefined=jinja2.StrictUndefined, extensions=["jinja2.ext.i18n"])
    env.install_gettext_translations(tr.translations, newstyle=True)  # type: ignore[attr-defined]
    env.globals.update(md=md, md_code=md_code, md_refs=md_refs, tree_lines=tree_lines, mermaid=mermaid,
                       layers_mermaid=lambda edges: layers_mermaid(edges, tr), diagram_svg=diagram_svg,
                       layers_overview=lambda edges: layers_overview(edges, tr), max_rows=MAX_ENDPOINT_ROWS,
                       lang=tr.lang)
    return env


def render_markdown(doc: ArchitectureDoc, lang: str | None = None) -> str:
    """The document in Markdown, in `lang` (None: English); the document's Messages said in that language."""
    tr = translator(lang)
    text = _environment(False, tr.lang).get_template("architecture.md.j2").render(d=tr.localise(doc))
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return text.rstrip() + "\n"


def render_html(doc: ArchitectureDoc, lang: str | None = None) -> str:
    tr = translator(lang)
    return _environment(True, tr.lang).get_template("architecture.html.j2").render(d=tr.localise(doc))
