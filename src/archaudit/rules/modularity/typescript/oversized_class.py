"""TS122 ts-oversized-class.

A TypeScript service, repository or model class of a thousand lines is where a backend's feature
logic has piled up: every change to any of its features touches the same file, its constructor
injects everything, and it cannot be tested or reviewed in parts. Reviewers call it a god service.
"""

from __future__ import annotations

from collections.abc import Iterator

from archaudit.detect.api.ts_apps import find_ts_apps
from archaudit.findings import Axis, Hit, Message, Severity
from archaudit.repo import Repo
from archaudit.resolve.typescript_index import is_ts_test, package_of, ts_facts
from archaudit.rules.base import Rule

MAX_LINES = 1000
MIN_METHODS = 10  # a long class of few methods is a data table or a handful of long procedures
# statements in its methods: a model whose thousand lines are column declarations holds little logic
MIN_STATEMENTS = 250
_UI = (".tsx", ".jsx", ".vue", ".svelte")
_UI_BASES = ("Component", "PureComponent", "React.Component", "React.PureComponent", "LitElement", "HTMLElement")


def check(repo: Repo) -> Iterator[Hit]:
    """Flags classes of backend code (files of a package.json folder that creates an HTTP application:
    NestFactory.create, express(), new Koa(), fastify(); tests, UI components and .tsx/.jsx files aside,
    so vendored browser bundles and generated front-end clients are not judged) that span at least
    1,000 lines, declare at least 10 methods and hold at least 250 statements in them (a model whose
    lines are column declarations is not judged)."""
    backends = {app.package for app in repo.derived(find_ts_apps)}
    if not backends:
        return
    for path, facts in repo.derived(ts_facts).items():
        pkg = package_of(repo, path)
        if (pkg.folder if pkg else "") not in backends or is_ts_test(path) or path.endswith(_UI):
            continue
        for cls in facts["classes"]:
            size = cls["end"] - cls["line"] + 1
            statements = sum(m["statements"] for m in cls["methods"])
            if (size < MAX_LINES or len(cls["methods"]) < MIN_METHODS or statements < MIN_STATEMENTS
                    or cls["extends"].split("<")[0] in _UI_BASES):
                continue
            yield Hit(path, cls["line"], Message("Class {name} spans {lines} lines: {n} methods holding {statements} "
                                                 "statements.",
                                                 name=cls["name"] or "(anonymous)", lines=size,
                                                 n=len(cls["methods"]), statements=statements),
                      key=f"oversized {cls['name']}")


RULE = Rule(
    id="TS122",
    name="ts-oversized-class",
    axis=Axis.MODULARITY,
    severity=Severity.LOW,
    title="One TypeScript class holds a thousand lines of logic",
    impact="Every feature of the class changes in one file: merges conflict, the constructor injects most of the "
           "application, and neither tests nor reviews can take it in parts.",
    action="Split the class by feature or use case (one service per aggregate or workflow), keeping a thin facade "
           "if callers need one.",
    check=check,
    example_bad="@Injectable()\nexport class ApplicationService {  // 1,428 lines, 40 methods\n  ...\n}",
    example_good="ApplicationService -> ApplicationQueryService, ApplicationReviewService, InterviewSchedulingService",
)
