"""What a rule is: identity, explanation, and a pure `check(repo) -> hits` function.

A rule never prints and never opens files: it reads the shared `Repo` and yields `Hit`s. The
engine (`rules.engine`) turns hits into `Finding`s with snippets and fingerprints.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from archaudit.findings import Axis, Hit, Severity
from archaudit.repo import Repo
from archaudit.resolve.context import SERVING, Context

Check = Callable[[Repo], Iterable[Hit]]


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

    @property
    def rationale(self) -> str:
        """The check's docstring: what it looks at and how (shown by `archaudit explain`)."""
        return " ".join((self.check.__doc__ or "").split())
