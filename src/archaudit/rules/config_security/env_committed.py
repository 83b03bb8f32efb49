"""CFG006 env-file-not-ignored."""

from __future__ import annotations

import re
from collections.abc import Iterator

from archaudit.detect.config.section import find_env_files
from archaudit.findings import Axis, Hit, Message, Severity
from archaudit.redact import is_placeholder_value, is_secret_name
from archaudit.repo import Repo
from archaudit.rules.base import Rule

_REAL = re.compile(r"(^|/)\.env(\.local|\.prod|\.production|\.[\w-]+\.local)?$")


def _value(repo: Repo, path: str, line: int) -> str:
    """The value of the `KEY=value` assignment on a line (inline comment dropped)."""
    text = repo.line(path, line)
    return text.split("=", 1)[1].split(" #")[0] if "=" in text else ""


def check(repo: Repo) -> Iterator[Hit]:
    """Looks for `.env`, `.env.local`, `.env.production` files present in the audited tree: the walk
    honours .gitignore, so such a file is not ignored and ends up committed. Templates (.env.example,
    .env.sample...) and files holding only public front-end variables (VITE_, NEXT_PUBLIC_...) are
    skipped, and so are files with no value set, and files whose secret-looking variables hold only
    placeholders (`SECRET_KEY=changethis`, `<your-key>`). Points at the first secret-looking variable
    with a value."""
    for env in find_env_files(repo):
        if env.example or not _REAL.search(env.path) or env.public_only:
            continue
        valued = [(k, line) for k, line, has in env.keys if has]
        if not valued:
            continue
        secret = [(k, line) for k, line in valued if is_secret_name(k)]
        real = [(k, line) for k, line in secret if not is_placeholder_value(_value(repo, env.path, line))]
        if secret and not real:
            continue  # a starter's .env of `SECRET_KEY=changethis`: nothing to rotate, nothing leaked
        secret = real + [s for s in secret if s not in real]
        line = secret[0][1] if secret else 0
        names = ", ".join(k for k, _ in (secret or valued)[:5])
        label = "secret-looking: " if secret else ""
        yield Hit(env.path, line, Message("{path} is not git-ignored and sets {n} variables ({label}{names}).",
                                          path=env.path, n=len(valued), label=label, names=names),
                  key=env.path)


RULE = Rule(
    id="CFG006",
    name="env-file-not-ignored",
    axis=Axis.CONFIG_SECURITY,
    severity=Severity.HIGH,
    title="An environment file with values is not git-ignored",
    impact="Real credentials end up in the repository history, readable by anyone with access to it, "
           "and stay there after the file is deleted.",
    action="Add `.env` (and `.env.*` except the template) to .gitignore, remove the file from the repository, "
           "rotate the credentials it held, and commit a `.env.example` with placeholders instead.",
    check=check,
    languages=frozenset(),  # repository files, whatever the language
    example_bad="repo/\n  .env          # JWT_SECRET_KEY=..., not in .gitignore\n  .gitignore    # __pycache__/",
    example_good="repo/\n  .env.example  # JWT_SECRET_KEY=\n  .gitignore    # .env",
)
