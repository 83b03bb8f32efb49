"""Benchmark: generate a large synthetic backend, time a cold audit, a warm re-run of the unchanged
tree (report reused), and a re-run after editing one file (facts cached, analysis redone).

Not a test: run it by hand and write the numbers in the closing note.

    python benchmarks/bench.py --lines 1000000 [--keep DIR] [--jobs 0]

Each run happens in a child process so peak memory (ru_maxrss) is the audit's own.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DOMAINS = ["users", "orders", "billing", "catalog", "inventory", "shipping", "reports", "auth", "search", "notify"]

MODULE = '''"""{domain} {kind} module {i}."""
from __future__ import annotations

import logging
from typing import Any

from fastapi import APIRouter, Depends, HTTPException
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.{domain}.models import {Cls}Model
from app.core.{domain}.repository import {Cls}Repository

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/{domain}{i}", tags=["{domain}"])
'''

FUNC = '''

@router.get(
    "/items{j}/{{item_id}}",
    response_model=dict,
    summary="Return one {Cls} item",
)
def get_item_{j}(
    item_id: int,
    db: Session = Depends(get_db),
) -> dict[str, Any]:
    """Return one item with its computed total, or 404.

    The total sums the item's lines: positive quantities at their price,
    minus any discount line. Related rows are loaded in a second query.

    Args:
        item_id: primary key of the item.
        db: the request-scoped session.
    """
    repo = {Cls}Repository(db)
    item = repo.get(item_id)
    if item is None:
        # Logged at warning level: clients asking for unknown ids is
        # usually a stale cache on their side.
        logger.warning("missing %s", item_id)
        raise HTTPException(
            status_code=404,
            detail="not found",
        )

    total = 0
    for line in item.lines:
        if line.quantity > 0 and line.price:
            total += line.quantity * line.price
        elif line.discount:
            total -= line.discount

    result = {{
        "id": item.id,
        "total": total,
        "name": item.name.strip().lower(),
    }}
    rows = (
        db.execute(select({Cls}Model).where({Cls}Model.id == item_id))
        .scalars()
        .all()
    )
    result["related"] = [r.id for r in rows if r.active]
    return result
'''


def generate(root: Path, target_lines: int, seed: int = 7) -> tuple[int, int]:
    """Write an app/ tree of about `target_lines` Python lines; return (files, lines)."""
    rnd = random.Random(seed)
    files = lines = 0
    (root / "app").mkdir(parents=True, exist_ok=True)
    (root / "requirements.txt").write_text("fastapi==0.110.0\nsqlalchemy==2.0.29\nuvicorn==0.29.0\n")
    (root / "README.md").write_text("# Synthetic backend\n\n## Quick start\n\nmake run\n")
    i = 0
    while lines < target_lines:
        domain = DOMAINS[i % len(DOMAINS)]
        kind = rnd.choice(["api", "services", "repository"])
        folder = root / "app" / "core" / domain / f"{kind}{i // 100}"
        folder.mkdir(parents=True, exist_ok=True)
        for parent in (root / "app", root / "app" / "core", root / "app" / "core" / domain, folder):
            init = parent / "__init__.py"
            if not init.exists():
                init.write_text("")
        cls = domain.capitalize()
        text = MODULE.format(domain=domain, kind=kind, i=i, Cls=cls)
        text += "".join(FUNC.format(j=j, Cls=cls) for j in range(rnd.randint(4, 12)))
        (folder / f"mod_{i}.py").write_text(text)
        files += 1
        lines += text.count("\n")
        i += 1
    return files, lines


def _run(repo: Path, cache: Path, jobs: int, cold: bool) -> dict[str, float]:
    code = (
        "import json, resource, sys, time\n"
        "from pathlib import Path\n"
        "from archaudit.run import Options, audit\n"
        "from archaudit.report import render_json\n"
        "t = time.perf_counter()\n"
        f"r = audit(Path({str(repo)!r}), Options(use_cache=True, cache_dir=Path({str(cache)!r}), jobs={jobs}))\n"
        "render_json.render(r)\n"
        "dt = time.perf_counter() - t\n"
        "peak = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,\n"
        "           resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
        "print(json.dumps({'seconds': dt, 'peak_mb': peak / 1024,"
        " 'findings': len(r.findings), 'parsed': r.stats.get('parsed', 0)}))\n"
    )
    if cold:
        shutil.rmtree(cache, ignore_errors=True)
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--keep", type=Path, help="generate into this directory and keep it")
    parser.add_argument("--jobs", type=int, default=0)
    args = parser.parse_args()
    workdir = args.keep or Path(tempfile.mkdtemp(prefix="archaudit-bench-"))
    try:
        t = time.perf_counter()
        files, lines = generate(workdir, args.lines)
        print(f"generated {files} files, {lines} lines in {time.perf_counter() - t:.1f}s at {workdir}")
        cache = workdir.parent / (workdir.name + "-cache")
        one_file = next((workdir / "app").rglob("mod_1.py"))
        for label, cold in (("cold", True), ("warm", False), ("one file edited", False)):
            if label == "one file edited":  # facts cached for all other files; the analysis runs again
                one_file.write_text(one_file.read_text() + "\n# edited\n")
            res = _run(workdir, cache, args.jobs, cold)
            s = res["seconds"]
            print(f"{label}: {s:.2f}s  {files / s:,.0f} files/s  {lines / s:,.0f} lines/s  "
                  f"peak {res['peak_mb']:.0f} MB  (parsed {res['parsed']:.0f}, findings {res['findings']:.0f})")
        shutil.rmtree(cache, ignore_errors=True)
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
