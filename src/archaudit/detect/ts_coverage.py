"""Which inventory sections do not read TypeScript/JavaScript code, said in each of them.

Several sections are built from Python facts only (their TypeScript counterparts, when there are any,
are in the "TypeScript backends" section). On a repository with TypeScript/JavaScript application code
such a section must not say "Nothing of this kind was found": it says what it did not analyse.
"""

from __future__ import annotations

from dataclasses import replace

from archaudit.detect.frontend.packages import front_packages
from archaudit.findings import Message
from archaudit.model import Section
from archaudit.repo import Repo
from archaudit.resolve.context import Context, context_of
from archaudit.resolve.typescript_index import is_ts_test, package_of, ts_facts

# section key -> what the note adds for TypeScript (None: the section reads TypeScript itself)
NOT_READ: dict[str, str] = {
    "architecture": Message("layers and import directions are computed for Python; the NestJS/Express/Koa facts are in "
                            "the section TypeScript backends"),
    "api": Message("this table lists Python endpoints; the NestJS/Express/Koa facts are in the section TypeScript "
                   "backends"),
    "data": Message("ORM models and migrations are read for Python; TypeORM/Prisma/Mongoose facts are in the section "
                    "TypeScript backends"),
    "background": Message("task queues and schedulers are read for Python; Bull/BullMQ queues and @Cron jobs are in "
                          "the section TypeScript backends"),
    "integrations": Message("external services are found from Python imports only"),
    "tests": Message("test files, tools and coverage are read for Python; TypeScript test files serve only to find "
                     "NestJS modules without tests (TS007)"),
}


def ts_code_files(repo: Repo) -> int:
    """Parsed TypeScript/JavaScript files of application code outside front-end packages (tests, scripts,
    docs and generated code excluded): the code these sections would have to read."""
    fronts = {pkg.manifest for pkg, _ in front_packages(repo)}
    n = 0
    for path in repo.derived(ts_facts):
        if is_ts_test(path) or context_of(repo, path) is not Context.PRODUCTION:
            continue
        pkg = package_of(repo, path)
        if pkg is None or pkg.manifest not in fronts:
            n += 1
    return n


def with_ts_coverage(repo: Repo, section: Section) -> Section:
    """The section with its "not analysed for TypeScript" note when its detectors skip code present here."""
    note = NOT_READ.get(section.key)
    if note is None:
        return section
    n = repo.derived(ts_code_files)
    if not n:
        return section
    return replace(section, not_analysed=(*section.not_analysed,
                                          Message("TypeScript/JavaScript ({n} application files): {note}", n=n,
                                                  note=note)))
