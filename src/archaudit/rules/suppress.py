"""Suppressions with accountability: which hits are accepted, by whom, for what reason, and which
suppressions accept nothing.

Inline: `# archaudit: ignore[SEC006] reason: input is a constant` (`//` in JS/TS; `reason:` may be
left out, the reason may not) on the line, or alone on the line above. A bare `ignore`, one without
a reason, or one naming only unknown rules suppresses nothing and is reported. Configuration:
`[[tool.archaudit.suppress]]` entries (rule, path pattern, reason, optional expiry after which the
findings are back). Unused and expired suppressions are reported too; a suppression for a rule that
did not run (disabled, not selected, in preview) is not judged unused: nothing says it is.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

import pathspec

from archaudit.config import Suppression as Entry
from archaudit.findings import Hit
from archaudit.model import Suppressed, SuppressionProblem
from archaudit.redact import redact_text
from archaudit.repo import Repo
from archaudit.rules.base import Rule

_DIRECTIVE = re.compile(r"archaudit:\s*ignore\b(?:\[(?P<ids>[^\]]*)\])?(?P<rest>.*)", re.IGNORECASE | re.DOTALL)
_REASON_PREFIX = re.compile(r"^\s*(?:reason\s*[:=]|[:\-\u2014]+)?\s*", re.IGNORECASE)


def _place(where: str) -> tuple[str, int]:
    """"app/x.py:12" -> ("app/x.py", 12), so that line 6 sorts before line 16."""
    path, _, line = where.rpartition(":")
    return (path, int(line)) if line.isdigit() else (where, 0)


@dataclass(frozen=True)
class Inline:
    """One parsed inline directive: where it is, the rules it names, its reason, what it covers."""

    path: str
    line: int
    rules: frozenset[str]
    reason: str
    covers: tuple[int, ...]

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}"


def _inline(repo: Repo, known: frozenset[str]) -> tuple[dict[tuple[str, int], list[Inline]], list[SuppressionProblem]]:
    """Valid directives by (path, covered line), and the problems of the malformed ones."""
    by_line: dict[tuple[str, int], list[Inline]] = {}
    problems: list[SuppressionProblem] = []
    for path, records in repo.extra("suppressions"):
        for line, alone, text in records:
            m = _DIRECTIVE.match(str(text))
            if m is None:
                continue
            where = f"{path}:{line}"
            ids = {i.strip().upper() for i in re.split(r"[,\s]+", m.group("ids") or "") if i.strip()}
            reason = _REASON_PREFIX.sub("", m.group("rest") or "", count=1).strip()
            if not ids:
                problems.append(SuppressionProblem("bare", where, "a bare `archaudit: ignore` suppresses nothing: "
                                                   "name the rules and say why, e.g. ignore[SEC006] reason: ..."))
                continue
            problems += [SuppressionProblem("unknown-rule", where, f"unknown rule {i[:40]!r}: it suppresses nothing",
                                            i[:40]) for i in sorted(ids - known)]
            ids &= known
            if not ids:
                continue
            if not re.search(r"\w", reason):
                problems.append(SuppressionProblem("no-reason", where, f"ignore[{', '.join(sorted(ids))}] without "
                                                   "a reason suppresses nothing: say why the finding is accepted",
                                                   ",".join(sorted(ids))))
                continue
            covers = (int(line), int(line) + 1) if alone else (int(line),)
            directive = Inline(path, int(line), frozenset(ids), redact_text(reason[:300]), covers)
            for covered in covers:
                by_line.setdefault((path, covered), []).append(directive)
    return by_line, problems


@dataclass
class Ledger:
    """Applies the suppressions to the hits of one audit and remembers what each one accepted."""

    repo: Repo
    known: frozenset[str]
    suppressed: list[Suppressed] = field(default_factory=list)
    problems: list[SuppressionProblem] = field(default_factory=list)
    _used: set[object] = field(default_factory=set)
    _specs: dict[int, pathspec.PathSpec] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._inline, self.problems = _inline(self.repo, self.known)
        today = self.repo.config.today or dt.date.today().isoformat()
        self._entries = [e for e in self.repo.config.suppress if not e.expires or e.expires >= today]
        self._expired = [e for e in self.repo.config.suppress if e.expires and e.expires < today]

    def accepts(self, rule: Rule, hit: Hit) -> bool:
        """True when a suppression accepts this hit (recorded as suppressed, with its reason)."""
        rule_id = rule.id
        for directive in self._inline.get((hit.path, hit.line), []) if hit.line else []:
            if rule_id in directive.rules:
                self._used.add((directive, rule_id))
                self._record(rule, hit, "inSource", directive.reason, directive.where)
                return True
        for entry in self._entries:
            if entry.rule == rule_id and self._matches(entry, hit.path):
                self._used.add(entry)
                self._record(rule, hit, "external", entry.reason, entry.where(self.repo.config.source),
                             entry.expires)
                return True
        return False

    def _matches(self, entry: Entry, path: str) -> bool:
        if not entry.path:
            return True
        if not path:
            return False
        spec = self._specs.get(id(entry))
        if spec is None:
            spec = self._specs[id(entry)] = pathspec.GitIgnoreSpec.from_lines([entry.path])
        return bool(spec.match_file(path))

    def _record(self, rule: Rule, hit: Hit, kind: str, reason: str, where: str, expires: str = "") -> None:
        self.suppressed.append(Suppressed(rule.id, hit.path, hit.line, redact_text(hit.message, known=hit.secrets),
                                          kind, reason, where, expires, rule.severity))

    def report(self, ran: set[str]) -> tuple[list[Suppressed], list[SuppressionProblem]]:
        """What was suppressed and every suppression problem, once all rules have run (`ran`: their ids)."""
        problems = list(self.problems)
        seen: set[Inline] = set()
        for directives in self._inline.values():
            for d in directives:
                if d in seen:
                    continue
                seen.add(d)
                unused = sorted(r for r in d.rules if r in ran and (d, r) not in self._used)
                if unused:
                    problems.append(SuppressionProblem("unused", d.where, f"ignore[{', '.join(unused)}] suppresses "
                                                       "nothing here: no such finding on this line", ",".join(unused)))
        source = self.repo.config.source
        problems += [SuppressionProblem("unused", e.where(source), f"{e.rule} under {e.path or 'every path'}: "
                                        "no finding of this rule matches: remove the entry", e.rule)
                     for e in self._entries if e.rule in ran and e not in self._used]
        problems += [SuppressionProblem("expired", e.where(source), f"{e.rule} under {e.path or 'every path'} "
                                        f"expired on {e.expires}: its findings are reported again", e.rule)
                     for e in self._expired]
        order = sorted(set(problems), key=lambda p: (*_place(p.where), p.problem, p.rule))
        return sorted(set(self.suppressed), key=lambda s: (s.path, s.line, s.rule, s.where)), order
