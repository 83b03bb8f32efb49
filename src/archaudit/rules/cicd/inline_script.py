"""CI005 ci-inline-script."""

from __future__ import annotations

import re
from collections.abc import Iterator

from archaudit.detect.cicd.section import ci_files
from archaudit.findings import Axis, Hit, Message, Severity
from archaudit.repo import Repo
from archaudit.rules.base import Rule

_MAX_LINES = 5
_PY_C = re.compile(r"\bpython[\d.]*\s+-c\s+(['\"])")
_HEREDOC = re.compile(r"<<-?\s*['\"]?([A-Za-z_]\w*)['\"]?")


def _span_python(lines: list[str], n: int, quote: str, start: int) -> int:
    """Lines taken by a `python -c "..."` starting at index n (quote opened at column start)."""
    if quote in lines[n][start:]:
        return 1
    for k in range(n + 1, min(len(lines), n + 500)):
        if quote in lines[k]:
            return k - n + 1
    return 1


def _span_heredoc(lines: list[str], n: int, tag: str) -> int:
    for k in range(n + 1, min(len(lines), n + 2000)):
        if lines[k].strip() == tag:
            return k - n - 1
    return 0


def check(repo: Repo) -> Iterator[Hit]:
    """Scans CI files for inline programs longer than 5 lines: a `python -c "..."` whose string spans
    more than 5 lines, or a heredoc (`<<EOF`, `python - <<'PY'`) with more than 5 lines of body."""
    for path in ci_files(repo):
        lines = repo.lines(path)
        for n, raw in enumerate(lines[:20_000]):
            m = _PY_C.search(raw)
            if m:
                span = _span_python(lines, n, m.group(1), m.end())
                if span > _MAX_LINES:
                    yield Hit(path, n + 1, Message("An inline `python -c` program of {span} lines lives in the CI "
                                                   "file.",
                                                   span=span),
                              key=f"python-c {raw.strip()[:60]}")
                continue
            h = _HEREDOC.search(raw)
            if h and not raw.lstrip().startswith("#"):
                span = _span_heredoc(lines, n, h.group(1))
                if span > _MAX_LINES:
                    yield Hit(path, n + 1, Message("A heredoc of {span} lines is inlined in the CI file.",
                                                   span=span),
                              key=f"heredoc {raw.strip()[:60]}")


RULE = Rule(
    id="CI005",
    name="ci-inline-script",
    axis=Axis.DEVELOPER_EXPERIENCE,
    severity=Severity.LOW,
    title="CI embeds multi-line programs in YAML",
    impact="The code cannot be run locally, linted or tested, and YAML quoting bugs hide in it: the CI "
           "behaves differently from anything a developer can reproduce.",
    action="Move the program to a versioned script (scripts/ci_*.py or a Makefile target) and call it "
           "from the CI step.",
    check=check,
    example_bad='- run: |\n    python -c "\n    import app\n    ...\n    "   # 10 lines of Python in YAML',
    example_good="- run: python scripts/check_db.py",
)
