"""Run rules over the Repo and turn their hits into findings with evidence and fingerprints."""

from __future__ import annotations

import re
from collections.abc import Callable

from archaudit.findings import Evidence, Finding, Hit, Undetermined, fingerprint
from archaudit.redact import redact_text
from archaudit.repo import Repo
from archaudit.resolve.context import context_of
from archaudit.rules.base import Rule

SNIPPET_CHARS = 160
_REDACT_CHARS = 4096  # a snippet shows 160 characters: the rest of a minified line is never read


def _finding(rule: Rule, hit: Hit, repo: Repo) -> Finding:
    """The finding of one hit. Its snippets and message are redacted here, with the secret values the
    rule knows (`hit.secrets`) masked exactly: the whole line is redacted before it is cut, so a cut
    never splits a secret out of the context that marks it."""
    def snippet(path: str, line: int, given: str = "") -> str:
        text = given or (repo.line(path, line) if line else "")
        return redact_text(text[:_REDACT_CHARS], path, hit.secrets)[:SNIPPET_CHARS]

    evidence = (Evidence(hit.path, hit.line, snippet(hit.path, hit.line)),
                *(Evidence(e.path, e.line, snippet(e.path, e.line, e.snippet)) for e in hit.also))
    return Finding(
        rule=rule.id, name=rule.name, severity=rule.severity, axis=rule.axis, title=rule.title,
        message=redact_text(hit.message, known=hit.secrets), impact=rule.impact, action=rule.action,
        evidence=evidence, fingerprint=fingerprint(rule.id, hit.path, hit.key or hit.message),
    )


_SUPPRESS = re.compile(r"archaudit:\s*ignore(?:\[(?P<ids>[A-Z0-9, ]+)\])?", re.IGNORECASE)


def suppressed(repo: Repo, rule_id: str, path: str, line: int) -> bool:
    """An inline `# archaudit: ignore[RULE]` (or bare `ignore`) on the line or the line above."""
    if not line:
        return False
    for lineno in (line, line - 1):
        m = _SUPPRESS.search(repo.line(path, lineno))
        if m and (not m.group("ids") or rule_id in {i.strip().upper() for i in m.group("ids").split(",")}):
            return True
    return False


def run_rules(repo: Repo, rules: list[Rule],
              progress: Callable[[str, int, int], None] | None = None) -> tuple[list[Finding], list[Undetermined]]:
    """All findings, sorted worst-first; a rule that fails is reported, never fatal."""
    findings: dict[str, Finding] = {}
    failures: list[Undetermined] = []
    for done, rule in enumerate(rules, start=1):
        if progress:
            progress("rules", done, len(rules))
        try:
            hits = list(rule.check(repo))
        except Exception as exc:  # a rule bug must not take the audit down with it
            failures.append(Undetermined(f"rule {rule.id}", f"the check failed ({type(exc).__name__}: {exc})"))
            continue
        for hit in hits:
            if context_of(repo, hit.path) not in rule.contexts:
                repo.stats["out_of_context"] = repo.stats.get("out_of_context", 0) + 1
                continue
            if suppressed(repo, rule.id, hit.path, hit.line):
                repo.stats["suppressed"] = repo.stats.get("suppressed", 0) + 1
                continue
            f = _finding(rule, hit, repo)
            findings.setdefault(f.fingerprint + str(hit.line), f)
    return sorted(findings.values(), key=lambda f: f.sort_key), failures
