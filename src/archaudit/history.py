"""What changed since a previous audit: findings matched by fingerprint, occurrences by theirs.

The previous audit is a JSON report (`--compare FILE`) or a recorded audit of the history store in
the same shape (`store.Store.as_report`): one code path for both, and for `archaudit diff OLD NEW`.
A report that is not archaudit's, or whose fingerprints were computed by another scheme, is refused
(`PreviousReportError`): compared anyway, every finding would look new and every old one fixed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from archaudit.findings import FINGERPRINT_SCHEME
from archaudit.model import Comparison, Report, ScoreDelta


class PreviousReportError(ValueError):
    """The previous report cannot be compared with this audit; the message says why."""


def check_previous(data: object) -> dict[str, Any]:
    """The previous report, validated: an archaudit JSON report of this fingerprint scheme."""
    if not isinstance(data, dict) or not isinstance(data.get("findings"), list):
        raise PreviousReportError("not an archaudit JSON report (no findings list)")
    tool = data.get("tool")
    if not isinstance(tool, dict) or tool.get("name") != "archaudit":
        raise PreviousReportError("not an archaudit JSON report (its tool is not archaudit)")
    bad = next((i for i, f in enumerate(data["findings"])
                if not isinstance(f, dict) or not isinstance(f.get("fingerprint"), str)
                or not isinstance(f.get("places", []), list) or not isinstance(f.get("evidence", []), list)), None)
    if bad is not None:
        raise PreviousReportError(f"finding {bad + 1} has no fingerprint or malformed places: the report is damaged")
    scheme = data.get("fingerprint_scheme")
    if scheme != FINGERPRINT_SCHEME:
        raise PreviousReportError(
            f"written by archaudit {tool.get('version', '?')} with fingerprint scheme {scheme or 1}; this version "
            f"uses scheme {FINGERPRINT_SCHEME}, so its findings cannot be matched (audit that commit again "
            "with this version)")
    if not isinstance(data.get("scores", []), list):
        raise PreviousReportError("its scores are not a list: the report is damaged")
    return data


@dataclass(frozen=True)
class _Item:
    """One finding as the matcher sees it: its fingerprint and its occurrences' (with their places)."""

    fingerprint: str
    places: tuple[tuple[str, str, int], ...]  # (occurrence fingerprint, path, line)


@dataclass(frozen=True)
class _Match:
    new: list[int]
    persisting: list[int]
    fixed: list[int]
    new_places: list[tuple[int, int]]  # (current finding, place index)
    fixed_places: list[tuple[int, int]]  # (old finding, place index)


def _match(old: Sequence[_Item], current: Sequence[_Item]) -> _Match:
    """A finding persists when its fingerprint or one of its occurrences' was there before; an old
    finding is fixed when neither is left. Occurrences of persisting findings are new or fixed alone."""
    old_fps, cur_fps = {i.fingerprint for i in old}, {i.fingerprint for i in current}
    old_places = {p[0] for i in old for p in i.places}
    cur_places = {p[0] for i in current for p in i.places}
    known = [i.fingerprint in old_fps or any(p[0] in old_places for p in i.places) for i in current]
    gone = [i.fingerprint not in cur_fps and not any(p[0] in cur_places for p in i.places) for i in old]
    return _Match(
        new=[n for n, k in enumerate(known) if not k], persisting=[n for n, k in enumerate(known) if k],
        fixed=[n for n, g in enumerate(gone) if g],
        new_places=[(n, k) for n, i in enumerate(current) if known[n]
                    for k, p in enumerate(i.places) if p[0] not in old_places],
        fixed_places=[(n, k) for n, i in enumerate(old) if not gone[n]
                      for k, p in enumerate(i.places) if p[0] not in cur_places],
    )


def _items_of_json(findings: list[dict[str, Any]]) -> list[_Item]:
    out = []
    for f in findings:
        evidence = [e if isinstance(e, dict) else {} for e in f.get("evidence", [])]
        places = [p for p in f.get("places", []) if isinstance(p, str)]
        out.append(_Item(str(f.get("fingerprint")), tuple(
            (p, str(e.get("path", "")), _line(e)) for p, e in zip(places, evidence, strict=False))))
    return out


def _line(e: dict[str, Any]) -> int:
    line = e.get("line")
    return line if isinstance(line, int) else 0


