"""What a shell command does: run tests, lint, type-check, measure coverage, build, deploy, migrate.

Shared by the CI/CD and deployment inventories and their rules. A command that calls a repository
script (`bash scripts/test.sh`) or a Makefile target (`make test`) is classified with that script's
or recipe's text too, so `make test` counts as running the tests when the recipe runs pytest.
"""

from __future__ import annotations

import re

from archaudit.repo import Repo

KINDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("tests", re.compile(
        r"\bpytest\b|\bpy\.test\b|-m\s+unittest\b|\bmanage\.py\s+test\b|\btox\b|\bnox\b|"
        r"\b(npm|yarn|pnpm|bun)\s+(run\s+)?test|\bvitest\b|\bjest\b|\bgo\s+test\b|\bcargo\s+test\b|"
        r"\bbehave\b|\bplaywright\s+test\b|\bcypress\s+run\b|\bhatch\s+(run\s+)?test|\bpoe\s+test\b")),
    ("lint", re.compile(
        r"\bruff\b(?!\s+format(?!.*--check))|\bflake8\b|\bpylint\b|\beslint\b|\bblack\b.*--check|"
        r"\bisort\b.*(--check|-c\b)|\bprettier\b.*--check|\bpre-commit\s+run\b|\b(npm|yarn|pnpm)\s+(run\s+)?lint\b|"
        r"\bbandit\b|\bpycodestyle\b|\bpyflakes\b")),
    ("type-check", re.compile(r"\bmypy\b|\bpyright\b|\btsc\b|\bpytype\b|\b(npm|yarn|pnpm)\s+(run\s+)?type-?check")),
    ("coverage", re.compile(r"--cov\b|--cov=|\bcoverage\s+(run|report|xml|html)\b|\bcodecov\b|--coverage\b")),
    ("build", re.compile(
        r"\bdocker\s+(buildx\s+)?build\b|\bdocker[- ]compose\b.*\bbuild\b|\b(npm|yarn|pnpm)\s+(run\s+)?build\b|"
        r"-m\s+build\b|\bpoetry\s+build\b|\bvite\s+build\b|build-push-action|\bpip\s+wheel\b")),
    ("deploy", re.compile(
        r"\bdeploy\b|\bflyctl\b|\bfly\s+deploy\b|\bkubectl\s+(apply|rollout|set\s+image)\b|\bhelm\s+(upgrade|install)\b|"
        r"\bdocker\s+push\b|\btwine\s+upload\b|\bnpm\s+publish\b|\bheroku\b|gh-action-pypi-publish|ssh-action|"
        r"\bserverless\b|\bgcloud\s+(app|run)\b")),
    ("migrations", re.compile(
        r"\balembic\s+(-\S+\s+)*upgrade\b|\bmanage\.py\s+migrate\b|\bflask\s+db\s+upgrade\b|\bprisma\s+migrate\b|"
        r"\baerich\s+upgrade\b|\byoyo\s+apply\b")),
)
_SEGMENTS = re.compile(r"&&|\|\||;|\n")
_INSTALL = re.compile(r"\b(pip3?|pipx|uv|poetry|pdm|conda|apt-get|apt|apk|brew|npm|yarn|pnpm)\b\s+"
                      r"(\S+\s+)*?(install|add|sync|ci)\b")
_SCRIPT = re.compile(r"(?:^|[\s;&|(])(?:bash\s+|sh\s+|\./)?((?:[\w.-]+/)*[\w.-]+\.(?:sh|bash))\b")
_MAKE = re.compile(r"\bmake\s+((?:-\S+\s+)*)([\w.-]+(?:\s+[\w.-]+)*)")


def classify(text: str) -> tuple[str, ...]:
    """The kinds of work a command (or script text) performs, in KINDS order. Installing a tool
    (`pip install flake8`) and comments are not running it."""
    segments = [s for s in _SEGMENTS.split(text) if s.strip() and not _INSTALL.search(s)
                and not s.lstrip().startswith("#")]
    kept = "\n".join(segments)
    return tuple(kind for kind, pattern in KINDS if pattern.search(kept))


def _make_recipe(repo: Repo, makefile: str, target: str) -> str:
    lines = repo.lines(makefile)
    out: list[str] = []
    inside = False
    for raw in lines[:5000]:
        if re.match(rf"^{re.escape(target)}\s*:(?!=)", raw):
            inside = True
            out.append(raw.split(":", 1)[1])  # prerequisites may name other targets
            continue
        if inside:
            if raw.startswith("\t") or (raw.startswith(" ") and raw.strip()):
                out.append(raw)
            elif raw.strip():
                break
    return "\n".join(out)


def expand(repo: Repo, command: str, folder: str = "") -> str:
    """The command plus the text of the repository scripts and Makefile targets it calls (one level)."""
    parts = [command]
    prefix = folder + "/" if folder else ""
    for m in _SCRIPT.finditer(command):
        for candidate in (prefix + m.group(1), m.group(1)):
            text = repo.text(candidate.lstrip("./")) if repo.has(candidate.lstrip("./")) else None
            if text is not None:
                parts.append(text[:20_000])
                break
    for m in _MAKE.finditer(command):
        for makefile in (prefix + "Makefile", "Makefile"):
            if repo.has(makefile):
                for target in m.group(2).split()[:5]:
                    recipe = _make_recipe(repo, makefile, target)
                    parts.append(recipe)
                    for dep in recipe.split("\n", 1)[0].split()[:5]:  # prerequisites, one level
                        parts.append(_make_recipe(repo, makefile, dep))
                break
    return "\n".join(parts)

