"""`archaudit history` and `archaudit diff` as text: the audits of a repository with the trend of
each axis, and what changed between two reports. Formatting only: the rows come from the store and
`history.diff`."""

from __future__ import annotations

import json
from typing import Any

from archaudit.findings import Severity
from archaudit.redact import redact_text

_SEVERITIES = [s.value for s in Severity if s is not Severity.INFO]


def _when(row: Any) -> str:
    return str(row.recorded_at.strftime("%Y-%m-%d %H:%M"))


def _trend(values: list[float | None]) -> str:
    """The scores of one axis, oldest to newest, and the change over the period."""
    shown = " ".join("-" if v is None else f"{v:.1f}" for v in values)
    known = [v for v in values if v is not None]
    if len(known) < 2:
        return shown
    delta = known[-1] - known[0]
    arrow = "up" if delta > 0 else "down" if delta < 0 else "steady"
    return f"{shown}  ({arrow} {delta:+.1f})"


def history_table(rows: list[Any]) -> str:
    if not rows:
        return ""
    lines = ["audit  date (UTC)        commit        branch            findings  " + " ".join(
        f"{s[:4]:>4}" for s in _SEVERITIES) + "  avg"]
    for r in rows:
        counts = " ".join(f"{r.by_severity.get(s, 0):>4}" for s in _SEVERITIES)
        avg = r.coverage.get("average_score")
        lines.append(f"#{r.id:<5} {_when(r):<17} {(r.commit or '-')[:12]:<13} {(r.branch or '-')[:17]:<17} "
                     f"{r.findings_count:>8}  {counts}  {'-' if avg is None else avg}")
    axes = sorted({a for r in rows for a in r.scores})
    lines += ["", f"Score per axis, oldest to newest ({len(rows)} audits):"]
    width = max((len(a) for a in axes), default=0)
    lines += [f"  {a:<{width}}  {_trend([r.scores.get(a) for r in rows])}" for a in axes]
    return redact_text("\n".join(lines)) + "\n"


def history_json(rows: list[Any]) -> str:
    out = [{"id": r.id, "recorded_at": r.recorded_at.isoformat(), "tool_version": r.tool_version,
            "commit": r.commit, "branch": r.branch, "repository": r.root_name, "findings": r.findings_count,
            "by_severity": r.by_severity, "scores": r.scores, "coverage": r.coverage, "config": r.config}
           for r in rows]
    return redact_text(json.dumps(out, indent=2, ensure_ascii=False)) + "\n"


def _item(f: dict[str, Any]) -> str:
    where = f"{f['path']}:{f['line']}" if f.get("line") else f.get("path", "")
    return f"- {f['rule']} {f['title']}: {f.get('message') or ''} `{where}`".replace(" ``", "")


def diff_markdown(result: dict[str, Any]) -> str:
    lines = ["# archaudit diff", "", f"From {result['old']} to {result['new_report']}: {len(result['new'])} new, "
             f"{len(result['fixed'])} fixed, {len(result['persisting'])} persisting."]
    for title, key in (("New", "new"), ("Fixed", "fixed")):
        if result[key]:
            lines += ["", f"## {title}", ""] + [_item(f) for f in result[key]]
    if result["new_places"] or result["fixed_places"]:
        lines += ["", "## Occurrences of persisting findings", ""]
        lines += [f"- new: {p['rule']} {p['title']} `{p['path']}:{p['line']}`" for p in result["new_places"]]
        lines += [f"- gone: {p['rule']} {p['title']} `{p['path']}:{p['line']}`" for p in result["fixed_places"]]
    changed = [s for s in result["scores"] if s["before"] != s["after"]]
    lines += ["", "## Scores", ""]
    if changed:
        lines += ["| Axis | Before | After | Change |", "|---|---|---|---|"]
        lines += [f"| {s['axis']} | {_score(s['before'])} | {_score(s['after'])} | "
                  f"{'' if s['delta'] is None else format(s['delta'], '+.1f')} |" for s in changed]
    else:
        lines.append("No score changed.")
    return redact_text("\n".join(lines)) + "\n"


def _score(value: float | None) -> str:
    return "not evaluated" if value is None else f"{value:.1f}"
