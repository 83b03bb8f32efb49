"""MOD054 domain-raises-builtin-errors."""

from __future__ import annotations

from collections.abc import Iterator

from archaudit.detect.architecture.layers import layers
from archaudit.findings import Axis, Evidence, Hit, Message, Severity
from archaudit.languages.python.facts import expr_text
from archaudit.repo import Repo
from archaudit.resolve.python_index import is_app_code
from archaudit.rules.base import Rule

_BUILTINS = frozenset({"ValueError", "Exception", "RuntimeError"})
_DOMAIN_FOLDERS = frozenset({"domain", "entities", "core"})
_VALIDATORS = ("validator", "field_validator", "model_validator", "root_validator", "validates")


# Utility code inside a domain folder validates arguments the Python way (ValueError is right there).
_UTILITY_SEGMENTS = frozenset({"utils", "util", "helpers", "common", "lib", "tools", "management", "migrations",
                               "feature_flags", "settings", "conf", "config", "scripts"})


def _domain_paths(repo: Repo) -> list[str]:
    return sorted(p for p, info in repo.derived(layers).items() if info.folder in _DOMAIN_FOLDERS
                  and not _UTILITY_SEGMENTS.intersection(p.removesuffix(".py").split("/")))


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


_REGISTER_DECORATORS = ("exception_handler", "errorhandler", "app_errorhandler")
_REGISTER_CALLS = ("add_exception_handler", "register_error_handler")


def handled_builtins(repo: Repo) -> set[str]:
    """Built-in exception types the web layer maps to a response on purpose
    (`@app.exception_handler(ValueError)`, `app.register_error_handler(ValueError, ...)`): raising them
    is then the project's convention for a business error, not an accident. `Exception` is not
    returned: a catch-all handler says nothing about intent."""
    out: set[str] = set()
    for path, facts in repo.python_items():
        if not is_app_code(repo, path):
            continue
        for fn in facts["functions"]:
            for d in fn["decorators"]:
                if d["name"].rsplit(".", 1)[-1] in _REGISTER_DECORATORS and d["args"]:
                    out.add(expr_text(d["args"][0]))
        for call in facts["calls"]:
            if call["name"].rsplit(".", 1)[-1] in _REGISTER_CALLS and call["args"]:
                out.add(expr_text(call["args"][0]))
    return (out & _BUILTINS) - {"Exception"}


def check(repo: Repo) -> Iterator[Hit]:
    """When the domain layer (domain/, entities/, core/<domain>/) declares its own exception classes,
    looks for `raise ValueError/Exception/RuntimeError` in domain modules. Raises inside pydantic or
    SQLAlchemy validators (which must raise ValueError) are skipped, and so is a built-in type the web
    layer maps to a response with a registered exception handler (`@app.exception_handler(ValueError)`)."""
    paths = _domain_paths(repo)
    errors = _domain_errors(repo, paths)
    if not errors:
        return
    example = errors[0]
    kinds_reported = _BUILTINS - handled_builtins(repo)
    for path in paths:
        facts = repo.python[path]
        validators = {fn["qualname"] for fn in facts["functions"]
                      if any(d["name"].rsplit(".", 1)[-1] in _VALIDATORS for d in fn["decorators"])}
        bare = [r for r in facts["raises"] if r["exc"] in kinds_reported and r["func"] not in validators]
        if not bare:
            continue  # one finding per module: hundreds of identical rows would drown the report
        kinds = ", ".join(sorted({r["exc"] for r in bare}))
        count = f"{len(bare)} times" if len(bare) > 1 else "once"
        yield Hit(path, bare[0]["line"], Message("This domain module raises bare {kinds} ({count}) although the "
                                                 "project defines domain errors (e.g. {example}).",
                                                 kinds=kinds, count=count, example=example[2]),
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
