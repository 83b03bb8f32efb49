"""Assemble the Report value from the Repo: inventory sections, findings, scores, strengths.

Lives outside `report/` so that the report package (model and renderers) depends on nothing that
analyses, and detectors can use `report.model` without an import cycle."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from functools import partial
from typing import Any

from archaudit.beside import can_fork, run_tasks
from archaudit.config import Config
from archaudit.detect import SECTIONS
from archaudit.detect.config.settings import secret_values
from archaudit.detect.notable import with_notable
from archaudit.detect.overview import system_overview
from archaudit.detect.ts_coverage import with_ts_coverage
from archaudit.findings import Finding, Hit, Message, Undetermined
from archaudit.model import AxisScore, Fact, Report, Section, Verdict
from archaudit.redact import redact_report
from archaudit.repo import Repo
from archaudit.resolve.context import Context, context_of
from archaudit.resolve.coverage import unread_sources
from archaudit.rules import ALL_RULES, RULES_BY_ID
from archaudit.rules.base import DEFAULT_PRECISION, Rule
from archaudit.rules.engine import check_rule, run_rules
from archaudit.rules.suppress import Ledger
from archaudit.scoring import score_axes
from archaudit.strengths import find_strengths
from archaudit.verdict import build_verdict

Progress = Callable[[str, int, int], None]
# below this many files the analysis takes a few tens of milliseconds: a second process costs more
PARALLEL_MIN_FILES = 200


def _section(repo: Repo, build: Callable[[Repo], Section]) -> Section | Undetermined:
    """One inventory section, or why it failed: one broken detector must not cost the whole report."""
    try:
        return with_notable(with_ts_coverage(repo, build(repo)))
    except Exception as exc:
        return Undetermined(Message("section {module}", module=build.__module__),
                            Message("failed ({error}: {detail})", error=type(exc).__name__, detail=str(exc)))


def _analyse(repo: Repo, rules: list[Rule], progress: Progress | None,
             jobs: int) -> tuple[list[Section | Undetermined], list[list[Hit] | Undetermined]]:
    """Every section and every rule's check. With `jobs` other than 1 (0: one per core) and a tree
    large enough, on two processes (`beside.py`); the files a task found unreadable are recorded
    on the Repo either way."""
    tasks: list[Callable[[], Any]] = [partial(_section, repo, build) for build in SECTIONS]
    tasks += [partial(check_rule, repo, rule) for rule in rules]

    def shown(i: int) -> None:
        """Progress from the position of a task this process finished (sections first, then rules)."""
        if progress:
            progress(*(("inventory", i + 1, len(SECTIONS)) if i < len(SECTIONS)
                       else ("rules", i + 1 - len(SECTIONS), len(rules))))

    parallel = len(repo.files) >= PARALLEL_MIN_FILES and can_fork(jobs)
    results, problems = run_tasks(tasks, lambda: repo.problems, parallel, shown)
    repo.add_problems(problems or [])
    if parallel and progress:  # the child's tasks (taken from the end) were not shown as they finished
        shown(len(SECTIONS) - 1)
        shown(len(tasks) - 1)
    return results[: len(SECTIONS)], results[len(SECTIONS):]


def build_report(repo: Repo, version: str, timestamp: str | None = None,
                 progress: Progress | None = None, jobs: int = 1) -> Report:
    rules, held = selected_rules(repo.config)
    built, outcomes = _analyse(repo, rules, progress, jobs)
    sections = [s for s in built if isinstance(s, Section)]
    failures = [s for s in built if isinstance(s, Undetermined)]
    ledger = Ledger(repo, frozenset(RULES_BY_ID))
    findings, rule_failures = run_rules(repo, rules, progress, ledger, outcomes)
    suppressed, suppression_problems = ledger.report({r.id for r in rules})
    undetermined = failures + rule_failures
    undetermined += [Undetermined(Message("archaudit configuration"), note) for note in repo.config.notes]
    if held:
        why = Message("{n} rule(s) not run, their measured precision being below {precision} ({rules}); --preview "
                      "runs them", n=len(held), precision=f"{DEFAULT_PRECISION:.0%}", rules=", ".join(held))
        undetermined.append(Undetermined(Message("rules in preview"), why))
    for s in sections:
        undetermined += [Undetermined(Message.known(s.title), text) for text in s.undetermined]
    undetermined += unread_sources(repo)
    scores = score_axes(findings, rules, served_languages(repo), _has_source(repo))
    strengths = find_strengths(repo, findings)
    severities = Counter(f.severity.value for f in findings)
    rated = [s for s in scores if s.is_evaluated]
    summary = {
        "files": len(repo.files),
        "python_files": len(repo.python),
        "python_lines": sum(m["lines"] for m in repo.python.values()),
        "findings": len(findings),
        "suppressed": len(suppressed),
        "by_severity": {k: severities[k] for k in sorted(severities)},
        "average_score": round(sum(s.score for s in rated) / len(rated), 1) if rated else None,
        "axes_evaluated": len(rated),
        "headlines": [Message("{section}: {headline}", section=Message.known(s.title), headline=s.headline)
                      for s in sections if s.headline],
    }
    verdict = _verdict(repo, sections, findings, strengths, undetermined, scores)
    report = Report(
        tool_version=version, root_name=repo.name, generated_at=timestamp, summary=summary,
        sections=sections, findings=findings, scores=scores, strengths=strengths,
        skipped=sorted(set(repo.skipped) | set(repo.problems)),
        undetermined=sorted(undetermined, key=lambda u: (u.topic, u.why, u.rule, u.evidence)),
        stats=dict(repo.stats),
        verdict=verdict, configuration=repo.config.described(), suppressed=suppressed,
        suppression_problems=suppression_problems,
    )
    return redact_report(report, _known_secrets(repo))


def selected_rules(config: Config) -> tuple[list[Rule], list[str]]:
    """(the rules that run, with the configuration's severity overrides; the ids of the selected
    rules held back because they are in preview). An override replaces the rule's own severity,
    and the engine's exposure policy (one step lower outside production code) still applies."""
    overrides = dict(config.severity)
    enabled = [r for r in ALL_RULES if config.runs(r.id)]
    held = [] if config.preview else sorted(r.id for r in enabled if r.preview)
    rules = [replace(r, severity=overrides[r.id]) if r.id in overrides else r for r in enabled if r.id not in held]
    return rules, held


def _known_secrets(repo: Repo) -> tuple[str, ...]:
    """Secret values established by the analysis (settings defaults); none when settings failed."""
    try:
        return secret_values(repo)
    except Exception:  # the settings section already reported its failure; patterns still mask
        return ()


def _verdict(repo: Repo, sections: list[Section], findings: list[Finding], strengths: list[Fact],
             undetermined: list[Undetermined], scores: list[AxisScore]) -> Verdict | None:
    """The first screen; a failure here costs the verdict only, never the report."""
    try:
        return build_verdict(repo, sections, findings, strengths, undetermined, scores, system_overview(repo))
    except Exception as exc:
        undetermined.append(Undetermined(Message("verdict"), Message("failed ({error}: {detail})",
                                                                      error=type(exc).__name__, detail=str(exc))))
        return None


def _has_source(repo: Repo) -> bool:
    """Whether the tree holds any Python, TypeScript or JavaScript file, in any context."""
    return any(f.language in ("python", "typescript", "javascript") for f in repo.files)


def served_languages(repo: Repo) -> set[str]:
    """Source languages of the served code (production context)."""
    return {f.language for f in repo.files if f.language in ("python", "typescript", "javascript")
            and context_of(repo, f.path) == Context.PRODUCTION}
