"""MOD054 domain-raises-builtin-errors."""

from __future__ import annotations

from collections.abc import Iterator

from archaudit.detect.layers import layers
from archaudit.findings import Axis, Evidence, Hit, Severity
from archaudit.repo import Repo
from archaudit.rules.base import Rule

_BUILTINS = frozenset({"ValueError", "Exception", "RuntimeError"})
_DOMAIN_FOLDERS = frozenset({"domain", "entities", "core"})
_VALIDATORS = ("validator", "field_validator", "model_validator", "root_validator", "validates")


def _domain_paths(repo: Repo) -> list[str]:
    return sorted(p for p, info in repo.derived(layers).items() if info.folder in _DOMAIN_FOLDERS)


def _domain_errors(repo: Repo, paths: list[str]) -> list[tuple[str, int, str]]:
    """Exception classes the domain declares: named *Error/*Exception, inheriting an exception."""
    out = []
    for path in paths:
        for cls in repo.python[path]["classes"]:
            bases = [b.rsplit(".", 1)[-1] for b in cls["bases"]]
            if cls["name"].endswith(("Error", "Exception")) and any(b.endswith(("Error", "Exception"))
                                                                      for b in bases):
                out.append((path, cls["line"], cls["name"]))
    return sorted(out)


def check(repo: Repo) -> Iterator[Hit]:
    """When the domain layer (domain/, entities/, core/<domain>/) declares its own exception classes,
    looks for `raise ValueError/Exception/RuntimeError` in domain modules. Raises inside pydantic or
    SQLAlchemy validators (which must raise ValueError) are skipped."""
    paths = _domain_paths(repo)
    errors = _domain_errors(repo, paths)
    if not errors:
        return
    example = errors[0]
    for path in paths:
        facts = repo.python[path]
        validators = {fn["qualname"] for fn in facts["functions"]
                      if any(d["name"].rsplit(".", 1)[-1] in _VALIDATORS for d in fn["decorators"])}
        bare = [r for r in facts["raises"] if r["exc"] in _BUILTINS and r["func"] not in validators]
        if not bare:
            continue  # one finding per module: hundreds of identical rows would drown the report
        kinds = ", ".join(sorted({r["exc"] for r in bare}))
        count = f"{len(bare)} times" if len(bare) > 1 else "once"
        yield Hit(path, bare[0]["line"], f"This domain module raises bare {kinds} ({count}) although the project "
                  f"defines domain errors (e.g. {example[2]}).",
                  also=(*(Evidence(path, r["line"]) for r in bare[1:4]), Evidence(example[0], example[1])),
                  key=kinds)


RULE = Rule(
    id="MOD054",
    name="domain-raises-builtin-errors",
    axis=Axis.MODULARITY,
    severity=Severity.LOW,
    title="Domain code raises bare ValueError/Exception where domain errors exist",
    impact="The API layer cannot map these failures to precise responses: they surface as 500s or are "
           "caught too broadly, and callers cannot tell a business rule violation from a bug.",
    action="Raise the project's domain error types (or add a subclass for this case) and let the error "
           "middleware translate them.",
    check=check,
    example_bad="class Stock:\n    def remove(self, n):\n        if n > self.qty:\n            raise "
                "ValueError('not enough')",
    example_good="class Stock:\n    def remove(self, n):\n        if n > self.qty:\n            raise "
                 "InsufficientStock(self.sku, n)",
)
