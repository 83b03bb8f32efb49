"""What a shell command does: run tests, lint, type-check, measure coverage, build, deploy, migrate.

Shared by the CI/CD and deployment inventories and their rules. A command is classified with the
text of what it calls in the repository too, followed two steps deep: a repository script
(`bash scripts/test.sh`, `poetry run ./scripts/test`), a Makefile target and its prerequisites
(`make ci` -> `ci: test` -> `coverage run -m manage test`), a task-runner script (`hatch run test-cov`,
`pdm run test`, `poe test`, `npm run ci` -> package.json `scripts`), and a local composite action
(`uses: ./.github/actions/test` -> its `runs.steps[].run`). So `make test` counts as running the
tests when the recipe runs pytest.
"""

from __future__ import annotations

import re

from archaudit.repo import Repo

KINDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("tests", re.compile(
        r"\bpytest\b|\bpy\.test\b|-m\s+unittest\b|\bmanage(\.py)?\s+test\b|\bdjango-admin\s+test\b|\btox\b|\bnox\b|"
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
# a repository file run by path at the start of a command: `./scripts/test`, `poetry run scripts/lint`
_PATH_RUN = re.compile(r"(?:^|&&|\|\||;|\n)\s*(?:bash\s+|sh\s+|(?:poetry|uv|pdm|pipenv|rye|hatch)\s+run\s+)?"
                       r"(\./(?:[\w.-]+/)*[\w.-]+|(?:[\w.-]+/)+[\w.-]+)(?=\s|$|;|&|\|)")
_MAKE = re.compile(r"\bmake\s+((?:-\S+\s+)*)([\w.-]+(?:\s+[\w.-]+)*)")
_HATCH = re.compile(r"\bhatch\s+run\s+(?:([\w.-]+):)?([\w.-]+)")
_PDM = re.compile(r"\bpdm\s+run\s+([\w.-]+)")
_POE = re.compile(r"\bpoe\s+([\w.-]+)")
_NPM = re.compile(r"\b(?:npm|pnpm|bun|yarn)\s+(run(?:-script)?\s+)?([\w:.-]+)")
_NPM_BUILTINS = frozenset({"install", "ci", "i", "add", "exec", "x", "dlx", "publish", "audit", "config",
                           "cache", "set", "version", "link", "prune", "rebuild", "init", "workspace"})
_DEPTH = 2  # a CI step -> what it calls -> what that calls


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


def _pyproject_task(repo: Repo, folder: str, tool: str, env: str, name: str) -> str:
    """The command(s) of a task declared in pyproject.toml: hatch env scripts, pdm scripts, poe tasks."""
    data = repo.toml(folder + "pyproject.toml") if repo.has(folder + "pyproject.toml") else None
    tools = data.get("tool", {}) if isinstance(data, dict) else {}
    if tool == "hatch":
        envs = tools.get("hatch", {}).get("envs", {})
        value = envs.get(env or "default", {}).get("scripts", {}).get(name) if isinstance(envs, dict) else None
    elif tool == "pdm":
        value = tools.get("pdm", {}).get("scripts", {}).get(name)
    else:
        value = tools.get("poe", {}).get("tasks", {}).get(name)
    if isinstance(value, dict):
        value = value.get("cmd") or value.get("shell") or value.get("sequence") or value.get("composite")
    if isinstance(value, list):
        value = "\n".join(str(v.get("cmd", "")) if isinstance(v, dict) else str(v) for v in value)
    return value if isinstance(value, str) else ""


def _npm_script(repo: Repo, folder: str, name: str) -> str:
    data = repo.json(folder + "package.json") if repo.has(folder + "package.json") else None
    scripts = data.get("scripts") if isinstance(data, dict) else None
    value = scripts.get(name) if isinstance(scripts, dict) else None
    return value if isinstance(value, str) else ""


def _called(repo: Repo, command: str, prefix: str) -> list[str]:
    """The texts one step away from `command`: scripts, Makefile recipes, task-runner scripts."""
    parts: list[str] = []
    paths = [m.group(1) for m in _SCRIPT.finditer(command)] + [m.group(1) for m in _PATH_RUN.finditer(command)]
    for found in dict.fromkeys(paths):
        for candidate in (prefix + found.removeprefix("./"), found.removeprefix("./")):
            if repo.has(candidate):
                text = repo.text(candidate)
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
    for m in _HATCH.finditer(command):
        parts.append(_pyproject_task(repo, prefix, "hatch", m.group(1) or "", m.group(2)))
    for m in _PDM.finditer(command):
        parts.append(_pyproject_task(repo, prefix, "pdm", "", m.group(1)))
    for m in _POE.finditer(command):
        parts.append(_pyproject_task(repo, prefix, "poe", "", m.group(1)))
    for m in _NPM.finditer(command):
        name = m.group(2)
        if m.group(1) or name not in _NPM_BUILTINS:
            parts.append(_npm_script(repo, prefix, name))
    return [p for p in parts if p]


def expand(repo: Repo, command: str, folder: str = "") -> str:
    """The command plus the text of what it calls in the repository, two steps deep (module docstring)."""
    prefix = folder + "/" if folder else ""
    parts, frontier, seen = [command], [command], {command}
    for _ in range(_DEPTH):
        found = [t for text in frontier for t in _called(repo, text, prefix) if t not in seen]
        seen.update(found)
        parts += found
        frontier = found
    return "\n".join(parts)


def composite_action(repo: Repo, uses: str) -> str:
    """The shell commands of a local composite action (`uses: ./.github/actions/test`), expanded;
    "" when `uses` names no action folder of this repository."""
    if not uses.startswith("./"):
        return ""
    folder = uses.removeprefix("./").rstrip("/")
    for name in ("action.yml", "action.yaml"):
        data = repo.yaml(f"{folder}/{name}") if repo.has(f"{folder}/{name}") else None
        if isinstance(data, dict):
            runs = data.get("runs")
            steps = runs.get("steps") if isinstance(runs, dict) else None
            if not isinstance(steps, list):
                return ""
            commands = [str(st.get("run")) for st in steps if isinstance(st, dict) and st.get("run")]
            return "\n".join(expand(repo, c) for c in commands)
    return ""
