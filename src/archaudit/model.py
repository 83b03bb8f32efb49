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
