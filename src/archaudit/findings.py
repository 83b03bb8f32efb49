"""The one shape of a finding, and the vocabulary (axes, severities) every rule speaks.

Findings are plain frozen data: rules produce them, scoring weighs them, renderers format them.
Tool problems (a file that could not be read) are `Skipped` records, never findings.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
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
    # one fingerprint per occurrence (the first `occurrences` evidence entries, in order): a new
    # occurrence of a known finding (an SQL injection added beside an old one) is new, not persisting
    places: tuple[str, ...] = ()
    # where code-scanning tools (SARIF, GitHub, GitLab) show a finding whose evidence is the repository
    # itself ("no README"): the file that shows the absence or the manifest, line 1 (set by the engine)
    anchor: Evidence | None = None

    @property
    def location(self) -> Evidence:
        """The one file:line a tool that needs a file shows this finding at: its first evidence, or its
        anchor when that evidence is the repository itself."""
        first = self.evidence[0] if self.evidence else Evidence(".", 0)
        if self.anchor is not None and first.path in ("", "."):
            return self.anchor
        return first if first.line else Evidence(first.path, 1, first.snippet)  # a whole file: its first line

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

# Bumped whenever fingerprints are computed differently: reports and recorded audits of another
# scheme are not compared (every finding would look new and every old one fixed).
FINGERPRINT_SCHEME = 2


def fingerprint(rule: str, path: str, detail: str) -> str:
    """The engine's grouping key: rule + path + normalised detail, with any `file:line` / `line N`
    reference in the detail removed (lines move, the problem stays). Published fingerprints come from
    `assign_fingerprints`, which does not depend on the path."""
    norm = " ".join(_LINE_REFS.sub("", detail).split()).lower()
    return _digest(rule, path, norm)


def _digest(*parts: str) -> str:
    return hashlib.sha256(utf8("\0".join(parts))).hexdigest()[:16]


def _evidence_text(text: str, paths: set[str]) -> str:
    """A cause or snippet as the fingerprint sees it: no line references, none of the finding's own
    paths or file names (a renamed file keeps its findings), whitespace and case folded."""
    text = _LINE_REFS.sub("", text)
    for path in sorted(paths, key=len, reverse=True):
        text = text.replace(path, "")
    for name in sorted({p.rsplit("/", 1)[-1] for p in paths}, key=len, reverse=True):
        if len(name) > 3:
            text = text.replace(name, "")
    return " ".join(text.split()).lower()


def assign_fingerprints(found: list[tuple[Finding, str]]) -> list[Finding]:
    """Every finding and every occurrence of a report gets a fingerprint unique in the report and
    stable across audits: moved lines and a renamed file keep it while the evidence is unchanged.

    An occurrence is rule + root cause + its normalised source line, numbered among identical ones
    (ordered by path and line: the path only breaks ties). A finding is rule + root cause + its
    evidence; findings sharing all three (the same line in several files) are told apart by path.
    `found` pairs each finding with its root cause (the hit's key or message)."""
    causes, occurrences = [], []
    for index, (f, cause) in enumerate(found):
        primary = f.evidence[: max(f.occurrences, 1)] if f.evidence else ()
        paths = {e.path for e in primary if e.path}
        causes.append(_digest(f.rule, _evidence_text(cause, paths)))
        for place, e in enumerate(primary):
            occurrences.append((_digest(causes[-1], _evidence_text(e.snippet, paths)), e.path, e.line, index, place))
    places: list[list[str]] = [[""] * max(f.occurrences, 1) if f.evidence else [] for f, _ in found]
    rank: dict[str, int] = {}
    for base, _path, _line, index, place in sorted(occurrences):
        places[index][place] = _digest(base, str(rank.get(base, 0)))
        rank[base] = rank.get(base, 0) + 1
    return [replace(f, fingerprint=fp, places=tuple(places[i]))
            for i, (f, fp) in enumerate(zip((f for f, _ in found), _finding_fingerprints(found, causes), strict=True))]


def _finding_fingerprints(found: list[tuple[Finding, str]], causes: list[str]) -> list[str]:
    """The cause with its evidence (never the cause alone: a second finding of the same cause
    appearing elsewhere would then change the first one's fingerprint); on a tie, with the path
    (and, should even that repeat, a number)."""
    out = [_digest(cause, _evidence_key(f)) for cause, (f, _) in zip(causes, found, strict=True)]
    for tie_break in (_path_key, None):
        counts: dict[str, int] = {}
        for key in out:
            counts[key] = counts.get(key, 0) + 1
        taken: dict[str, int] = {}
        for i in sorted(range(len(out)), key=lambda i: found[i][0].sort_key):
            if counts[out[i]] > 1:
                key = out[i]
                out[i] = _digest(key, tie_break(found[i][0]) if tie_break else str(taken.get(key, 0)))
                taken[key] = taken.get(key, 0) + 1
    return [_digest(key) for key in out]


def _evidence_key(f: Finding) -> str:
    primary = f.evidence[: max(f.occurrences, 1)]
    paths = {e.path for e in primary if e.path}
    return "\0".join(sorted(_evidence_text(e.snippet, paths) for e in primary))


def _path_key(f: Finding) -> str:
    return f.evidence[0].path if f.evidence else ""

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
