"""The Report value: everything an audit established, as plain data. Renderers only format it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from archaudit.findings import Axis, Evidence, Finding, Skipped, Undetermined


@dataclass(frozen=True)
class Fact:
    """One verifiable statement of the inventory, with the places that show it."""

    text: str
    evidence: tuple[Evidence, ...] = ()


@dataclass(frozen=True)
class Table:
    """Records of one kind (endpoints, models...). Each row maps column -> value; rows may carry
    `file` and `line`, rendered as the evidence column."""

    key: str
    title: str
    columns: tuple[str, ...]
    rows: tuple[dict[str, Any], ...]


@dataclass(frozen=True)
class Section:
    """One inventory section: facts, tables, and what could not be determined."""

    key: str
    title: str
    facts: tuple[Fact, ...] = ()
    tables: tuple[Table, ...] = ()
    undetermined: tuple[str, ...] = ()
    headline: str = ""  # one sentence for the executive summary, "" when there is nothing to say


@dataclass(frozen=True)
class AxisScore:
    axis: Axis
    score: float
    formula: str
    rules: tuple[str, ...]  # rule ids of the findings that moved it
    evaluated: tuple[str, ...] = ()  # rule ids that ran on this axis
    not_examined: tuple[str, ...] = ()  # languages present whose code no rule of this axis examined

    @property
    def is_evaluated(self) -> bool:
        """False when no rule ran on this axis for any code present: the score would say nothing."""
        return bool(self.evaluated)


@dataclass(frozen=True)
class Component:
    """One box of the system diagram: a process, a data store, a broker or an external service."""

    name: str
    kind: str  # process | store | broker | external
    evidence: tuple[Evidence, ...]
    detail: str = ""


@dataclass(frozen=True)
class Overview:
    """The system as components and the edges the code shows between them (from, to, label)."""

    components: tuple[Component, ...] = ()
    edges: tuple[tuple[str, str, str], ...] = ()


@dataclass(frozen=True)
class Verdict:
    """The first screen: what the system is, the risks and strengths that matter, and how much of the
    repository the audit could establish."""

    summary: str
    overview: Overview
    risks: tuple[Finding, ...]
    strengths: tuple[Fact, ...]
    coverage: tuple[str, ...]


@dataclass(frozen=True)
class Comparison:
    """What changed since a previous audit, by finding fingerprint."""

    previous: str
    new: tuple[Finding, ...]
    fixed: tuple[dict[str, Any], ...]
    persisting: int


@dataclass
class Report:
    tool_version: str
    root_name: str
    generated_at: str | None  # only when asked (SOURCE_DATE_EPOCH or --timestamp)
    summary: dict[str, Any]
    sections: list[Section]
    findings: list[Finding]
    scores: list[AxisScore]
    strengths: list[Fact]
    skipped: list[Skipped]
    undetermined: list[Undetermined]
    comparison: Comparison | None = None
    stats: dict[str, Any] = field(default_factory=dict)
    verdict: Verdict | None = None
    lang: str = "en"  # the language the Markdown and HTML renderers write (the data itself is English)

    def findings_by_rule(self) -> list[tuple[str, list[Finding]]]:
        """Findings grouped by rule, groups in the order of their worst (first) finding."""
        groups: dict[str, list[Finding]] = {}
        for f in self.findings:
            groups.setdefault(f.rule, []).append(f)
        return list(groups.items())

    def claims_by_rule(self) -> dict[str, list[Undetermined]]:
        """Claims a rule could not establish (a premise missing), by rule: shown beside its findings."""
        out: dict[str, list[Undetermined]] = {}
        for u in self.undetermined:
            if u.rule:
                out.setdefault(u.rule, []).append(u)
        return out
