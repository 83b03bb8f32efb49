"""Findings -> a 0-10 score per axis, with the formula, the rules that moved it and its coverage.

score = max(0, 10 - sum over rules of min(CAP, weight(severity) * (1 + 0.25 * min(extra occurrences, 4))))
A rule counts once at its full weight; repeats add a quarter each, up to double; no rule takes more
than CAP points, so one noisy rule cannot decide an axis alone.

Coverage: an axis is evaluated by the rules that ran on it for the code present (a rule reading
Python says nothing about TypeScript). An axis no rule examined is "not evaluated", never 10/10; an
axis whose rules read none of a language present lists that language as not examined. A tree with no
source code at all (an empty folder, a docs-only one) has nothing a score could speak of: its axes are
not evaluated, except where a finding shows something was examined.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from archaudit.findings import Axis, Finding, Severity
from archaudit.model import AxisScore
from archaudit.rules.base import Rule

WEIGHTS = {Severity.CRITICAL: 4.0, Severity.HIGH: 2.0, Severity.MEDIUM: 1.0, Severity.LOW: 0.5,
           Severity.INFO: 0.0}
CAP = 4.0  # most points one rule can take from an axis
LANGUAGE_GROUPS = {"Python": frozenset({"python"}), "TypeScript/JavaScript": frozenset({"typescript", "javascript"})}


def _coverage(axis: Axis, ran: list[Rule], present: set[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(rules that evaluated the axis, language groups present whose code none of them read)."""
    on_axis = [r for r in ran if r.axis == axis]
    groups = [g for g, langs in LANGUAGE_GROUPS.items() if langs & present]
    evaluated = sorted(r.id for r in on_axis if not r.code_languages or r.code_languages & present)
    code_axis = any(r.code_languages for r in on_axis)
    missing = [g for g in groups if code_axis and not any(r.code_languages & LANGUAGE_GROUPS[g] for r in on_axis)]
    return tuple(evaluated), tuple(missing)


def score_axes(findings: list[Finding], ran: Iterable[Rule] | None = None,
               present: Iterable[str] = (), has_source: bool = True) -> list[AxisScore]:
    """One score per axis, in the Axis order. `ran`: the rules that ran (None: every axis counts as
    evaluated by its findings only); `present`: the source languages of the served code;
    `has_source`: whether the tree holds any source file at all."""
    by_rule: dict[Axis, dict[str, list[Finding]]] = defaultdict(lambda: defaultdict(list))
    for f in findings:
        by_rule[f.axis][f.rule].append(f)
    rules_ran = list(ran) if ran is not None else None
    scores = []
    for axis in Axis:
        rules = by_rule.get(axis, {})
        penalty, terms = 0.0, []
        for rule_id in sorted(rules):
            hits = rules[rule_id]
            occurrences = sum(f.occurrences for f in hits)
            w = WEIGHTS[hits[0].severity] * (1 + 0.25 * min(occurrences - 1, 4))
            if w > CAP:
                w = CAP
                terms.append(f"{rule_id} {w:g} (capped)")
            elif w:
                terms.append(f"{rule_id} {w:g}")
            penalty += w
        score = max(0.0, round(10 - penalty, 1))
        formula = "10 - (" + " + ".join(terms) + f") = {score:g}" if terms else "10 (no finding on this axis)"
        evaluated: tuple[str, ...]
        missing: tuple[str, ...]
        if rules_ran is None:
            evaluated, missing = tuple(sorted(rules)), ()
        else:
            evaluated, missing = _coverage(axis, rules_ran, set(present))
            if not has_source and not rules:
                evaluated, formula = (), "not evaluated: the tree holds no source code"
            elif not evaluated:
                formula = "not evaluated: no rule examined this axis for the code present"
        scores.append(AxisScore(axis, score, formula, tuple(sorted(rules)), evaluated, missing))
    return scores
