"""Maintains the message catalogue (a development tool; the audit itself never runs it).

Every msgid is English text shown by a renderer, collected from four places:
- the report templates, by Babel's extraction with Jinja2's extractor (`_()`, `ngettext()`);
- the renderers and the vocabulary module, by Babel's Python extraction of `N_()`/`_()` marks;
- the rule registry: every rule's title, impact and action (`archaudit.rules.ALL_RULES`), and the
  axis labels, severities and score-formula words (`archaudit.i18n.VOCABULARY`);
- the inventory: the literal titles and column names of every `Section(...)` and `Table(...)` built
  under `archaudit/detect/` (read from the source with `ast`, never by running a detector);
- the report text built by analysis: every `Message("...")` / `Message.plural("...", "...")` template
  of the package (finding messages, facts, verdict sentences, "not determined" reasons), read with
  `ast`; `message_errors()` lists a template that is not a literal or whose fields do not match.

    python -m archaudit.i18n_catalog update    # merge new msgids into every .po (translate, then commit)
    python -m archaudit.i18n_catalog check     # list msgids without a translation (exit 1 if any)

tests/test_i18n.py runs the same collection: a rule or template string without a French
translation fails the suite.
"""

from __future__ import annotations

import ast
import io
import re
import string
import sys
from collections.abc import Iterator
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po, write_po

from archaudit import __version__
from archaudit.i18n import DOMAIN, LANGUAGES, VOCABULARY

PACKAGE = Path(__file__).parent
_VOLATILE_HEADERS = re.compile(
    rb'^"(POT-Creation-Date|PO-Revision-Date|Last-Translator|Language-Team|Report-Msgid-Bugs-To|Generated-By): '
    rb'[^"]*"\n', re.MULTILINE)
TEMPLATES = PACKAGE / "report" / "templates"
PYTHON_SOURCES = ("report/render_markdown.py", "report/render_html.py", "report/render_architecture.py", "i18n.py")
_JINJA_OPTIONS = {"extensions": "jinja2.ext.i18n", "newstyle_gettext": "true", "trim_blocks": "true"}
MsgId = str | tuple[str, ...]  # a msgid, or (singular, plural)


def po_path(lang: str) -> Path:
    return PACKAGE / "locale" / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def template_messages() -> Iterator[tuple[MsgId, str]]:
    """(msgid, where) of every gettext call in the report templates."""
    for path in sorted(TEMPLATES.glob("*.j2")):
        for lineno, message, _comments, _context in extract_from_file(
                "jinja2.ext:babel_extract", str(path), options=_JINJA_OPTIONS):
            yield message, f"report/templates/{path.name}:{lineno}"


def python_messages() -> Iterator[tuple[MsgId, str]]:
    """(msgid, where) of every `N_("...")` / `_("...")` in the renderers and the vocabulary."""
    for rel in PYTHON_SOURCES:
        for lineno, message, _comments, _context in extract_from_file(
                "python", str(PACKAGE / rel), keywords={"N_": None, "_": None, "plural": (1, 2)}):
            yield message, f"{rel}:{lineno}"


def rule_messages() -> Iterator[tuple[MsgId, str]]:
    """Every rule's title, impact and action, and the report's fixed vocabulary."""
    from archaudit.rules import ALL_RULES

    for rule in ALL_RULES:
        for field in ("title", "impact", "action"):
            yield getattr(rule, field), f"rule {rule.id} {field}"
    for word in VOCABULARY:
        yield word, "archaudit.i18n.VOCABULARY"


