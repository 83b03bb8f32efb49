"""The one shape of a finding, and the vocabulary (axes, severities) every rule speaks.

Findings are plain frozen data: rules produce them, scoring weighs them, renderers format them.
Tool problems (a file that could not be read) are `Skipped` records, never findings.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from archaudit.safe_text import utf8


class Severity(StrEnum):
    """How urgently a finding should be handled; ordered from worst to mildest."""

    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    INFO = "info"

    @property
    def rank(self) -> int:
        return list(Severity).index(self)


class Axis(StrEnum):
    """The scoring axes of an audit; each finding moves exactly one."""

    MODULARITY = "modularity"
    CONFIG_SECURITY = "configuration-security"
    REPRODUCIBILITY = "reproducibility"
    OBSERVABILITY = "observability"
    SECURITY = "security"
    TESTING = "testing"
    PERFORMANCE = "performance"
    DEVELOPER_EXPERIENCE = "developer-experience"
    DOCUMENTATION = "documentation"

    @property
    def label(self) -> str:
        return self.value.replace("-", " ").capitalize()


@dataclass(frozen=True, order=True)
class Evidence:
    """A place in the repository that supports a claim: path relative to the root, 1-based line."""

    path: str
    line: int
    snippet: str = ""

    @property
    def ref(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path


@dataclass(frozen=True)
class Premise:
    """A fact a claim rests on: established (with the places that show it) or not (with the reason).

    A hit whose premise is not established is not a finding: the engine reports the claim as "not
    determined" with the reason, next to the rule that would have made it. Established premises are
    the finding's chain of evidence."""

    fact: str
    established: bool = True
    why: str = ""  # when not established: what stopped it
    evidence: tuple[Evidence, ...] = ()

    @classmethod
    def unknown(cls, fact: str, why: str) -> Premise:
        return cls(fact, established=False, why=why)


@dataclass(frozen=True)
class Hit:
    """What a rule's check yields: where, and what it saw there. The engine turns it into a Finding."""

    path: str
    line: int
    message: str
    also: tuple[Evidence, ...] = ()
    key: str = ""  # stable detail for the fingerprint (e.g. the setting name), defaults to message
    premises: tuple[Premise, ...] = ()  # what the claim rests on; one unknown premise makes it not determined
    secrets: tuple[str, ...] = ()  # secret values the rule saw: masked exactly in the message and snippets
    # the fact stated, named the same by every rule that can state it ("python-lockfile-missing"): a
    # superseding rule's hit with the same fact drops the other rule's hit wherever that one points
    fact: str = ""
    # the places whose execution context decides how exposed the claim is, when not the hit's own: the
    # code that uses a value (a secret default read only by a one-shot script is less exposed)
    exposure: tuple[Evidence, ...] = ()


@dataclass(frozen=True)
class Finding:
    """One problem, fully explained and evidenced."""

    rule: str
    name: str
    severity: Severity
    axis: Axis
    title: str
    message: str
    impact: str
    action: str
    evidence: tuple[Evidence, ...]
    fingerprint: str = ""
    premises: tuple[Premise, ...] = ()  # the chain of evidence: every fact the claim rests on, established
    occurrences: int = 1  # places of the same root cause merged into this finding

    @property
    def sort_key(self) -> tuple[int, str, str, int, str]:
        first = self.evidence[0] if self.evidence else Evidence("", 0)
        return (self.severity.rank, self.rule, first.path, first.line, self.message)


@dataclass(frozen=True, order=True)
class Skipped:
    """A file the audit could not read, and why (binary, too large, not UTF-8, syntax error...)."""

    path: str
    reason: str


@dataclass(frozen=True)
class Undetermined:
    """Something the report cannot establish; said plainly instead of guessed. `rule` and `evidence`
    are set when it is a claim a rule would have made had its premises been established."""

    topic: str
    why: str
    rule: str = ""
    evidence: tuple[Evidence, ...] = ()


_LINE_REFS = re.compile(r"(?<=\w):\d+\b|\blines? \d+(-\d+)?\b", re.IGNORECASE)


