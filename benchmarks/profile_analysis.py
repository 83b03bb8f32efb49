"""Time every inventory section, rule and strength check on one repository (facts from the cache).

    python benchmarks/profile_analysis.py PATH [--top 25]

Shared derived facts are computed by whoever asks first, so a step's time includes the indexes it
was the first to need; the first lines show the shared indexes timed on their own.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from archaudit.detect import SECTIONS
from archaudit.resolve import python_index as pycode
from archaudit.rules import ALL_RULES
from archaudit.run import build_repo
from archaudit.strengths import CHECKS


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("path", type=Path)
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    t = time.perf_counter()
    build_repo(args.path)  # fill the cache
    repo = build_repo(args.path)
    print(f"build_repo (warm): {time.perf_counter() - t:.2f}s for both runs")
    timings: list[tuple[float, str]] = []
    for fn in (pycode.import_aliases, pycode.qualified_calls, pycode.calls_by_name, pycode.calls_by_method,
               pycode.calls_by_function, pycode.function_index, pycode.modules_importing, pycode.name_readers):
        t = time.perf_counter()
        repo.derived(fn)
        timings.append((time.perf_counter() - t, f"index {fn.__name__}"))
    steps = [(f"section {s.__module__}", lambda s=s: s(repo)) for s in SECTIONS]
    steps += [(f"rule {r.id} {r.name}", lambda r=r: list(r.check(repo))) for r in ALL_RULES]
    steps += [(f"strength {c.__module__}.{c.__name__}", lambda c=c: c(repo)) for c, _ in CHECKS]
    for label, step in steps:
        t = time.perf_counter()
        step()
        timings.append((time.perf_counter() - t, label))
    total = sum(t for t, _ in timings)
    print(f"analysis total: {total:.2f}s")
    for seconds, label in sorted(timings, reverse=True)[: args.top]:
        print(f"{seconds:8.3f}s  {label}")


if __name__ == "__main__":
    main()