def _literals(node: ast.expr | None, names: dict[str, ast.expr]) -> list[str]:
    """The string literals of an argument: a constant, a tuple/list of them, or a name assigned one
    in the same file (`columns = ("method", "path")`). Starred parts (`*STANDARD_FILES`: file names)
    are not report words and stay out."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.Tuple | ast.List):
        return [s for elt in node.elts for s in _literals(elt, names)]
    if isinstance(node, ast.Name) and node.id in names:
        return _literals(names[node.id], {})
    return []


def _assignments(tree: ast.AST) -> dict[str, ast.expr]:
    return {node.targets[0].id: node.value for node in ast.walk(tree)
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)}


def inventory_messages() -> Iterator[tuple[MsgId, str]]:
    """Literal titles and column names of the Section(...) and Table(...) calls under detect/."""
    for path in sorted((PACKAGE / "detect").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = _assignments(tree)
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
                continue
            where = f"{path.relative_to(PACKAGE)}:{node.lineno}"
            keywords = {k.arg: k.value for k in node.keywords}
            if node.func.id == "Section":
                texts = _literals(keywords.get("title") or (node.args[1] if len(node.args) > 1 else None), names)
            elif node.func.id == "Table":
                args = [*node.args, None, None, None]
                texts = (_literals(keywords.get("title") or args[1], names)
                         + _literals(keywords.get("columns") or args[2], names))
            else:
                continue
            for text in texts:
                yield text, where


def _message_call(node: ast.AST) -> str:
    """"Message" or "Message.plural" when `node` builds a findings.Message from a template, else ""."""
    if not isinstance(node, ast.Call):
        return ""
    func = node.func
    if isinstance(func, ast.Name) and func.id == "Message":
        return "Message"
    if (isinstance(func, ast.Attribute) and func.attr == "plural" and isinstance(func.value, ast.Name)
            and func.value.id == "Message"):
        return "Message.plural"
    return ""


def _fields(template: str) -> set[str]:
    return {name for _text, name, _spec, _conv in string.Formatter().parse(template) if name is not None}


def _message_calls() -> Iterator[tuple[ast.Call, str, str]]:
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = str(path.relative_to(PACKAGE))
        if rel == "findings.py":  # the class itself
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            kind = _message_call(node)
            if kind:
                assert isinstance(node, ast.Call)
                yield node, kind, f"{rel}:{node.lineno}"


def _literal(node: ast.expr) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def message_messages() -> Iterator[tuple[MsgId, str]]:
    """(msgid, where) of every Message template in the package (the report text analysis builds)."""
    for node, kind, where in _message_calls():
        texts = [t for a in node.args[:2 if kind == "Message.plural" else 1] if (t := _literal(a))]
        if texts == [] or len(texts) < min(len(node.args), 2 if kind == "Message.plural" else 1):
            continue  # reported by message_errors()
        yield (texts[0], texts[1]) if len(texts) == 2 else texts[0], where


def message_errors() -> list[str]:
    """Message calls the catalogue cannot hold: a template that is not a string literal (an f-string,
    a variable), or fields that do not match the named values given (`{name}` without `name=`)."""
    errors = []
    for node, kind, where in _message_calls():
        wanted = 2 if kind == "Message.plural" else 1
        texts = [_literal(a) for a in node.args[:wanted]]
        if len(texts) < wanted or not all(texts):
            errors.append(f"{where}: the template of {kind}(...) must be a string literal")
            continue
        given = {k.arg for k in node.keywords if k.arg}
        if any(k.arg is None for k in node.keywords):
            continue  # Message(..., **values): checked when it is built
        if not given and kind == "Message":  # no fields: the text is taken verbatim, braces included
            if any("{{" in (t or "") or "}}" in (t or "") for t in texts):
                errors.append(f"{where}: a template without fields is taken verbatim; write its braces once")
            continue
        if kind == "Message.plural":
            given.add(next((_literal(k.value) or "" for k in node.keywords if k.arg == "count"), "n"))
            given.discard("count")
        fields = set().union(*(_fields(t or "") for t in texts))
        if fields != given:
            errors.append(f"{where}: fields {sorted(fields)} but values {sorted(given)}")
    return errors


def all_messages() -> dict[MsgId, list[str]]:
    """msgid -> the places that use it, in a stable order."""
    out: dict[MsgId, list[str]] = {}
    for source in (template_messages, python_messages, rule_messages, inventory_messages, message_messages):
        for message, where in source():
            if message:
                out.setdefault(message, []).append(where)
    return out


def template_catalog() -> Catalog:
    catalog = Catalog(domain=DOMAIN, project="archaudit", fuzzy=False)
    for message, places in all_messages().items():
        text = "".join(message if isinstance(message, tuple) else [message])
        flags = ("python-format",) if "%(" in text else ("python-brace-format",) if "{" in text else ()
        catalog.add(message, locations=[(p, 0) for p in places[:3]], flags=flags)
    return catalog


def read(lang: str) -> Catalog:
    with open(po_path(lang), "rb") as fh:
        return read_po(fh, locale=lang, domain=DOMAIN)


def missing(lang: str) -> list[MsgId]:
    """msgids with no translation (absent, empty or fuzzy) in the `lang` catalogue."""
    catalog = read(lang)
    out = []
    for message in all_messages():
        key = message[0] if isinstance(message, tuple) else message
        entry = catalog.get(key)
        strings = entry.string if entry is not None else ""
        translated = all(strings) if isinstance(strings, tuple | list) else bool(strings)
        if entry is None or entry.fuzzy or not translated:
            out.append(message)
    return out


def update(lang: str) -> None:
    """Merge the current msgids into the `lang` catalogue: new ones arrive untranslated, obsolete
    ones are kept commented out (so a reworded rule shows its old translation to start from)."""
    path = po_path(lang)
    catalog = read(lang) if path.exists() else Catalog(locale=lang, domain=DOMAIN, project="archaudit")
    catalog.update(template_catalog(), no_fuzzy_matching=True)
    catalog.project, catalog.version = "archaudit", __version__
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=120, sort_output=False, include_previous=False)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(_VOLATILE_HEADERS.sub(b"", buffer.getvalue()))  # no date or placeholder churn in diffs


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "check"
    languages = [lang for lang in LANGUAGES if lang != "en"]
    if command == "update":
        for lang in languages:
            update(lang)
        return 0
    if command == "check":
        gaps = {lang: missing(lang) for lang in languages}
        for lang, messages in gaps.items():
            for message in messages:
                print(f"{lang}: untranslated: {message!r}")
        return 1 if any(gaps.values()) else 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
