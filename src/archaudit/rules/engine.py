"""Run rules over the Repo and turn their hits into findings with evidence and fingerprints.

Between a rule's hits and the report's findings the engine applies, in this order, the policies no
rule should re-implement:
1. execution context: a hit in a context the rule does not judge is dropped;
2. suppression: `# archaudit: ignore[RULE] reason: ...` on the line or alone on the line above, and
   the configuration's `[[suppress]]` entries (`rules/suppress.py`, which also reports the bad ones);
3. premises: a hit resting on a fact not established (its own premises, or for a claim of absence,
   a file of that language that could not be parsed) becomes a "not determined" line, not a finding;
4. one fact, one rule: a hit restated on the same line by a rule that supersedes it is dropped;
5. aggregation: hits of one rule with the same root cause (in one file, or anywhere for
   repository-wide rules) become one finding listing every occurrence.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from archaudit.findings import (
    Evidence,
    Finding,
    Hit,
    Message,
    Premise,
    Severity,
    Undetermined,
    assign_fingerprints,
    fingerprint,
)
from archaudit.redact import redact_text
from archaudit.repo import Repo
from archaudit.resolve.blocks import context_at
from archaudit.resolve.context import Context, context_of
from archaudit.rules.base import Rule
from archaudit.rules.suppress import Ledger

Progress = Callable[[str, int, int], None]
_MAX_LISTED = 8  # unparsed files named in a "not determined" line
SNIPPET_CHARS = 160
_REDACT_CHARS = 4096  # a snippet shows 160 characters: the rest of a minified line is never read


def _snippet(repo: Repo, path: str, line: int, given: str = "", secrets: tuple[str, ...] = ()) -> str:
    """A redacted snippet: the whole line is redacted (with the secret values the rule saw masked
    exactly) before it is cut, so a cut never splits a secret out of the context that marks it."""
    text = given or (repo.line(path, line) if line else "")
    return redact_text(text[:_REDACT_CHARS], path, secrets)[:SNIPPET_CHARS]


def _redacted(message: str, secrets: tuple[str, ...] = ()) -> str:
    """The message with secrets masked, its parts kept for translation where masking allows it."""
    if isinstance(message, Message):
        return message.redacted(lambda text: redact_text(text, known=secrets))
    return redact_text(message, known=secrets)


def _cause(hit: Hit) -> str:
    """The root cause a hit states: its key, or its message with line references removed."""
    return hit.key or hit.message


_EXPOSED = frozenset({Context.PRODUCTION, Context.MIGRATION})  # code that runs against production data
_ONE_STEP_LOWER = {Severity.CRITICAL: Severity.HIGH, Severity.HIGH: Severity.MEDIUM}


def _exposed_severity(rule: Rule, repo: Repo, hits: list[Hit]) -> tuple[Severity, str]:
    """Severity follows exposure: a critical or high claim whose every place is outside the code that
    serves production (a dev settings module, a script, a test) is rated one step lower; the
    context is returned to say so in the message ("" when at least one place is exposed)."""
    if rule.severity not in _ONE_STEP_LOWER:
        return rule.severity, ""
    places = [(e.path, e.line) for h in hits for e in (h.exposure or (Evidence(h.path, h.line),))]
    contexts = {context_at(repo, path, line) for path, line in places}
    if contexts & _EXPOSED:
        return rule.severity, ""
    return _ONE_STEP_LOWER[rule.severity], "/".join(sorted(c.value for c in contexts))


def _finding(rule: Rule, hits: list[Hit], repo: Repo) -> tuple[Finding, str]:
    """One finding for hits of the same root cause: the first hit's message, every place as evidence;
    with that root cause (the fingerprints are given once every finding is known)."""
    hits = sorted(hits, key=lambda h: (h.path, h.line))
    first = hits[0]
    secrets = tuple(dict.fromkeys(v for h in hits for v in h.secrets))
    places = [Evidence(h.path, h.line, _snippet(repo, h.path, h.line, secrets=secrets)) for h in hits]
    seen = {(e.path, e.line) for e in places}
    also = []
    for h in hits:
        for e in h.also:
            if (e.path, e.line) not in seen:
                seen.add((e.path, e.line))
                also.append(Evidence(e.path, e.line, _snippet(repo, e.path, e.line, e.snippet, secrets)))
    message: str = first.message if len(hits) == 1 else Message("{message} ({n} places)", message=first.message,
                                                                   n=len(hits))
    severity, exposure = _exposed_severity(rule, repo, hits)
    if exposure and any(h.exposure for h in hits):
        message = Message("{message} (used only by {contexts} code, so rated one step lower)", message=message,
                          contexts=exposure)
    elif exposure:
        message = Message("{message} (only in {contexts} code, so rated one step lower)", message=message,
                          contexts=exposure)
    premises = tuple(dict.fromkeys(p for h in hits for p in h.premises))
    anchor = repository_anchor(repo, rule) if places[0].path in ("", ".") else None
    return Finding(
        rule=rule.id, name=rule.name, severity=severity, axis=rule.axis, title=rule.title,
        message=_redacted(message, secrets), impact=rule.impact, action=rule.action,
        evidence=(*places, *also), premises=premises, occurrences=len(hits), anchor=anchor,
    ), _cause(first)


# where a repository-level claim is shown when its rule names no file that exists: the manifests, then
# the README (what a reader of the repository opens first)
_MANIFESTS = ("pyproject.toml", "package.json", "setup.cfg", "setup.py", "requirements.txt", "README.md",
              "README.rst", "README")


def repository_anchor(repo: Repo, rule: Rule) -> Evidence | None:
    """The file, line 1, that a finding about the repository itself ("no README", "no CI") points at in
    tools that need a file: the first existing candidate of the rule (`Rule.anchor`; a name ending in "/"
    is the first file under that folder), else a manifest or README, else the first file of the tree
    (None only for a tree without files)."""
    paths = sorted(repo.by_path)
    for candidate in (*rule.anchor, *_MANIFESTS):
        if candidate.endswith("/"):
            found = next((p for p in paths if p.startswith(candidate)), None)
        else:
            found = candidate if candidate in repo.by_path else None
        if found:
            return Evidence(found, 1)
    return Evidence(paths[0], 1) if paths else None


def unread_premise(repo: Repo, rule: Rule) -> Premise | None:
    """For a claim of absence: unknown when a file of those languages, in a context the rule judges,
    could not be parsed (what it holds was not seen)."""
    if not rule.absence_in:
        return None
    unread = [p for p, r in sorted(repo.results.items())
              if "skip" in r and repo.by_path.get(p) is not None and repo.by_path[p].language in rule.absence_in
              and context_of(repo, p) in rule.contexts]
    if not unread:
        return None
    listed: str = ", ".join(unread[:_MAX_LISTED])
    if len(unread) > _MAX_LISTED:
        listed = Message("{files} and {n} more", files=listed, n=len(unread) - _MAX_LISTED)
    return Premise.unknown(Message("every {languages} file was read", languages="/".join(sorted(rule.absence_in))),
                           Message("{n} file(s) could not be parsed ({files}); what they contain was not seen",
                                   n=len(unread), files=listed))


def _not_determined(rule: Rule, hit: Hit, premise: Premise) -> Undetermined:
    """The claim the rule would have made, with the premise that is missing and why."""
    where = (Evidence(hit.path, hit.line),) if hit.path else ()
    return Undetermined(Message("{rule} {title}", rule=rule.id, title=Message.known(rule.title)),
                        Message("{claim} Not determined: {fact}: {why}.", claim=_redacted(hit.message),
                                fact=premise.fact, why=premise.why),
                        rule=rule.id, evidence=where)


def _kept_hits(repo: Repo, rule: Rule, hits: list[Hit], unknown: list[Undetermined], ledger: Ledger) -> list[Hit]:
    """The hits that become findings (context, suppression and premises applied)."""
    unread = unread_premise(repo, rule)
    kept = []
    for hit in hits:
        if not _in_context(repo, rule, hit):
            repo.stats["out_of_context"] = repo.stats.get("out_of_context", 0) + 1
            continue
        if ledger.accepts(rule, hit):
            repo.stats["suppressed"] = repo.stats.get("suppressed", 0) + 1
            continue
        missing = next((p for p in hit.premises if not p.established), unread)
        if missing is not None:
            unknown.append(_not_determined(rule, hit, missing))
            continue
        kept.append(hit)
    return kept


def _drop_superseded(by_rule: dict[str, tuple[Rule, list[Hit]]]) -> None:
    """One fact, one rule: a rule's hits on a line that a more precise rule reports are dropped, and so
    are hits stating the same named fact (`Hit.fact`) from another place (a README command vs the manifest)."""
    for rule, hits in list(by_rule.values()):
        places = {(h.path, h.line) for h in hits if h.line}
        facts = {h.fact for h in hits if h.fact}
        for other in rule.supersedes:
            if other in by_rule:
                other_rule, other_hits = by_rule[other]
                by_rule[other] = (other_rule, [h for h in other_hits if (h.path, h.line) not in places
                                               and not (h.fact and h.fact in facts)])


def _group(rule: Rule, hits: list[Hit]) -> list[list[Hit]]:
    """Hits of the same root cause, per file (or across files for repository-wide rules)."""
    groups: dict[tuple[str, str], list[Hit]] = defaultdict(list)
    for hit in hits:
        scope = "" if rule.aggregate == "repository" else hit.path
        groups[(scope, fingerprint(rule.id, scope, _cause(hit)))].append(hit)
    return list(groups.values())
_OUTSIDE_PRODUCTION = frozenset({Context.DOCS, Context.DEV, Context.TEST})


def _in_context(repo: Repo, rule: Rule, hit: Hit) -> bool:
    """Whether the hit's line runs in a context the rule judges: its file's context, then the block
    holding the line (a docstring, an `if settings.DEBUG:` branch) when the rule judges production only."""
    ctx = context_of(repo, hit.path)
    if ctx not in rule.contexts:
        return False
    if ctx is not Context.PRODUCTION or rule.contexts >= _OUTSIDE_PRODUCTION:
        return True  # no block can take the line into a context this rule does not judge
    return context_at(repo, hit.path, hit.line) in rule.contexts


def check_rule(repo: Repo, rule: Rule) -> list[Hit] | Undetermined:
    """The rule's hits, or why it could not run: a rule bug must not take the audit down with it."""
    try:
        return list(rule.check(repo))
    except Exception as exc:
        error = f"{type(exc).__name__}: {exc}"
        return Undetermined(Message("rule {rule}", rule=rule.id), Message("the check failed ({error})", error=error))


