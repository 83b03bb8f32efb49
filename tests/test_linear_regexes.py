"""Every regular expression run on repository text must stay linear: a requirements file with one 60 KB
line made a backtracking pattern run for minutes. Two guards: the pipeline on such files, and every
module-level pattern of archaudit timed on long repetitive lines."""

from __future__ import annotations

import importlib
import pkgutil
import re
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import archaudit
from archaudit.detect.dependencies.manifest_files import parse_requirements_text
from archaudit.rules.reproducibility.stale_version_comment import _MENTION
from tests.conftest import report_of, write_tree

LONG = 60_000
REQUIREMENT_LINES = {
    "a= repeated": "a=" * (LONG // 2),
    "long quoted string": '"' + "x" * LONG + '"',
    "long dotted name": ".".join(["pkg"] * (LONG // 4)) + "==1.0",
    "long comment word": "django==4.2  # " + "a" * LONG,
    "comment of spaced words": "django==4.2  # " + "word " * (LONG // 5),
    "include with spaces": "-r" + " " * LONG + "x",
    "secret-named value": "password=" + "x" * LONG,
}


@pytest.mark.parametrize("shape", sorted(REQUIREMENT_LINES))
def test_a_requirements_file_with_one_60_kb_line_is_audited_quickly(tmp_path: Path, shape: str) -> None:
    write_tree(tmp_path, {"requirements.txt": f"celery==5.3.0\n{REQUIREMENT_LINES[shape]}\nredis==5.0.1\n",
                          "app/main.py": "import celery\n"})
    start = time.perf_counter()
    report_of(tmp_path)
    assert time.perf_counter() - start < 10, shape


def test_version_mentions_in_long_comments_are_read_in_linear_time() -> None:
    start = time.perf_counter()
    for unit in ("a", "a.", "a-1 ", " "):
        list(_MENTION.finditer((unit * LONG)[:LONG] + "!"))
    assert time.perf_counter() - start < 0.5
    assert [m.groups() for m in _MENTION.finditer("needs django>=4.2 and celery 5.3")] == [
        ("django", ">=", "4.2"), ("celery", " ", "5.3")]
    assert parse_requirements_text("r.txt", "-r base.txt\n-rdev.txt\n--requirement = x.txt\n").includes == [
        ("r", "base.txt"), ("r", "dev.txt"), ("r", "x.txt")]


def _patterns() -> Iterator[tuple[str, re.Pattern[str]]]:
    for info in pkgutil.walk_packages(archaudit.__path__, "archaudit."):
        if info.name.endswith("__main__"):
            continue
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            values = value.values() if isinstance(value, dict) else value if isinstance(value, list | tuple) \
                else [value]
            for item in values:
                for candidate in item if isinstance(item, tuple) else (item,):
                    if isinstance(candidate, re.Pattern) and isinstance(candidate.pattern, str):
                        yield f"{info.name}.{name}", candidate


UNITS = ["a", "a ", "a.", "a=", "a-", "a:", " ", "'", '"', "(", "a,", "-a ", "a/", "A1", "\t", "=", "${"]
SIZE = 16_000


def test_every_module_level_pattern_is_linear_on_long_repetitive_lines() -> None:
    """A quadratic pattern takes seconds on 16 KB of one of these shapes; a linear one milliseconds
    (found this way: route placeholders, URL schemes, justfile recipes, requirement options)."""
    def stop(*_: object) -> None:
        raise TimeoutError

    slow = []
    previous = signal.signal(signal.SIGALRM, stop)
    try:
        for where, pattern in _patterns():
            for unit in UNITS:
                text = (unit * (SIZE // len(unit) + 1))[:SIZE] + "!"
                start = time.perf_counter()
                signal.setitimer(signal.ITIMER_REAL, 1.0)
                try:
                    for _ in pattern.finditer(text):
                        pass
                    pattern.match(text)
                except TimeoutError:
                    pass
                finally:
                    signal.setitimer(signal.ITIMER_REAL, 0)
                if time.perf_counter() - start > 0.5:
                    slow.append(f"{where} on {unit!r}*: {pattern.pattern[:80]}")
    finally:
        signal.signal(signal.SIGALRM, previous)
    assert not slow, slow
