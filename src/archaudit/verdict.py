"""The verdict: the report's first screen, built from what the audit established.

A paragraph saying what the system is (from each inventory section's headline: every clause is a
fact some section shows), the components diagram, the most important risks and strengths, and the
coverage statement: what was not read, not resolved, not analysed or not run, so the reader knows
how far the verdict reaches.
"""

from __future__ import annotations

import re
from collections import Counter

from archaudit.findings import Finding, Undetermined
from archaudit.model import AxisScore, Fact, Overview, Section, Verdict
from archaudit.repo import Repo
from archaudit.scan.classify import UNANALYSED_CODE

TOP = 5
# section key -> how its headline enters the paragraph
_CLAUSES = (
    ("stack", "Built on {}."),
    ("architecture", "Architecture: {}."),
    ("api", "API: {}."),
    ("ts_backend", "TypeScript backends: {}."),
    ("data", "Data: {}."),
    ("background", "Background work: {}."),
    ("integrations", "External services: {}."),
    ("deployment", "Deployment: {}."),
    ("frontend", "Front ends: {}."),
)


def _summary(name: str, sections: list[Section]) -> str:
    heads = {s.key: s.headline for s in sections if s.headline}
    if "structure" in heads:
        kind = heads["structure"]
        first = f"{name} is {'an' if kind[:1].lower() in 'aeiou' else 'a'} {kind}."
    else:
        first = f"{name}: what kind of system this is could not be determined."
    return " ".join([first] + [text.format(heads[key].rstrip(".")) for key, text in _CLAUSES if key in heads])


def system_summary(name: str, sections: list[Section]) -> str:
    """The paragraph saying what the system is (also opens the architecture document)."""
    return _summary(name, sections)


def _risks(findings: list[Finding]) -> tuple[Finding, ...]:
    """The worst finding of each rule, worst first (findings arrive sorted), at most TOP."""
    seen: set[str] = set()
    out = []
    for f in findings:
        if f.rule not in seen:
            seen.add(f.rule)
            out.append(f)
    return tuple(out[:TOP])


def _unanalysed(repo: Repo) -> list[str]:
    counts = Counter(UNANALYSED_CODE[ext] for f in repo.files
                     if (ext := "." + f.path.rsplit(".", 1)[-1].lower() if "." in f.path else "") in UNANALYSED_CODE)
    return [f"{n} {language} file(s) are not analysed: their code is in no inventory and no finding"
            for language, n in sorted(counts.items())]


_PLACE = re.compile(r"^(?P<place>[^\s:]{1,300}:\d{1,7}): ")
_NAME = re.compile(r"`[^`]{0,200}`")
_LISTED = 3


def _condensed(lines: list[str]) -> list[str]:
    """Lines that say the same thing about different places, said once with the places counted:
    "18 x router `...` is never mounted... (a.py:3, b.py:9, c.py:1 and 15 more)"."""
    groups: dict[str, list[str]] = {}
    for line in lines:
        m = _PLACE.match(line)
        if not m:
            groups.setdefault(line, [])
            continue
        groups.setdefault(_NAME.sub("`…`", line[m.end():]), []).append(m.group("place"))
    out = []
    for text, places in groups.items():
        if len(places) <= 1:
            out.append(f"{places[0]}: {text}" if places else text)
            continue
        more = f" and {len(places) - _LISTED} more" if len(places) > _LISTED else ""
        out.append(f"{len(places)} times: {text} ({', '.join(places[:_LISTED])}{more})")
    return out


def coverage(repo: Repo, sections: list[Section], undetermined: list[Undetermined],
             scores: list[AxisScore]) -> tuple[str, ...]:
    """What limits the verdict, most consequential first."""
    out = _condensed([u.why for u in undetermined if u.topic == "source file not parsed"])
    api = next((s for s in sections if s.key == "api"), None)
    out += [f"API: {text}" for text in _condensed(list(api.undetermined if api else ()))]
    out += _unanalysed(repo)
    claims = sum(1 for u in undetermined if u.rule)
    if claims:
        out.append(f"{claims} claim(s) of the rules are not determined (a premise could not be established); "
                   "each is listed beside its rule")
    out += [f"Rules in preview: {u.why}" for u in undetermined if u.topic == "rules in preview"]
    out += [f"{s.axis.label}: not evaluated (no rule examined this axis for the code present)"
            for s in scores if not s.is_evaluated]
    missing: dict[str, list[str]] = {}
    for s in scores:
        for language in s.not_examined if s.is_evaluated else ():
            missing.setdefault(language, []).append(s.axis.label.lower())
    out += [f"The {language} code was not examined on: {', '.join(axes)}" for language, axes in missing.items()]
    skipped = len(repo.skipped) + len(repo.problems)
    if skipped:
        out.append(f"{skipped} file(s) could not be read (binary, too large, malformed...): listed in the appendix")
    return tuple(out)


def build_verdict(repo: Repo, sections: list[Section], findings: list[Finding], strengths: list[Fact],
                  undetermined: list[Undetermined], scores: list[AxisScore], overview: Overview) -> Verdict:
    return Verdict(summary=_summary(repo.name, sections), overview=overview, risks=_risks(findings),
                   strengths=tuple(strengths[:TOP]), coverage=coverage(repo, sections, undetermined, scores))
