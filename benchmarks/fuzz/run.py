"""Our own fuzzer: mutated copies of the test fixtures and the bundled example, audited end to end.

Each case copies one seed repository (tests/fixtures/repos/*, tests/fixtures/rules/*/{bad,good},
tests/fixtures/shop-api, examples/shop-api), applies one to three mutations to its files, plants
secrets (a fresh random value per case, in Python, .env, YAML and TS forms), then runs the audit
and renders every format in a forked child with a time bound. Each case is classified:

    ok            the audit finished and nothing below happened
    crash         an exception escaped the audit or a renderer, or the output cannot be written as UTF-8
    hang          the case took longer than --timeout seconds (the child is killed)
    secret-leak   a planted value appears in an output (md, json, sarif)
    failed-check  the report says a section or rule failed ("the check failed" / "failed (...)")
    refused       the configuration was refused cleanly (ConfigError: exit 2 on the command line), fine

Failing cases are minimised (files removed, the mutated file halved, while the class stays the same)
and kept under --out (a temporary folder by default) with the case's seed and mutations.

    python benchmarks/fuzz/run.py --seed 1 --cases 10000 --minutes 10 --timeout 20

Not part of the pytest suite: run it before a release and quote its figures.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import multiprocessing
import random
import shutil
import sys
import tempfile
import time
import traceback
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))

import yaml  # noqa: E402

from archaudit.config import ConfigError  # noqa: E402
from archaudit.report import render_json, render_markdown, render_sarif  # noqa: E402
from archaudit.run import Options, audit  # noqa: E402

Files = dict[str, bytes]
FAILURES = ("crash", "hang", "secret-leak", "failed-check")


# -- seeds ----------------------------------------------------------------------------------------
def seed_repositories() -> list[Path]:
    fixtures = ROOT / "tests" / "fixtures"
    seeds = sorted(p for p in (fixtures / "repos").iterdir() if p.is_dir())
    seeds += sorted(p for p in (fixtures / "rules").glob("*/*") if p.is_dir())
    seeds += [p for p in (fixtures / "shop-api", ROOT / "examples" / "shop-api") if p.is_dir()]
    return seeds


def read_tree(root: Path, limit: int = 400) -> Files:
    out: Files = {}
    for path in sorted(root.rglob("*")):
        if path.is_file() and len(out) < limit and path.stat().st_size < 200_000:
            out[path.relative_to(root).as_posix()] = path.read_bytes()
    return out


# -- mutations ------------------------------------------------------------------------------------
PY_ODD = [
    b"\nmatch x:\n    case {'a': [1, *rest]} if rest:\n        pass\n", b"\nX = 1" + b"0" * 5000 + b"\n",
    b"\nasync def f():\n    return [i async for i in g() if (y := i)]\n", b"\ntype A[T] = list[T]\n",
    b"\nx = " + b"(" * 90 + b"1" + b")" * 90 + b"\n", b"\nclass C:\n    x: 'Forward[int]' = ...\n",
    b"\n" + b"".join(b"    " * i + b"if x:\n" for i in range(60)) + b"    " * 60 + b"pass\n",
    b"\nfrom fastapi import APIRouter\n" + b"".join(
        b"r%d = APIRouter()\n" % i for i in range(12)) + b"".join(
        b"r%d.include_router(r%d)\nr%d.include_router(r%d)\n" % (i, i + 1, i, i + 1) for i in range(11)),
    b"\nSETTINGS = {" + b", ".join(b"'k%d': %d" % (i, i) for i in range(2000)) + b"}\n",
    b"\nprint(f'{a!r:>{w}}' rb'\\x00')\n", b"\nlambda: (yield)\n", b"\n\\\n",
]
DEEP = [b"[" * 3000, b"{" * 3000, b'{"a":' * 2000, b"- " * 2000 + b"x", b"a:\n" + b"".join(
    b"  " * i + b"b:\n" for i in range(1, 400)), b"(" * 5000]
CONFUSE = [None, True, 0, -1, 10**50, 1.5, "", "x", "*", [], {}, [1, "a", None], {"1": 2, "true": [None]},
           {"a": {"b": {"c": [{"d": None}]}}}, ["*"], "${VAR}", "../../etc/passwd"]
EXTRA_FILES: list[tuple[str, bytes]] = [
    (".gitignore", b"*.pyc\n!keep.py\n[z-a]\n!\n**/node_modules/\n"),
    ("archaudit.toml", b"exclude = 'not-a-list'\n"), ("archaudit.toml", b"[exclude]\nx = 1\n"),
    ("archaudit.toml", b"a = " + b"[" * 600 + b"]" * 600 + b"\n"),
    ("pyproject.toml", b"[tool.archaudit]\ndisable = [1, 2]\n"), ("pyproject.toml", b"[tool]\narchaudit = 'x'\n"),
    ("docker-compose.yml", b"services:\n  1: {image: x}\n  true: {image: y}\n  web: {image: z}\n"),
    ("requirements.txt", b"a=" * 30000 + b"\n"), ("requirements.txt", b'"' + b"x" * 60000 + b"\n"),
    ("app/huge.py", b"SECRET_TOKEN = '" + b"a" * 60000 + b"'\n"),
    (".github/workflows/ci.yml", b"on: push\njobs: [1, 2]\n"), ("package.json", b'{"dependencies": [1, {"a": null}]}'),
]


def _text_file(path: str) -> bool:
    return path.endswith((".py", ".ts", ".tsx", ".js", ".json", ".yml", ".yaml", ".toml", ".cfg", ".ini", ".txt",
                          ".md", ".env", "Dockerfile", "Procfile", ".lock")) or "/." in "/" + path


def mutate(files: Files, rnd: random.Random) -> tuple[Files, list[str]]:
    """One to three mutations; returns the new files and what was done (path: kind)."""
    files = dict(files)
    done: list[str] = []
    for _ in range(rnd.randint(1, 3)):
        kind = rnd.choice(["flip", "truncate", "invalid-utf8", "surrogate", "deep", "confuse", "odd-python",
                           "extra-file", "empty", "nul"])
        if kind == "extra-file":
            path, data = rnd.choice(EXTRA_FILES)
            files[path] = data
            done.append(f"{path}: extra-file")
            continue
        candidates = sorted(p for p in files if _text_file(p)) or sorted(files)
        if not candidates:
            continue
        if kind == "odd-python":
            py = [p for p in candidates if p.endswith(".py")] or ["app/odd.py"]
            path = rnd.choice(py)
            files[path] = files.get(path, b"") + rnd.choice(PY_ODD)
        elif kind == "confuse":
            structured = [p for p in candidates if p.endswith((".json", ".yml", ".yaml", ".toml"))]
            if not structured:
                continue
            path = rnd.choice(structured)
            files[path] = _confuse(path, files[path], rnd)
        else:
            path = rnd.choice(candidates)
            files[path] = _byte_mutation(kind, files[path], rnd)
        done.append(f"{path}: {kind}")
    return files, done


def _byte_mutation(kind: str, data: bytes, rnd: random.Random) -> bytes:
    at = rnd.randint(0, len(data))
    if kind == "flip" and data:
        b = bytearray(data)
        for _ in range(rnd.randint(1, 8)):
            i = rnd.randrange(len(b))
            b[i] ^= 1 << rnd.randrange(8)
        return bytes(b)
    if kind == "truncate":
        return data[:at]
    if kind == "invalid-utf8":
        return data[:at] + rnd.choice([b"\xff", b"\xc3(", b"\xed\xa0\x80", b"\xf0\x28\x8c\xbc"]) + data[at:]
    if kind == "surrogate":
        return data[:at] + "\ud800\udfff".encode("utf-8", "surrogatepass") + data[at:]
    if kind == "deep":
        return data[:at] + rnd.choice(DEEP) + data[at:]
    if kind == "empty":
        return b""
    if kind == "nul":
        return data[:at] + b"\x00" + data[at:]
    return data


def _confuse(path: str, data: bytes, rnd: random.Random) -> bytes:
    """Parse, replace one node by a value of another type, serialise again (type confusion)."""
    try:
        text = data.decode("utf-8")
        if path.endswith(".json"):
            doc = json.loads(text)
        elif path.endswith(".toml"):
            import tomllib
            doc = tomllib.loads(text)
        else:
            doc = yaml.safe_load(text)
    except Exception:
        return data
    doc = _replace_node(doc, rnd)
    if path.endswith(".json"):
        return json.dumps(doc).encode()
    if path.endswith(".toml"):
        return _toml(doc).encode()
    return yaml.safe_dump(doc, allow_unicode=True).encode()


def _replace_node(doc: Any, rnd: random.Random, depth: int = 0) -> Any:
    if isinstance(doc, dict) and doc and depth < 6 and rnd.random() < 0.8:
        key = rnd.choice(list(doc))
        doc = dict(doc)
        doc[key] = _replace_node(doc[key], rnd, depth + 1)
        if rnd.random() < 0.2:
            doc[rnd.choice([1, True, None, "x"])] = rnd.choice(CONFUSE)  # keys of mixed types
        return doc
    if isinstance(doc, list) and doc and depth < 6 and rnd.random() < 0.8:
        doc = list(doc)
        i = rnd.randrange(len(doc))
        doc[i] = _replace_node(doc[i], rnd, depth + 1)
        return doc
    return rnd.choice(CONFUSE)


def _toml(doc: Any) -> str:
    """JSON-ish TOML for a confused document: every top-level value inline (strings keep TOML valid)."""
    if not isinstance(doc, dict):
        doc = {"value": doc}
    lines = []
    for key, value in doc.items():
        lines.append(f"{json.dumps(str(key))} = {_toml_value(value)}")
    return "\n".join(lines) + "\n"


def _toml_value(value: Any) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(str(k))} = {_toml_value(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return '""'
    if isinstance(value, int) and abs(value) >= 2**63:
        return json.dumps(str(value))
    return json.dumps(value)


# -- planted secrets -------------------------------------------------------------------------------
def plant(files: Files, rnd: random.Random) -> tuple[Files, list[str]]:
    """Secret forms with fresh values: the outputs must not contain any of them."""
    v = ["pl4nt" + "".join(rnd.choice("abcdefghjkmnpqrstuvwxyz23456789") for _ in range(10)) + str(i)
         for i in range(8)]
    files = dict(files)
    files["app/planted_settings.py"] = (
        "import os\nfrom decouple import config\n\n"
        f'X_SECRET = config("X_SECRET", default="{v[0]}")\n'
        f'SECRET_KEY = os.getenv("SECRET_KEY", "{v[1]}")\n'
        f'API_TOKEN = os.environ.get("API_TOKEN") or "{v[2]}"\n'
        f'DATABASE_URL = "postgresql://app:{v[3]}@db/app"\n'
    ).encode()
    files[".env"] = files.get(".env", b"") + f"\nJWT_SECRET={v[4]}\n".encode()
    files["config/planted.yaml"] = f"database:\n  password: {v[5]}\n".encode()
    files["web/planted.ts"] = (f'export const jwtSecret = "{v[6]}";\n'
                               f"export const s = process.env.X_SECRET || '{v[7]}';\n").encode()
    return files, v


# -- one case --------------------------------------------------------------------------------------
def _child(root: str, planted: list[str], conn: Any) -> None:
    try:
        try:
            report = audit(Path(root), Options(use_cache=False, jobs=1, preview=True))
        except ConfigError:
            conn.send(("refused", ""))
            return
        outputs = [render(report) for render in (render_markdown.render, render_json.render, render_sarif.render)]
        for text in outputs:
            text.encode("utf-8")  # what the CLI writes
        leaks = [p for p in planted if any(p in text for text in outputs)]
        if leaks:
            conn.send(("secret-leak", f"planted values in the output: {leaks}"))
            return
        failed = [f"{u.topic}: {u.why}" for u in report.undetermined
                  if "the check failed" in u.why or u.why.startswith("failed (")]
        conn.send(("failed-check", "; ".join(failed)[:2000]) if failed else ("ok", ""))
    except BaseException:
        conn.send(("crash", traceback.format_exc()[-4000:]))
    finally:
        conn.close()


def run_case(files: Files, planted: list[str], timeout: float, work: Path) -> tuple[str, str, float]:
    """(class, detail, seconds) of auditing `files`, in a forked child killed after `timeout`."""
    root = work / "repo"
    shutil.rmtree(root, ignore_errors=True)
    for rel, data in files.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    ctx = multiprocessing.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    start = time.perf_counter()
    proc = ctx.Process(target=_child, args=(str(root), planted, child))
    proc.start()
    child.close()
    result = ("crash", "the child died without a result")
    if parent.poll(timeout):
        with contextlib.suppress(EOFError):
            result = parent.recv()
    else:
        result = ("hang", f"no result within {timeout:g} s")
    proc.kill()
    proc.join()
    return result[0], result[1], time.perf_counter() - start


# -- minimisation ----------------------------------------------------------------------------------
def minimise(files: Files, planted: list[str], kind: str, timeout: float, work: Path,
             budget: float) -> Files:
    """Drop files, then halve the remaining ones, while the case keeps failing the same way."""
    deadline = time.monotonic() + budget

    def fails(candidate: Files) -> bool:
        return time.monotonic() < deadline and run_case(candidate, planted, timeout, work)[0] == kind

    current = dict(files)
    for path in sorted(current, key=lambda p: -len(current[p])):
        if time.monotonic() > deadline:
            break
        trial = {p: d for p, d in current.items() if p != path}
        if trial and fails(trial):
            current = trial
    for path in sorted(current):
        while len(current[path]) > 64 and time.monotonic() < deadline:
            data = current[path]
            for half in (data[: len(data) // 2], data[len(data) // 2:]):
                if fails({**current, path: half}):
                    current[path] = half
                    break
            else:
                break
    return current


def keep(out: Path, kind: str, case: int, files: Files, detail: str, meta: dict[str, Any]) -> Path:
    folder = out / kind / f"case-{case:05d}"
    shutil.rmtree(folder, ignore_errors=True)
    for rel, data in files.items():
        target = folder / "repo" / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    (folder / "case.json").write_text(json.dumps({**meta, "class": kind, "detail": detail}, indent=2))
    return folder


# -- driver ----------------------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--cases", type=int, default=1000)
    ap.add_argument("--minutes", type=float, default=0, help="stop after this wall time (0: no limit)")
    ap.add_argument("--timeout", type=float, default=20.0, help="seconds per case before it counts as a hang")
    ap.add_argument("--out", type=Path, default=None, help="where failing cases are kept (default: a temp folder)")
    ap.add_argument("--minimise", type=int, default=3, help="failing cases minimised per class")
    ap.add_argument("--minimise-seconds", type=float, default=60.0)
    args = ap.parse_args(argv)

    out = args.out or Path(tempfile.mkdtemp(prefix="archaudit-fuzz-"))
    work = Path(tempfile.mkdtemp(prefix="archaudit-fuzz-work-"))
    seeds = seed_repositories()
    trees = {s: read_tree(s) for s in seeds}
    counts: Counter[str] = Counter()
    by_mutation: dict[str, Counter[str]] = {}
    minimised: Counter[str] = Counter()
    slowest = 0.0
    start = time.monotonic()
    report: Callable[[], None] = lambda: print(  # noqa: E731
        f"{sum(counts.values())} cases in {time.monotonic() - start:.0f} s: "
        + ", ".join(f"{k} {counts[k]}" for k in ("ok", "refused", *FAILURES)), flush=True)
    for case in range(args.cases):
        if args.minutes and time.monotonic() - start > args.minutes * 60:
            break
        rnd = random.Random(f"{args.seed}:{case}")
        seed = rnd.choice(seeds)
        files, mutations = mutate(trees[seed], rnd)
        files, planted = plant(files, rnd)
        kind, detail, seconds = run_case(files, planted, args.timeout, work)
        slowest = max(slowest, seconds)
        counts[kind] += 1
        for m in mutations:
            by_mutation.setdefault(m.rsplit(": ", 1)[-1], Counter())[kind] += 1
        if kind in FAILURES:
            meta = {"seed": args.seed, "case": case, "base": str(seed.relative_to(ROOT)), "mutations": mutations}
            if minimised[kind] < args.minimise:
                minimised[kind] += 1
                files = minimise(files, planted, kind, args.timeout, work, args.minimise_seconds)
            folder = keep(out, kind, case, files, detail, meta)
            print(f"case {case}: {kind} ({', '.join(mutations)}) -> {folder}\n    {detail.strip()[-300:]}",
                  flush=True)
        if (case + 1) % 100 == 0:
            report()
    report()
    print(f"slowest case {slowest:.1f} s; by mutation:")
    for m, c in sorted(by_mutation.items()):
        print(f"  {m:14} " + ", ".join(f"{k} {v}" for k, v in sorted(c.items())))
    print(f"failing cases kept under {out}")
    shutil.rmtree(work, ignore_errors=True)
    return 1 if any(counts[k] for k in FAILURES) else 0


if __name__ == "__main__":
    sys.exit(main())
