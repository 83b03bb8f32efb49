"""What a rule is: identity, explanation, and a pure `check(repo) -> hits` function.

A rule never prints and never opens files: it reads the shared `Repo` and yields `Hit`s. The
engine (`rules.engine`) turns hits into `Finding`s with snippets and fingerprints.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources

from archaudit.findings import Axis, Hit, Severity
from archaudit.repo import Repo
from archaudit.resolve.context import SERVING, Context

Check = Callable[[Repo], Iterable[Hit]]
PYTHON = frozenset({"python"})
TYPESCRIPT = frozenset({"typescript", "javascript"})
DEFAULT_PRECISION = 0.85  # a rule measured below this on the ecosystem corpus runs only with --preview


@cache
def measured_precision() -> dict[str, dict[str, float | int | None]]:
    """Per rule: occurrences judged on the ecosystem corpus, how many were true, the precision.
    Written by `benchmarks/ecosystem/run.py precision --write` from `labels.yaml`."""
    text = resources.files("archaudit.data").joinpath("precision.json").read_text(encoding="utf-8")
    data: dict[str, dict[str, float | int | None]] = json.loads(text)
    return data


@dataclass(frozen=True)
class Rule:
    """One rule. `id` is stable and never reused; `name` reads as the problem (kebab-case)."""

    id: str
    name: str
    axis: Axis
    severity: Severity
    title: str
    impact: str  # why it matters
    action: str  # what to do
    check: Check
    example_bad: str = ""  # a short illustration for `archaudit explain`
    example_good: str = ""
    # the execution contexts whose code this rule judges; a hit elsewhere is dropped by the engine
    contexts: frozenset[Context] = SERVING
    # the rule claims something is absent from all code of these languages ("no file imports X"): the
    # claim needs every such file read, so an unparsed file makes it "not determined" (engine)
    absence_in: frozenset[str] = frozenset()
    # rules that state the same fact less precisely: their hits on a line this rule reports are dropped
    supersedes: tuple[str, ...] = ()
    # "file": one finding per root cause and file; "repository": one per root cause, every file listed
    aggregate: str = "file"
    # the source languages whose code the rule examines; an empty set means repository files (CI,
    # manifests, docs, env files); None: decided by where the rule lives (see `code_languages`)
    languages: frozenset[str] | None = None
    # for a claim about the repository itself (a hit at "."): the files, in order of preference, that
    # show the absence or where the fix goes ("README.md", "pyproject.toml", ".github/workflows/"); the
    # engine anchors the finding at the first that exists, line 1, for tools that need a file (SARIF)
    anchor: tuple[str, ...] = ()

    @property
    def code_languages(self) -> frozenset[str]:
        """Rules under `rules/<axis>/typescript/` read TypeScript/JavaScript, those of the CI,
        developer-experience and documentation axes read repository files, the rest read Python."""
        if self.languages is not None:
            return self.languages
        module = self.check.__module__
        if ".typescript." in module:
            return TYPESCRIPT
        if module.split(".")[2:3] in (["cicd"], ["devex"], ["documentation"]):
            return frozenset()
        return PYTHON

    @property
    def precision(self) -> float | None:
        """Precision measured on the ecosystem corpus; None when it never fired there."""
        value = measured_precision().get(self.id, {}).get("precision")
        return None if value is None else float(value)

    @property
    def judged(self) -> int:
        return int(measured_precision().get(self.id, {}).get("judged") or 0)

    @property
    def preview(self) -> bool:
        """Measured, and below the default bar: not run unless asked (`--preview`)."""
        return self.precision is not None and self.precision < DEFAULT_PRECISION

    @property
    def rationale(self) -> str:
        """The check's docstring: what it looks at and how (shown by `archaudit explain`)."""
        return " ".join((self.check.__doc__ or "").split())
