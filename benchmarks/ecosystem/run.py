"""The ecosystem check: audit every corpus repository, show what changed since the last run, and
measure each rule's precision against the judged findings in `labels.yaml`.

Snapshots live outside this repository, in the folder named by `ARCHAUDIT_ECOSYSTEM_DIR`
(one `<owner>+<name>/` tree per corpus entry, exported at its pinned commit). Results of the last
two runs are kept there too (`_results/`, `_results.prev/`; `ARCHAUDIT_ECOSYSTEM_RESULTS` names another
folder, so that two checkouts can run side by side).

    python benchmarks/ecosystem/run.py export     # needs ARCHAUDIT_MIRROR_DIR: <owner>+<name>/repo bare git dirs
    python benchmarks/ecosystem/run.py audit [--only NAME] [--preview]   # audit all, print the diff
    python benchmarks/ecosystem/run.py precision [--write]   # per-rule table; --write updates the rules' figures
    python benchmarks/ecosystem/run.py unjudged [--rule ID]  # findings with no label yet (to judge)
    python benchmarks/ecosystem/run.py merge NEW.yaml...     # fold new judgements into labels.yaml

Labels: one entry per judged finding occurrence, keyed by (repo, rule, path, line):
    - {repo: owner/name, rule: SEC001, path: app/x.py, line: 12, verdict: TP, why: "..."}
verdict is TP (true, worth keeping), FP-fact (a premise is false), FP-context (true code fact, wrong
execution context: test, script, template...) or noise (true but not worth a finding). Precision is
TP / judged. The corpus is not run in CI (CI cannot fetch).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
PRECISION_FILE = HERE.parents[1] / "src" / "archaudit" / "data" / "precision.json"
DEFAULT_THRESHOLD = 0.85
Key = tuple[str, str, str, int]  # (repo, rule, path, line)
_SEVERITY_RANK = {"info": 0, "low": 1, "medium": 2, "high": 3, "critical": 4}


def corpus() -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = yaml.safe_load((HERE / "repos.yaml").read_text(encoding="utf-8"))
    return entries


def folder(entry: dict[str, Any]) -> str:
    return str(entry["repo"]).replace("/", "+")


def workdir() -> Path:
    value = os.environ.get("ARCHAUDIT_ECOSYSTEM_DIR")
    if not value:
        sys.exit("set ARCHAUDIT_ECOSYSTEM_DIR to the folder holding the corpus snapshots")
    return Path(value)


def results_dir(previous: bool = False) -> Path:
    """Where runs are kept: `_results/` (or `$ARCHAUDIT_ECOSYSTEM_RESULTS`), and `<that>.prev/` for the run before."""
    name = os.environ.get("ARCHAUDIT_ECOSYSTEM_RESULTS", "_results")
    return workdir() / (name + ".prev" if previous else name)


def export() -> None:
    """Export each pinned commit from the bare mirrors in ARCHAUDIT_MIRROR_DIR (never runs their code)."""
    mirrors = Path(os.environ.get("ARCHAUDIT_MIRROR_DIR", "") or sys.exit("set ARCHAUDIT_MIRROR_DIR"))
    for entry in corpus():
        dest = workdir() / folder(entry)
        if dest.exists():
            continue
        git_dir = mirrors / folder(entry) / "repo"
        dest.mkdir(parents=True)
        paths = ["--", "."] + [f":(exclude){p}" for p in entry.get("exclude", [])]
        archive = subprocess.run(["git", f"--git-dir={git_dir}", "archive", entry["commit"], *paths],
                                 check=True, capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", str(dest)], input=archive, check=True)
        print(f"exported {entry['repo']}")


def _finding_keys(repo: str, report: dict[str, Any]) -> list[tuple[Key, dict[str, Any]]]:
    """One key per occurrence (a finding lists every occurrence as evidence)."""
    out = []
    for f in report["findings"]:
        for ev in f["evidence"] or [{"path": "", "line": 0}]:
            out.append(((repo, f["rule"], ev["path"], int(ev["line"])), f))
    return out


def audit(only: str | None, preview: bool) -> None:
    results, prev = results_dir(), results_dir(previous=True)
    if results.exists() and not only:
        shutil.rmtree(prev, ignore_errors=True)
        results.rename(prev)
    results.mkdir(exist_ok=True)
    total = 0.0
    for entry in corpus():
        if only and only not in entry["repo"]:
            continue
        out = results / f"{folder(entry)}.json"
        cmd = [sys.executable, "-m", "archaudit", "audit", str(workdir() / folder(entry)), "--format", "json",
               "-o", str(out), "--quiet", "--no-cache", "--force"] + (["--preview"] if preview else [])
        start = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True)
        took = time.perf_counter() - start
        total += took
        if proc.returncode not in (0, 1):
            print(f"FAILED {entry['repo']}: {proc.stderr.strip()[-400:]}")
            continue
        report = json.loads(out.read_text(encoding="utf-8"))
        keys = {k for k, _ in _finding_keys(entry["repo"], report)}
        old = prev / out.name
        diff = ""
        if old.exists():
            before = {k for k, _ in _finding_keys(entry["repo"], json.loads(old.read_text(encoding="utf-8")))}
            gone, new = sorted(before - keys), sorted(keys - before)
            diff = f"  +{len(new)} -{len(gone)}"
            for k in new[:15]:
                print(f"    + {k[1]} {k[2]}:{k[3]}")
            for k in gone[:15]:
                print(f"    - {k[1]} {k[2]}:{k[3]}")
        print(f"{entry['repo']:<48} {len(report['findings']):>4} findings {len(keys):>4} occurrences"
              f" {took:6.1f}s{diff}")
    print(f"total {total:.1f}s")


def labels() -> dict[Key, dict[str, Any]]:
    path = HERE / "labels.yaml"
    items = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else []
    return {(i["repo"], i["rule"], i["path"], int(i["line"])): i for i in items or []}


def current() -> list[tuple[Key, dict[str, Any]]]:
    out = []
    for entry in corpus():
        res = results_dir() / f"{folder(entry)}.json"
        if res.exists():
            out += _finding_keys(entry["repo"], json.loads(res.read_text(encoding="utf-8")))
    return out


def precision(write: bool) -> None:
    """Per rule: occurrences in the last run, judged, TP, false by class, precision."""
    judged = labels()
    table: dict[str, dict[str, Any]] = defaultdict(lambda: defaultdict(int))
    high = {"judged": 0, "TP": 0}  # by each occurrence's own severity (exposure can lower one finding)
    for key, finding in current():
        row = table[key[1]]
        row["severity"] = max(row.get("severity") or finding["severity"], finding["severity"], key=_SEVERITY_RANK.get)
        row["seen"] += 1
        label = judged.get(key)
        if label:
            row["judged"] += 1
            row[label["verdict"]] += 1
            if finding["severity"] in ("high", "critical"):
                high["judged"] += 1
                high["TP"] += label["verdict"] == "TP"
    print(f"{'rule':<8} {'sev':<8} {'seen':>5} {'judged':>6} {'TP':>4} {'FP-fact':>7} {'FP-ctx':>6} {'noise':>5}"
          " precision")
    figures = {}
    for rule in sorted(table):
        row = table[rule]
        prec = row["TP"] / row["judged"] if row["judged"] else None
        figures[rule] = {"judged": row["judged"], "true": row["TP"],
                         "precision": None if prec is None else round(prec, 3)}
        shown = "-" if prec is None else f"{prec:.0%}"
        print(f"{rule:<8} {row['severity']:<8} {row['seen']:>5} {row['judged']:>6} {row['TP']:>4} "
              f"{row['FP-fact']:>7} {row['FP-context']:>6} {row['noise']:>5} {shown}")
    seen = sum(r["judged"] for r in table.values())
    tp = sum(r["TP"] for r in table.values())
    hi_j, hi_tp = high["judged"], high["TP"]
    if seen:
        print(f"all judged: {tp}/{seen} = {tp / seen:.1%}")
    if hi_j:
        print(f"high/critical judged: {hi_tp}/{hi_j} = {hi_tp / hi_j:.1%}")
    if write:
        # the figures of this run only: a rule that no longer fires anywhere in the corpus has no measured
        # precision any more (a figure measured on code that changed since would be stale)
        measured = {r: f for r, f in figures.items() if f["judged"]}
        PRECISION_FILE.write_text(json.dumps(dict(sorted(measured.items())), indent=1) + "\n", encoding="utf-8")
        print(f"wrote {PRECISION_FILE}")


def unjudged(rule: str | None) -> None:
    judged = labels()
    for key, finding in current():
        if key not in judged and (rule is None or key[1] == rule):
            print(f"{key[0]}\t{key[1]}\t{finding['severity']}\t{key[2]}:{key[3]}\t{finding['message'][:160]}")


def merge(files: list[str]) -> None:
    """Fold new judgements (YAML lists of label entries) into labels.yaml; a later entry for the same
    (repo, rule, path, line) replaces the earlier one. Entries lacking a field or with an unknown verdict
    are refused."""
    path = HERE / "labels.yaml"
    header = "".join(line for line in path.read_text(encoding="utf-8").splitlines(keepends=True)
                     if line.startswith("#"))
    merged = labels()
    for name in files:
        for item in yaml.safe_load(Path(name).read_text(encoding="utf-8")) or []:
            missing = {"repo", "rule", "path", "line", "verdict", "why"} - set(item)
            if missing or item["verdict"] not in {"TP", "FP-fact", "FP-context", "noise"}:
                sys.exit(f"{name}: bad label {item!r} (missing {sorted(missing)} or unknown verdict)")
            merged[(item["repo"], item["rule"], item["path"], int(item["line"]))] = item
    lines = [yaml.safe_dump([merged[k]], default_flow_style=None, width=100000, allow_unicode=True, sort_keys=False)
             for k in sorted(merged)]
    path.write_text(header + "".join(lines), encoding="utf-8")
    print(f"{len(merged)} labels in {path.name}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="cmd", required=True)
    sub.add_parser("export")
    a = sub.add_parser("audit")
    a.add_argument("--only")
    a.add_argument("--preview", action="store_true")
    p = sub.add_parser("precision")
    p.add_argument("--write", action="store_true")
    u = sub.add_parser("unjudged")
    u.add_argument("--rule")
    m = sub.add_parser("merge")
    m.add_argument("files", nargs="+")
    args = parser.parse_args()
    if args.cmd == "merge":
        merge(args.files)
    elif args.cmd == "export":
        export()
    elif args.cmd == "audit":
        audit(args.only, args.preview)
    elif args.cmd == "precision":
        precision(args.write)
    else:
        unjudged(args.rule)


if __name__ == "__main__":
    main()