def _fixed_entry(f: dict[str, Any], fixed_on: Mapping[str, str]) -> dict[str, Any]:
    first = next((e for e in f.get("evidence", []) if isinstance(e, dict)), {})
    return {"rule": str(f.get("rule", "")), "title": str(f.get("title", "")), "message": str(f.get("message", "")),
            "severity": str(f.get("severity", "")), "fingerprint": str(f.get("fingerprint")),
            "path": str(first.get("path", "")), "line": first.get("line") if isinstance(first.get("line"), int) else 0,
            "fixed_on": fixed_on.get(str(f.get("fingerprint")), "")}


def _place_entry(f: dict[str, Any], item: _Item, k: int) -> dict[str, Any]:
    fp, path, line = item.places[k]
    return {"finding": item.fingerprint, "rule": str(f.get("rule", "")), "title": str(f.get("title", "")),
            "fingerprint": fp, "path": path, "line": line}


def compare_with(report: Report, previous: dict[str, Any], label: str, source: str = "file",
                 fixed_on: Mapping[str, str] | None = None) -> Comparison:
    """This report against a previous one. `fixed_on` gives, per fixed fingerprint, the date of the
    first audit that saw it gone (from the history; "" where no recorded audit did)."""
    old = [f for f in previous.get("findings", []) if isinstance(f, dict)]
    old_items = _items_of_json(old)
    current = [_Item(f.fingerprint, tuple((p, e.path, e.line) for p, e in zip(f.places, f.evidence, strict=False)))
               for f in report.findings]
    m = _match(old_items, current)
    return Comparison(
        previous=label, new=tuple(report.findings[n] for n in m.new),
        fixed=tuple(_fixed_entry(old[n], fixed_on or {}) for n in m.fixed), persisting=len(m.persisting),
        source=source, previous_date=str(previous.get("generated_at") or ""),
        still_open=tuple(report.findings[n].fingerprint for n in m.persisting),
        new_places=tuple((report.findings[n], report.findings[n].evidence[k], report.findings[n].places[k])
                         for n, k in m.new_places),
        fixed_places=tuple(_place_entry(old[n], old_items[n], k) for n, k in m.fixed_places),
        scores=score_deltas(previous, {s.axis.value: (s.score if s.is_evaluated else None) for s in report.scores}),
    )


def _scores(data: dict[str, Any]) -> dict[str, float | None]:
    out: dict[str, float | None] = {}
    for s in data.get("scores", []):
        if isinstance(s, dict) and isinstance(s.get("axis"), str):
            value = s.get("score")
            out[s["axis"]] = float(value) if isinstance(value, int | float) else None
    return out


def score_deltas(previous: dict[str, Any], after: dict[str, float | None]) -> tuple[ScoreDelta, ...]:
    """Each axis's score in the previous audit and now."""
    before = _scores(previous)
    return tuple(ScoreDelta(axis, before.get(axis), after.get(axis)) for axis in dict.fromkeys([*after, *before]))


def diff(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """Two reports (JSON, or recorded audits in the same shape): new, fixed and persisting findings,
    occurrences added to or gone from persisting findings, score deltas."""
    old_f = [f for f in old["findings"] if isinstance(f, dict)]
    new_f = [f for f in new["findings"] if isinstance(f, dict)]
    old_items, new_items = _items_of_json(old_f), _items_of_json(new_f)
    m = _match(old_items, new_items)

    def brief(f: dict[str, Any]) -> dict[str, Any]:
        entry = _fixed_entry(f, {})
        entry.pop("fixed_on")
        return entry

    deltas = score_deltas(old, _scores(new))
    return {
        "old": _label(old), "new_report": _label(new),
        "new": [brief(new_f[n]) for n in m.new], "fixed": [brief(old_f[n]) for n in m.fixed],
        "persisting": [brief(new_f[n]) for n in m.persisting],
        "new_places": [_place_entry(new_f[n], new_items[n], k) for n, k in m.new_places],
        "fixed_places": [_place_entry(old_f[n], old_items[n], k) for n, k in m.fixed_places],
        "scores": [{"axis": s.axis, "before": s.before, "after": s.after, "delta": s.delta} for s in deltas],
    }


def _label(data: dict[str, Any]) -> str:
    parts = [str(data.get("repository", "?"))]
    if data.get("audit_id"):
        parts.append(f"audit #{data['audit_id']}")
    if data.get("generated_at"):
        parts.append(str(data["generated_at"]))
    if data.get("commit"):
        parts.append(f"commit {str(data['commit'])[:12]}")
    return ", ".join(parts)