def fingerprint(rule: str, path: str, detail: str) -> str:
    """A fingerprint that survives unrelated edits: rule + path + normalised detail, with any
    `file:line` / `line N` reference in the detail removed (lines move, the problem stays)."""
    norm = " ".join(_LINE_REFS.sub("", detail).split()).lower()
    return hashlib.sha256(utf8(f"{rule}\0{path}\0{norm}")).hexdigest()[:16]



Param = Any  # str | int | float | Message: the value of one field of a Message


class Message(str):
    """Report text that can be said in another language: an English template with named fields
    (`"{name} ({source}) defaults to {value}."`) and the values of those fields.

    It *is* its English text (a `str`): fingerprints, sorting, JSON and every English consumer see
    exactly what an f-string gave before, so the Report stays English data. Renderers of other
    languages look the template up in the message catalogue (`archaudit.i18n`) and fill in the
    same fields; a field that is itself a Message is translated too, any other value (a name, a
    path, a number: evidence) is shown as is.

    The template must be a string literal at the call (`archaudit.i18n_catalog` collects every
    `Message("...")` of the package as a msgid, and tests/test_i18n.py fails on one without a French
    translation). A template without fields is taken verbatim (no `{{` escaping). Operations that
    build a new string (`+`, f-strings, `.join`) give a plain English `str`: nest Messages instead
    (`Message("{claim} ({n} places)", claim=message, n=3)`, `Message.joined("; ", parts)`)."""

    template: str
    plural_template: str  # with `count`: the plural form, chosen by the catalogue's plural rule
    count_field: str  # the field holding the number that chooses singular or plural
    params: tuple[tuple[str, Param], ...]
    lookup: bool  # False for a join of parts: only the parts are translated

    def __new__(cls, template: str, /, **params: str | int | float) -> Message:
        return cls._make(template, "", "", tuple(params.items()), True)

    @classmethod
    def _make(cls, template: str, plural: str, count: str, params: tuple[tuple[str, Param], ...],
              lookup: bool) -> Message:
        values = dict(params)
        chosen = plural if plural and values.get(count) != 1 else template
        self = super().__new__(cls, chosen.format(**values) if params else chosen)
        self.template, self.plural_template, self.count_field, self.params, self.lookup = (
            template, plural, count, params, lookup)
        return self

    @classmethod
    def plural(cls, singular: str, plural: str, /, count: str = "n", **params: str | int | float) -> Message:
        """Singular and plural templates, chosen by the number in field `count` (English: 1 or not)."""
        return cls._make(singular, plural, count, tuple(params.items()), True)

    @classmethod
    def known(cls, text: str) -> Message:
        """A text the catalogue already holds under another source (a rule title, an axis label):
        translated when shown, but not collected as a template of its own."""
        return cls._make(text, "", "", (), True)

    @classmethod
    def joined(cls, sep: str, parts: Sequence[str]) -> Message:
        """Parts said one after the other with `sep`; each part that is a Message is translated."""
        params = tuple((f"p{i}", part) for i, part in enumerate(parts))
        escaped = sep.replace("{", "{{").replace("}", "}}")
        return cls._make(escaped.join(f"{{p{i}}}" for i in range(len(parts))), "", "", params, False)

    def fields(self) -> dict[str, Param]:
        return dict(self.params)

    def redacted(self, redact: Callable[[str], str]) -> str:
        """This text with `redact` applied: the fields are redacted one by one, and when that does not
        give the same English as redacting the whole text (a secret spanning a field and the fixed
        words), the plain redacted English is returned: masking wins over translation."""
        english = str(self)
        whole = redact(english)
        if whole == english:
            return self
        params = tuple((k, v.redacted(redact) if isinstance(v, Message) else redact(v) if isinstance(v, str) else v)
                       for k, v in self.params)
        again = Message._make(self.template, self.plural_template, self.count_field, params, self.lookup)
        return again if str(again) == whole else whole

    def __reduce__(self) -> tuple[Any, ...]:  # pickled reports (the report cache) keep the parts
        return (Message._make, (self.template, self.plural_template, self.count_field, self.params, self.lookup))

    def __deepcopy__(self, memo: dict[int, Any]) -> Message:  # immutable, like str
        return self

    def __copy__(self) -> Message:
        return self