def run_rules(repo: Repo, rules: list[Rule], progress: Progress | None = None,
              ledger: Ledger | None = None,
              outcomes: list[list[Hit] | Undetermined] | None = None) -> tuple[list[Finding], list[Undetermined]]:
    """All findings, sorted worst-first, and what could not be determined (a rule that fails
    is reported there, never fatal; so is a claim whose premises are not established). `ledger`
    records what suppressions accepted (the caller reads it afterwards). `outcomes`, one per rule,
    are the checks already run (`check_rule`, by several processes); without them they run here."""
    if ledger is None:
        from archaudit.rules import RULES_BY_ID

        ledger = Ledger(repo, frozenset(RULES_BY_ID))
    by_rule: dict[str, tuple[Rule, list[Hit]]] = {}
    undetermined: list[Undetermined] = []
    for done, rule in enumerate(rules, start=1):
        if outcomes is None and progress:
            progress("rules", done, len(rules))
        outcome = check_rule(repo, rule) if outcomes is None else outcomes[done - 1]
        if isinstance(outcome, Undetermined):
            undetermined.append(outcome)
            continue
        by_rule[rule.id] = (rule, _kept_hits(repo, rule, outcome, undetermined, ledger))
    _drop_superseded(by_rule)
    findings = assign_fingerprints([_finding(rule, group, repo) for rule, hits in by_rule.values()
                                    for group in _group(rule, hits)])
    # claims that read the same at different places are ordered by place too (a set's order is not stable)
    return sorted(findings, key=lambda f: f.sort_key), sorted(set(undetermined),
                                                              key=lambda u: (u.topic, u.why, u.rule, u.evidence))
