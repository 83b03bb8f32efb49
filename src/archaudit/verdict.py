"""The verdict: the report's first screen, built from what the audit established.

A paragraph saying what the system is (from each inventory section's headline: every clause is a
fact some section shows), the components diagram, the most important risks and strengths, and the
coverage statement: what was not read, not resolved, not analysed or not run, so the reader knows
how far the verdict reaches.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable

from archaudit.findings import Finding, Message, Undetermined
from archaudit.model import AxisScore, Fact, Overview, Section, Verdict
from archaudit.repo import Repo
from archaudit.scan.classify import UNANALYSED_CODE

TOP = 5
# section key -> how its headline enters the paragraph
_CLAUSES: tuple[tuple[str, Callable[[str], Message]], ...] = (
    ("stack", lambda h: Message("Built on {headline}.", headline=h)),
    ("architecture", lambda h: Message("Architecture: {headline}.", headline=h)),
    ("api", lambda h: Message("API: {headline}.", headline=h)),
    ("ts_backend", lambda h: Message("TypeScript backends: {headline}.", headline=h)),
    ("data", lambda h: Message("Data: {headline}.", headline=h)),
    ("background", lambda h: Message("Background work: {headline}.", headline=h)),
    ("integrations", lambda h: Message("External services: {headline}.", headline=h)),
    ("deployment", lambda h: Message("Deployment: {headline}.", headline=h)),
    ("frontend", lambda h: Message("Front ends: {headline}.", headline=h)),
)


def _bare(headline: str) -> str:
    """A headline without its final "." (the clause adds its own); a Message keeps its parts."""
    return headline if isinstance(headline, Message) or not headline.endswith(".") else headline.rstrip(".")


def _summary(name: str, sections: list[Section]) -> str:
    heads = {s.key: s.headline for s in sections if s.headline}
    if "structure" in heads:
        kind = heads["structure"]
        first = (Message("{name} is an {kind}.", name=name, kind=kind) if kind[:1].lower() in "aeiou"
                 else Message("{name} is a {kind}.", name=name, kind=kind))
    else:
        first = Message("{name}: what kind of system this is could not be determined.", name=name)
    return Message.joined(" ", [first] + [clause(_bare(heads[key])) for key, clause in _CLAUSES if key in heads])


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
    return [Message("{n} {language} file(s) are not analysed: their code is in no inventory and no finding",
                    n=n, language=language) for language, n in sorted(counts.items())]


_PLACE = re.compile(r"^(?P<place>[^\s:]{1,300}:\d{1,7}): ")
_NAME = re.compile(r"`[^`]{0,200}`")
_LISTED = 3


def _elided(text: Message) -> Message:
    """The Message with every field quoted in backticks said as `…` (the names that differ per place)."""
    params = tuple((k, "…" if f"`{{{k}}}`" in text.template else v) for k, v in text.params)
    return Message._make(text.template, text.plural_template, text.count_field, params, text.lookup)


def _condensed(lines: list[str]) -> list[str]:
    """Lines that say the same thing about different places, said once with the places counted:
    "18 x router `...` is never mounted... (a.py:3, b.py:9, c.py:1 and 15 more)"."""
    groups: dict[str, list[str]] = {}
    originals: dict[str, str] = {}
    for line in lines:
        m = _PLACE.match(line)
        if not m:
            groups.setdefault(line, [])
            continue
        rest = line.fields()["text"] if isinstance(line, Message) and line.template == "{place}: {text}" else ""
        text = _elided(rest) if isinstance(rest, Message) else _NAME.sub("`…`", line[m.end():])
        if text == line[m.end():]:
            originals[text] = line  # said once, it stays the line it was (a Message keeps its parts)
        groups.setdefault(text, []).append(m.group("place"))
    out: list[str] = []
    for text, places in groups.items():
        if len(places) <= 1:
            out.append(originals.get(text, Message("{place}: {text}", place=places[0], text=text)) if places else text)
            continue
        listed = ", ".join(places[:_LISTED])
        if len(places) > _LISTED:
            out.append(Message("{n} times: {text} ({places} and {more} more)", n=len(places), text=text,
                               places=listed, more=len(places) - _LISTED))
        else:
            out.append(Message("{n} times: {text} ({places})", n=len(places), text=text, places=listed))
    return out


def _claims(undetermined: list[Undetermined], fired: set[str]) -> list[str]:
    """The rules' claims not determined, in one line: those of a rule with findings are written beside it in
    every report; those of rules with no finding are counted here with their rules (the Markdown lists them
    no further, the JSON and HTML do)."""
    claims = [u for u in undetermined if u.rule]
    beside = sum(1 for u in claims if u.rule in fired)
    alone = sorted({u.rule for u in claims if u.rule not in fired})
    if not alone:
        return [Message("{n} claim(s) of the rules are not determined (a premise could not be established); "
                        "each is listed beside its rule", n=beside)] if beside else []
    if not beside:
        return [Message("{n} claim(s) not determined (rules {rules}); listed in the JSON and HTML reports",
                        n=len(claims), rules=", ".join(alone))]
    return [Message("{n} claim(s) of the rules are not determined: {beside} listed beside their rule's findings, "
                    "{other} of rules with no finding ({rules}) in the JSON and HTML reports", n=len(claims),
                    beside=beside, other=len(claims) - beside, rules=", ".join(alone))]


def coverage(repo: Repo, sections: list[Section], undetermined: list[Undetermined],
             scores: list[AxisScore], fired: set[str] | None = None) -> tuple[str, ...]:
    """What limits the verdict, most consequential first (`fired`: the rules with a finding)."""
    out = _condensed([u.why for u in undetermined if u.topic == "source file not parsed"])
    api = next((s for s in sections if s.key == "api"), None)
    out += [Message("API: {text}", text=text) for text in _condensed(list(api.undetermined if api else ()))]
    out += _unanalysed(repo)
    out += _claims(undetermined, fired if fired is not None else {u.rule for u in undetermined if u.rule})
    out += [Message("Rules in preview: {why}", why=u.why) for u in undetermined if u.topic == "rules in preview"]
    out += [Message("{axis}: not evaluated (no rule examined this axis for the code present)",
                    axis=Message.known(s.axis.label)) for s in scores if not s.is_evaluated]
    missing: dict[str, list[str]] = {}
    for s in scores:
        for language in s.not_examined if s.is_evaluated else ():
            missing.setdefault(language, []).append(Message.known(s.axis.label.lower()))
    out += [Message("The {language} code was not examined on: {axes}", language=language,
                    axes=Message.joined(", ", axes)) for language, axes in missing.items()]
    skipped = len(repo.skipped) + len(repo.problems)
    if skipped:
        out.append(Message("{n} file(s) could not be read (binary, too large, malformed...): listed in the appendix",
                           n=skipped))
    return tuple(out)


def build_verdict(repo: Repo, sections: list[Section], findings: list[Finding], strengths: list[Fact],
                  undetermined: list[Undetermined], scores: list[AxisScore], overview: Overview) -> Verdict:
    return Verdict(summary=_summary(repo.name, sections), overview=overview, risks=_risks(findings),
                   strengths=tuple(strengths[:TOP]), coverage=coverage(repo, sections, undetermined, scores,
                                                                          {f.rule for f in findings}))
