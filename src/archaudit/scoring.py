"""Findings -> a 0-10 score per axis, with the formula and the rules that moved it.

score = max(0, 10 - sum over rules of weight(severity) * (1 + 0.25 * min(extra hits, 4)))
A rule counts once at its full weight; repeats add a quarter each, up to double.
"""

from __future__ import annotations

from collections import defaultdict

from archaudit.findings import Axis, Finding, Severity
from archaudit.model import AxisScore

WEIGHTS = {Severity.CRITICAL: 4.0, Severity.HIGH: 2.0, Severity.MEDIUM: 1.0, Severity.LOW: 0.5,
           Severity.INFO: 0.0}


def score_axes(findings: list[Finding]) -> list[AxisScore]:
    """One score per axis, in the Axis order."""
    by_rule: dict[Axis, dict[str, list[Finding]]] = defaultdict(lambda: defaultdict(list))
    for f in findings:
        by_rule[f.axis][f.rule].append(f)
    scores = []
    for axis in Axis:
        rules = by_rule.get(axis, {})
        penalty = 0.0
        terms = []
        for rule_id in sorted(rules):
            hits = rules[rule_id]
            w = WEIGHTS[hits[0].severity] * (1 + 0.25 * min(len(hits) - 1, 4))
            if w:
                terms.append(f"{rule_id} {w:g}")
            penalty += w
        score = max(0.0, round(10 - penalty, 1))
        formula = "10 - (" + " + ".join(terms) + f") = {score:g}" if terms else "10 (no finding on this axis)"
        scores.append(AxisScore(axis, score, formula, tuple(sorted(rules))))
    return scores
