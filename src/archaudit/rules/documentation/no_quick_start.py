"""DOC002 readme-without-quick-start."""

from __future__ import annotations

import re
from collections.abc import Iterator

from archaudit.detect.formats.markdown import code_lines, fold, headings, root_readme
from archaudit.findings import Axis, Hit, Message, Severity
from archaudit.repo import Repo
from archaudit.resolve.context import ALL
from archaudit.rules.base import Rule

_HEADING = re.compile(
    r"\b(install|setup|set[ -]up|getting started|get started|quick ?start|usage|run|running|launch|start|"
    r"develop|local|docker|build|commands?|how to|demarrage|demarrer|lancer|lancement|utilisation|"
    r"mise en place|developpement)")
_GUIDE = re.compile(r"\b(install|set up|setup|get(ting)? started|quick ?start|run (it )?locally|"
                    r"developer documentation|development setup|demarr|mise en place|lancer|"
                    r"instructions|tutorial)")
_GUIDE_FILE = re.compile(r"^(install|setup|getting[-_ ]started|quick[-_ ]?start|development|contributing|"
                         r"demarrage)[\w.-]*\.(md|rst|txt)$")
_COMMAND = re.compile(
    r"^\s*(\$\s*)?(pip3? install|python3? -m pip install|poetry (install|run)|uv (sync|run|pip)|pdm (install|run)|"
    r"pipenv (install|run)|docker[ -]compose|docker (compose|run|build)|make\b|just\b|npm (install|ci|run)|"
    r"yarn\b|pnpm\b|python3? manage\.py|uvicorn\b|gunicorn\b|flask (--app \S+ )?run|fastapi (dev|run)|"
    r"python3? -m \w|hatch run|tox\b|nox\b)")


def _points_to_a_guide(repo: Repo, text: str) -> bool:
    """A setup guide elsewhere: a README line linking to installation/setup docs, or a setup or
    contributing guide at the root or in docs/."""
    for line in fold(text).splitlines():
        if _GUIDE.search(line) and any(m in line for m in ("](", "`_", "http", "<a ")):
            return True
    return any(_guide_file(f.path) for f in repo.files if "/" not in f.path or f.path.startswith(("docs/", "doc/")))


def _guide_file(path: str) -> bool:
    """`INSTALL.md`, `docs/quickstart.rst`, or the page of a guide folder (`docs/quickstart/index.rst`)."""
    parts = path.lower().split("/")
    if _GUIDE_FILE.match(parts[-1]):
        return True
    return len(parts) == 3 and parts[-1].startswith(("index.", "readme.")) and bool(_GUIDE_FILE.match(parts[1] + ".md"))


def check(repo: Repo) -> Iterator[Hit]:
    """Reads the root README: passes when a heading names how to start (install, setup, getting
    started, quick start, usage, run, development, Docker; French: démarrage, lancer, installation,
    utilisation, mise en place) or a code block shows an install/run command (pip install, poetry,
    uv, docker compose, make, uvicorn, manage.py...) or a README line links to a setup guide, or a setup /
    contributing guide exists at the root or in docs/; otherwise reports the README."""
    readme = root_readme(repo)
    if readme is None:
        return  # DOC001 covers a missing README
    text = repo.text(readme)
    if text is None:
        return
    if any(_HEADING.search(fold(title)) for _, title in headings(text)):
        return
    if any(_COMMAND.match(code) for _, code in code_lines(text)):
        return
    if _points_to_a_guide(repo, text):
        return
    yield Hit(readme, 0, Message("{readme} does not say how to install, configure and run the project.",
                                 readme=readme), key="quick-start")


RULE = Rule(
    id="DOC002",
    name="readme-without-quick-start",
    axis=Axis.DOCUMENTATION,
    severity=Severity.LOW,
    title="README has no quick start",
    impact="A newcomer must reverse-engineer manifests, Dockerfiles and CI to run the project; onboarding "
           "is slow and each developer sets it up differently.",
    action="Add a 'Quick start' section: prerequisites, install command, configuration (.env.example), "
           "how to run the app and the tests.",
    contexts=ALL,
    check=check,
    example_bad="# Billing service\nInternal service handling invoices.",
    example_good="# Billing service\n## Quick start\n```\nuv sync\nuv run uvicorn app.main:app\n```",
)
