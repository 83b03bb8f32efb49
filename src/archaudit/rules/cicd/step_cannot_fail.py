"""CI004 ci-step-cannot-fail."""

from __future__ import annotations

import re
from collections.abc import Iterator

from archaudit.detect.cicd.commands import classify
from archaudit.detect.cicd.section import find_ci_jobs
from archaudit.findings import Axis, Hit, Message, Severity
from archaudit.repo import Repo
from archaudit.rules.base import Rule
from archaudit.rules.cicd._lines import GATES, ci_lines

_SWALLOW = re.compile(r"\|\|\s*(true|exit\s+0|:)\s*(;|$|\))")
_EXIT_ZERO = re.compile(r"--exit-zero\b")


def _gates(kinds: tuple[str, ...]) -> list[str]:
    return [k for k in kinds if k in GATES]


def check(repo: Repo) -> Iterator[Hit]:
    """Looks for quality gates that cannot fail in CI files: a test, lint, type-check, build or
    migration command followed by `|| true` / `|| exit 0` / `|| :`, a linter run with `--exit-zero`,
    and `continue-on-error: true` (GitHub) or `allow_failure: true` (GitLab) on a step or job that runs
    such a command. Clean-up commands (`docker rm ... || true`) are not gates and are not reported."""
    for path, line, text in ci_lines(repo):
        m = _SWALLOW.search(text)
        if m:
            gates = _gates(classify(text[: m.start()]))
            if gates:
                yield Hit(path, line, Message("The {gates} command ends with `{value}`: its failure cannot fail the "
                                              "pipeline.",
                                              gates=gates[0], value=m.group(0).strip(' ;)')),
                          key=f"swallow {text.strip()[:80]}")
        elif _EXIT_ZERO.search(text) and "lint" in classify(text):
            yield Hit(path, line, Message("The linter runs with --exit-zero: its findings never fail the pipeline."),
                      key=f"exit-zero {text.strip()[:80]}")
    for job in find_ci_jobs(repo):
        if job.continue_on_error and _gates(job.kinds):
            flag = "allow_failure" if job.system == "GitLab CI" else "continue-on-error"
            yield Hit(job.file, job.continue_on_error, Message("Job {name} runs {names} with {flag}: true, so its "
                                                               "failure does not fail the pipeline.",
                                                               name=job.name,
                                                               names=', '.join(_gates(job.kinds)), flag=flag),
                      key=f"job {job.name}")
        for st in job.steps:
            if st.continue_on_error and _gates(st.kinds):
                yield Hit(job.file, st.continue_on_error, Message("Step '{name}' ({names}) has continue-on-error: "
                                                                  "true, so its failure does not fail the job.",
                                                                  name=st.name,
                                                                  names=', '.join(_gates(st.kinds))),
                          key=f"step {job.name} {st.name}")


RULE = Rule(
    id="CI004",
    name="ci-step-cannot-fail",
    axis=Axis.TESTING,
    severity=Severity.MEDIUM,
    title="A CI check cannot fail",
    impact="The pipeline stays green whatever the tests or linters report, so it certifies nothing and "
           "real failures go unnoticed.",
    action="Remove `|| true` / `--exit-zero` / `continue-on-error` from quality gates; if a check is "
           "known to fail, fix it or narrow it explicitly instead of silencing it.",
    check=check,
    example_bad="- run: pytest || true\n- run: mypy app\n  continue-on-error: true",
    example_good="- run: pytest\n- run: mypy app",
)
