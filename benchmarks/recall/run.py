"""The recall check: how many of the problems that people found in real audits archaudit reproduces.

Each file in `audits/` describes one public audit document (AUDIT.md, security or architecture
review) committed in a repository, and every claim it makes, checked by hand against the code at the
audited commit. Only claims marked `checkable: true` (a static fact about the code, not an opinion)
and `verified: true` (the claim holds at that commit) count. For each, `expect` says how archaudit
would reproduce it:

    expect: {rule: CFG002, path: app/core/config.py, line: 20}     # a finding of that rule there
    expect: {rule: [TS006, CFG009], path: src/main.ts, line: 37, window: 5}   # any of these rules
    expect: {rule: CI001}                                          # anywhere in the report
    expect: {inventory: ts_backend, contains: "behind a guard"}    # an inventory fact (section + text)
    expect: null                                                   # no current rule could: a miss

A rule expectation matches a finding of one of the rules with an evidence path equal to `path`
(a path ending in "/" matches the folder) and, when `line` is given, a line within `window`
(default 3). An inventory expectation matches when the section (by key or title) contains the text,
case-insensitively, in its headline, facts or table rows. `wanted:` names the rule or fact that
would reproduce a missed claim; `partial:` says a match only half-states the claim (counted, and
shown separately).

Snapshots live outside this repository, in the folder named by `ARCHAUDIT_RECALL_DIR` (one
`<owner>+<name>/` tree per audit, exported at its `commit`); reports are written to `_results/` there
(`ARCHAUDIT_RECALL_RESULTS` names another folder).

    python benchmarks/recall/run.py export      # needs ARCHAUDIT_MIRROR_DIR: <owner>+<name>/repo bare git dirs
    python benchmarks/recall/run.py audit [--only NAME]   # audit every snapshot (--preview, JSON)
    python benchmarks/recall/run.py report [--only NAME]  # recall per audit and overall, misses by category
    python benchmarks/recall/run.py check       # validate the audit files (no snapshot needed)

`root:` audits a sub-folder of the snapshot (paths in `expect` are then relative to it); `exclude:`
leaves paths out of the export (files the snapshot store does not hold). Not run in CI (CI cannot
fetch).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
AUDITS = HERE / "audits"
DEFAULT_WINDOW = 3
CLAIM_FIELDS = {"id", "claim", "category", "checkable", "verified", "evidence", "expect"}


@dataclass(frozen=True)
class Outcome:
    """What became of one verified checkable claim."""

    audit: str
    claim: dict[str, Any]
    reproduced: bool
    partial: bool


def load_audits(only: str | None = None) -> list[dict[str, Any]]:
    out = []
    for path in sorted(AUDITS.glob("*.yaml")):
        audit: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
        audit["_file"] = path.name
        if only is None or only in audit["repo"]:
            out.append(audit)
    return out


def folder(audit: dict[str, Any]) -> str:
    return str(audit["repo"]).replace("/", "+")


def workdir() -> Path:
    value = os.environ.get("ARCHAUDIT_RECALL_DIR")
    if not value:
        sys.exit("set ARCHAUDIT_RECALL_DIR to the folder holding the audit snapshots")
    return Path(value)


def counted(claim: dict[str, Any]) -> bool:
    """Only claims that state a static fact about the code and hold at the audited commit count."""
    return bool(claim.get("checkable")) and bool(claim.get("verified"))


# --- matching (pure: unit-tested on synthetic reports) -------------------------------------------

def _as_list(value: Any) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def _path_matches(expected: str, actual: str) -> bool:
    if expected.endswith("/"):
        return actual.startswith(expected)
    return actual == expected


def matches_rule(expect: dict[str, Any], report: dict[str, Any]) -> bool:
    """A finding of one of the expected rules whose evidence is at the expected place."""
    rules = set(_as_list(expect["rule"]))
    path, line = expect.get("path"), expect.get("line")
    window = int(expect.get("window", DEFAULT_WINDOW))
    for finding in report.get("findings", []):
        if finding.get("rule") not in rules:
            continue
        if path is None:
            return True
        for ev in finding.get("evidence") or []:
            if not _path_matches(str(path), str(ev.get("path", ""))):
                continue
            if line is None or abs(int(ev.get("line", 0)) - int(line)) <= window:
                return True
    return False


def _section(report: dict[str, Any], name: str) -> dict[str, Any] | None:
    inventory = report.get("inventory") or {}
    if name in inventory:
        section: dict[str, Any] = inventory[name]
        return section
    for section in inventory.values():
        if isinstance(section, dict) and str(section.get("title", "")).lower() == name.lower():
            return section
    return None


def matches_inventory(expect: dict[str, Any], report: dict[str, Any]) -> bool:
    """The inventory section states the expected fact (headline, fact texts or table rows)."""
    section = _section(report, str(expect["inventory"]))
    if section is None:
        return False
    texts = [str(section.get("headline", ""))]
    texts += [str(f.get("text", "")) for f in section.get("facts") or []]
    texts += [json.dumps(rows, ensure_ascii=False) for rows in (section.get("tables") or {}).values()]
    needle = str(expect["contains"]).lower()
    return any(needle in t.lower() for t in texts)


def reproduced(expect: dict[str, Any] | None, report: dict[str, Any]) -> bool:
    if not expect:
        return False
    if "rule" in expect:
        return matches_rule(expect, report)
    if "inventory" in expect:
        return matches_inventory(expect, report)
    raise ValueError(f"expect needs 'rule' or 'inventory': {expect!r}")


def evaluate(audit: dict[str, Any], report: dict[str, Any]) -> list[Outcome]:
    """One outcome per counted claim of the audit."""
    out = []
    for claim in audit["claims"]:
        if counted(claim):
            hit = reproduced(claim.get("expect"), report)
            out.append(Outcome(audit["repo"], claim, hit, hit and bool(claim.get("partial"))))
    return out


def validate(audit: dict[str, Any]) -> list[str]:
    """Problems in one audit file: missing fields, duplicate ids, malformed expectations."""
    problems = [f"missing {k}" for k in ("repo", "commit", "document", "claims") if k not in audit]
    seen: set[str] = set()
    for claim in audit.get("claims") or []:
        cid = claim.get("id", "?")
        problems += [f"{cid}: missing {k}" for k in sorted(CLAIM_FIELDS - set(claim))]
        if cid in seen:
            problems.append(f"{cid}: duplicate id")
        seen.add(cid)
        expect = claim.get("expect")
        if expect is not None and not ({"rule"} <= set(expect) or {"inventory", "contains"} <= set(expect)):
            problems.append(f"{cid}: expect needs rule, or inventory and contains")
        if claim.get("verified") and not claim.get("checkable") and expect:
            problems.append(f"{cid}: a claim that is not checkable cannot expect a reproduction")
    return problems


# --- commands ------------------------------------------------------------------------------------

def export() -> None:
    """Export each audited commit from the bare mirrors in ARCHAUDIT_MIRROR_DIR (never runs their code)."""
    mirrors = Path(os.environ.get("ARCHAUDIT_MIRROR_DIR", "") or sys.exit("set ARCHAUDIT_MIRROR_DIR"))
    for audit in load_audits():
        dest = workdir() / folder(audit)
        if dest.exists():
            continue
        git_dir = mirrors / folder(audit) / "repo"
        dest.mkdir(parents=True)
        paths = ["--", "."] + [f":(exclude){p}" for p in audit.get("exclude", [])]
        # a snapshot may lack a large blob even under an excluded path; git then complains but the
        # archive holds every other file, so only tar's status decides
        archive = subprocess.run(["git", f"--git-dir={git_dir}", "archive", audit["commit"], *paths],
                                 capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", str(dest)], input=archive, check=True)
        print(f"exported {audit['repo']}")


def results_dir() -> Path:
    """`_results/` in the snapshot folder; `ARCHAUDIT_RECALL_RESULTS` names another (checkouts side by side)."""
    return workdir() / os.environ.get("ARCHAUDIT_RECALL_RESULTS", "_results")


def audit_all(only: str | None) -> None:
    results_dir().mkdir(parents=True, exist_ok=True)
    for audit in load_audits(only):
        target = workdir() / folder(audit) / audit.get("root", ".")
        out = results_dir() / f"{folder(audit)}.json"
        cmd = [sys.executable, "-m", "archaudit", "audit", str(target), "--format", "json", "-o", str(out),
               "--quiet", "--no-cache", "--force", "--preview"]
        proc = subprocess.run(cmd, capture_output=True, text=True)
        status = "ok" if proc.returncode in (0, 1) else f"FAILED: {proc.stderr.strip()[-300:]}"
        print(f"{audit['repo']:<44} {status}")


def report(only: str | None) -> None:
    outcomes: list[Outcome] = []
    print(f"{'audit':<40} {'claims':>6} {'checkable':>9} {'counted':>7} {'reproduced':>10} {'recall':>7}")
    for audit in load_audits(only):
        path = results_dir() / f"{folder(audit)}.json"
        if not path.exists():
            print(f"{audit['repo']:<40} no report: run `audit` first")
            continue
        mine = evaluate(audit, json.loads(path.read_text(encoding="utf-8")))
        outcomes += mine
        claims = audit["claims"]
        checkable = sum(bool(c.get("checkable")) for c in claims)
        hits = sum(o.reproduced for o in mine)
        print(f"{audit['repo']:<40} {len(claims):>6} {checkable:>9} {len(mine):>7} {hits:>10}"
              f" {_pct(hits, len(mine)):>7}")
    hits = sum(o.reproduced for o in outcomes)
    strict = sum(o.reproduced and not o.partial for o in outcomes)
    print(f"overall: {hits}/{len(outcomes)} reproduced = {_pct(hits, len(outcomes))}"
          f" (without partial matches: {strict}/{len(outcomes)} = {_pct(strict, len(outcomes))})")
    _print_misses([o for o in outcomes if not o.reproduced])


def _pct(part: int, whole: int) -> str:
    return f"{part / whole:.0%}" if whole else "-"


def _print_misses(missed: list[Outcome]) -> None:
    """Missed claims grouped by category, the largest group first: what to build next."""
    groups: dict[str, list[Outcome]] = defaultdict(list)
    for o in missed:
        groups[str(o.claim.get("category", "?"))].append(o)
    print(f"\nmissed: {len(missed)}")
    for category, items in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        print(f"\n{category} ({len(items)})")
        for o in items:
            expect = o.claim.get("expect")
            how = "no rule" if not expect else f"expected {expect.get('rule') or expect.get('inventory')}"
            wanted = f" -> {o.claim['wanted']}" if o.claim.get("wanted") else ""
            print(f"  {o.audit} {o.claim['id']} [{how}] {o.claim['claim']} ({o.claim['evidence']}){wanted}")


def check() -> None:
    bad = 0
    for audit in load_audits():
        for problem in validate(audit):
            print(f"{audit['_file']}: {problem}")
            bad += 1
    total = sum(len(a["claims"]) for a in load_audits())
    counted_claims = sum(counted(c) for a in load_audits() for c in a["claims"])
    print(f"{len(load_audits())} audits, {total} claims, {counted_claims} verified checkable; {bad} problems")
    if bad:
        sys.exit(1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="cmd", required=True)
    sub.add_parser("export")
    sub.add_parser("check")
    for name in ("audit", "report"):
        p = sub.add_parser(name)
        p.add_argument("--only")
    args = parser.parse_args()
    if args.cmd == "export":
        export()
    elif args.cmd == "check":
        check()
    elif args.cmd == "audit":
        audit_all(args.only)
    else:
        report(args.only)


if __name__ == "__main__":
    main()
