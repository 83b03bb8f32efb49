"""Report languages: one gettext catalogue per language, English as the source (msgid = English text).

Only renderers translate, at render time: the Report stays English data (JSON, fingerprints, rule ids
and evidence are the same in every language). A string the catalogue does not hold is shown as is,
in English: a missing translation never hides a fact (tests/test_i18n.py fails on one instead).

The catalogue ships as `.po` (src/archaudit/locale/<lang>/LC_MESSAGES/archaudit.po) and is compiled
in memory with Babel's own reader and writer the first time a language is asked for: nothing to build,
nothing fetched, and no compiled file that could go stale. `archaudit/i18n_catalog.py` extracts the
msgids (templates, renderer strings, rule texts, inventory titles) and merges them into the `.po`.
"""

from __future__ import annotations

import dataclasses
import functools
import gettext
import io
from enum import Enum
from importlib import resources
from typing import Any

from archaudit.findings import Axis, Message, Severity

LANGUAGES = ("en", "fr")
DEFAULT = "en"
DOMAIN = "archaudit"


def N_(message: str) -> str:  # the gettext convention for "mark for extraction only"
    """Marks an English string for extraction; it is translated where it is shown."""
    return message


def catalog_text(lang: str) -> str:
    """The `.po` source of a language, read from the package (works from a wheel, offline)."""
    path = resources.files("archaudit").joinpath("locale", lang, "LC_MESSAGES", f"{DOMAIN}.po")
    return path.read_text(encoding="utf-8")


def _compiled(lang: str) -> gettext.NullTranslations:
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    catalog = read_po(io.StringIO(catalog_text(lang)), locale=lang, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)  # fuzzy entries are left out: a guess is not a translation
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


class Translator:
    """gettext for one language, with the report's vocabulary (axes, severities, formulas)."""

    def __init__(self, lang: str, translations: gettext.NullTranslations) -> None:
        self.lang = lang
        self.translations = translations

    def __call__(self, message: str) -> str:
        return self.translations.gettext(message) if message else message

    def plural(self, singular: str, plural: str, n: int) -> str:
        return self.translations.ngettext(singular, plural, n)

    def axis(self, axis: Axis) -> str:
        """The axis label as a heading ("Configuration security")."""
        return self(axis.label)

    def axis_name(self, value: str) -> str:
        """The label of the axis whose value is `value` ("configuration-security": recorded audits and
        compared reports hold the value), the value itself when it names no axis."""
        try:
            return self.axis(Axis(value))
        except ValueError:
            return value

    def severity(self, severity: Severity) -> str:
        """The severity as a word ("high"), lower case."""
        return self(severity.value)

    def message(self, message: Message) -> str:
        """A Message in this language: its template from the catalogue, its fields filled in (a field
        that is a Message translated in turn, any other value shown as is). A template the catalogue
        does not hold, or a translation that does not fit the fields, gives the English."""
        fields = {k: self.message(v) if isinstance(v, Message) else v for k, v in message.params}
        if not message.lookup:  # a join: only its separator is the language's ("a ; b" in French)
            template = message.template
            for sep, said in _SEPARATORS.get(self.lang, ()):
                template = template.replace("}" + sep + "{", "}" + said + "{")
        elif message.plural_template:
            template = self.plural(message.template, message.plural_template, int(fields.get(message.count_field, 0)))
        else:
            template = self(message.template)
        if not message.params:
            return template
        try:
            return template.format(**fields)
        except (KeyError, IndexError, ValueError):
            return str(message)

    def localise(self, tree: Any) -> Any:
        """A copy of `tree` (a Report, an ArchitectureDoc: dataclasses, lists, tuples, dicts) with every
        Message said in this language; every other value is kept (English: the tree itself)."""
        return tree if self.lang == DEFAULT else _localised(tree, self)

    def formula(self, text: str) -> str:
        """A score formula: numbers and rule ids stay, its fixed words are translated."""
        whole = self(text)
        if whole != text:
            return whole
        return text.replace(" (capped)", " " + self("(capped)"))


# How the separators of joined lists (findings.Message.joined) are written in each language
_SEPARATORS: dict[str, tuple[tuple[str, str], ...]] = {"fr": (("; ", " ; "),)}


def _localised(obj: Any, tr: Translator) -> Any:
    if isinstance(obj, Message):
        return tr.message(obj)
    if obj is None or isinstance(obj, str | Enum | int | float | bool):
        return obj
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        changes = {f.name: _localised(getattr(obj, f.name), tr) for f in dataclasses.fields(obj)}
        changed = {k: v for k, v in changes.items() if v is not getattr(obj, k)}
        return dataclasses.replace(obj, **changed) if changed else obj
    if isinstance(obj, list):
        return [_localised(v, tr) for v in obj]
    if isinstance(obj, tuple):
        return tuple(_localised(v, tr) for v in obj)
    if isinstance(obj, dict):
        return {k: _localised(v, tr) for k, v in obj.items()}
    return obj


@functools.cache
def translator(lang: str | None = None) -> Translator:
    """The translator of `lang` (None: English). An unknown language is a ValueError (the CLI and
    the configuration refuse it before a report is rendered)."""
    lang = lang or DEFAULT
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; choose from {', '.join(LANGUAGES)}")
    if lang == DEFAULT:
        return Translator(lang, gettext.NullTranslations())
    return Translator(lang, _compiled(lang))


# Words the renderers build from data (axis labels, severities, formula fragments): each is a msgid.
VOCABULARY = (
    *(a.label for a in Axis),
    *(a.label.lower() for a in Axis),  # in a sentence ("not examined on: security, performance")
    *(s.value for s in Severity),
    N_("(capped)"),
    N_("10 (no finding on this axis)"),
    N_("not evaluated: no rule examined this axis for the code present"),
)
