"""A small Dockerfile reader: instructions with their line, continuation lines joined.

Enough for the inventory (base images, start command, health check, user) and for the rules; it
never evaluates ARG/ENV substitutions, it only reports what is written.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from archaudit.repo import Repo, bounded


@dataclass(frozen=True)
class Instruction:
    keyword: str  # upper-case: FROM, RUN, CMD...
    args: str  # the rest of the instruction, continuation lines joined with spaces
    line: int  # 1-based line of the keyword


@dataclass(frozen=True)
class Dockerfile:
    path: str
    instructions: tuple[Instruction, ...]

    def all(self, keyword: str) -> list[Instruction]:
        return [i for i in self.instructions if i.keyword == keyword]

    def final_stage(self) -> list[Instruction]:
        """Instructions from the last FROM on: what the shipped image actually runs."""
        starts = [n for n, i in enumerate(self.instructions) if i.keyword == "FROM"]
        return list(self.instructions[starts[-1]:] if starts else self.instructions)

    def last(self, keyword: str) -> Instruction | None:
        found = [i for i in self.final_stage() if i.keyword == keyword]
        return found[-1] if found else None


def parse(path: str, text: str) -> Dockerfile:
    """Instructions of a Dockerfile text; comments and blank lines skipped."""
    out: list[Instruction] = []
    pending: list[str] = []
    start = 0
    for n, raw in enumerate(text.splitlines()[:20_000], 1):
        stripped = raw.strip()
        if not pending and (not stripped or stripped.startswith("#")):
            continue
        if pending and stripped.startswith("#"):
            continue
        if not pending:
            start = n
        if stripped.endswith("\\"):
            pending.append(stripped[:-1].strip())
            continue
        pending.append(stripped)
        joined = " ".join(p for p in pending if p)
        pending = []
        keyword, _, args = joined.partition(" ")
        out.append(Instruction(keyword.upper(), args.strip(), start))
    if pending:
        joined = " ".join(p for p in pending if p)
        keyword, _, args = joined.partition(" ")
        out.append(Instruction(keyword.upper(), args.strip(), start))
    return Dockerfile(path, tuple(out))


def command_text(args: str) -> str:
    """CMD/ENTRYPOINT arguments as one shell-like line (exec form JSON arrays joined by spaces)."""
    if args.startswith("["):
        try:
            parts = bounded(json.loads(args))
        except (ValueError, RecursionError):  # not JSON, or nested past the bound / the stack
            return args
        if isinstance(parts, list):
            return " ".join(str(p) for p in parts)
    return args


def dockerfiles(repo: Repo) -> list[Dockerfile]:
    """Every Dockerfile of the repository (Dockerfile, Dockerfile.prod, api.Dockerfile), by path."""
    out = []
    for f in repo.files:
        name = f.path.rsplit("/", 1)[-1]
        if f.language == "dockerfile" and not name.endswith(".dockerignore"):
            text = repo.text(f.path)
            if text is not None:
                out.append(parse(f.path, text))
    return out


def find_dockerfiles(repo: Repo) -> list[Dockerfile]:
    """Parsed Dockerfiles, computed once per audit."""
    return repo.derived(dockerfiles)
