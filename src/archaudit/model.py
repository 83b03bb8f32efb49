"""The Report value: everything an audit established, as plain data. Renderers only format it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from archaudit.findings import Axis, Evidence, Finding, Severity, Skipped, Undetermined


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
    # The rows worth reading in a bounded view (the Markdown report), chosen by analysis
    # (`detect.notable`): indices into `rows`; () when none stands out (the view then gives the count).
    # JSON and HTML keep every row, so this is not written to the JSON.
    notable: tuple[int, ...] = ()
    notable_why: str = ""  # what makes those rows notable, and what the view folds (a Message)


@dataclass(frozen=True)
class Section:
    """One inventory section: facts, tables, and what could not be determined."""

    key: str
    title: str
    facts: tuple[Fact, ...] = ()
    tables: tuple[Table, ...] = ()
    undetermined: tuple[str, ...] = ()
    headline: str = ""  # one sentence for the executive summary, "" when there is nothing to say
    # code this section's detectors do not read, present in the repository ("TypeScript/JavaScript (40 files)..."):
    # an empty section then says "not analysed", never "nothing found"
    not_analysed: tuple[str, ...] = ()


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
class ScoreDelta:
    """One axis's score then and now (None: not evaluated in that audit)."""

    axis: str
    before: float | None
    after: float | None

    @property
    def delta(self) -> float | None:
        return None if self.before is None or self.after is None else round(self.after - self.before, 1)


@dataclass(frozen=True)
class Comparison:
    """What changed since a previous audit (a `--compare` report or the history's previous audit),
    matched by finding and occurrence fingerprints.

    `fixed` holds dicts (rule, title, message, severity, fingerprint, path, line, fixed_on: the date of
    the first audit that saw it gone, "" when no audit recorded it); `new_places` are new occurrences of
    findings that persist (a second SQL injection beside a known one), `fixed_places` occurrences gone
    from findings that persist."""

    previous: str
    new: tuple[Finding, ...]
    fixed: tuple[dict[str, Any], ...]
    persisting: int
    source: str = "file"  # file (--compare) | history (the store's previous audit)
    previous_date: str = ""  # when the previous audit was made, "" when its report does not say
    still_open: tuple[str, ...] = ()  # fingerprints of the persisting findings
    new_places: tuple[tuple[Finding, Evidence, str], ...] = ()  # (finding, place, occurrence fingerprint)
    fixed_places: tuple[dict[str, Any], ...] = ()
    scores: tuple[ScoreDelta, ...] = ()

    def regressions(self) -> tuple[Finding, ...]:
        """Findings that are new, or that persist with a new occurrence: what a ratchet gates on."""
        grown = tuple(dict.fromkeys(f for f, _, _ in self.new_places if f not in self.new))
        return self.new + grown


@dataclass(frozen=True)
class Suppressed:
    """A finding's place accepted by a suppression: inline (SARIF kind "inSource", `where` is the
    comment's path:line) or in the configuration ("external", `where` names the entry)."""

    rule: str
    path: str
    line: int
    message: str
    kind: str  # inSource | external
    reason: str
    where: str
    expires: str = ""
    severity: Severity = Severity.INFO  # the rule's severity (a SARIF result's level)


@dataclass(frozen=True)
class SuppressionProblem:
    """A suppression that accepts nothing: bare, without a reason, naming an unknown rule, unused
    or expired. Listed in the report, never a finding (it says nothing of the audited code's quality
    and moves no score)."""

    problem: str  # bare | no-reason | unknown-rule | unused | expired
    where: str
    text: str
    rule: str = ""


@dataclass(frozen=True)
class BaselineResult:
    """The audit against a committed baseline of accepted findings (`archaudit baseline`)."""

    file: str
    new: tuple[Finding, ...]  # findings the baseline lacks
    fixed: tuple[dict[str, Any], ...]  # baseline entries no finding matches any more
    accepted: int  # findings the baseline holds


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
    configuration: dict[str, Any] = field(default_factory=dict)  # the settings used (Config.described)
    suppressed: list[Suppressed] = field(default_factory=list)
    suppression_problems: list[SuppressionProblem] = field(default_factory=list)
    baseline: BaselineResult | None = None

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


# The architecture document (`archaudit architecture`, built by archaudit.architecture_doc): what a
# maintainer writes for newcomers. A `Statement` always has evidence; what could not be established is
# never a Statement but a plain "not determined" note beside the part it weakens (`undetermined` fields).
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
