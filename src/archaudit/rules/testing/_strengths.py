"""Testing strengths: a real test suite, an enforced coverage minimum, one error contract."""

from __future__ import annotations

from archaudit.detect.api.error_shapes import find_error_payloads, shape_counts
from archaudit.detect.testing.scan import is_test_file
from archaudit.detect.testing.section import find_tests
from archaudit.findings import Evidence, Message
from archaudit.model import Fact
from archaudit.repo import Repo

MIN_TESTS = 10
_HANDLER_CALLS = ("add_exception_handler", "register_error_handler")
_HANDLER_DECORATORS = ("exception_handler", "errorhandler", "app_errorhandler")


def suite_strength(repo: Repo) -> list[Fact]:
    """At least 10 Python test functions."""
    inv = find_tests(repo)
    if inv.test_count < MIN_TESTS:
        return []
    return [Fact(Message("Automated tests: {test_count} Python test functions in {n} test files",
                         test_count=inv.test_count, n=len(inv.files)),
                 tuple(Evidence(f.path, f.line) for f in inv.files[:3]))]


def coverage_threshold(repo: Repo) -> list[Fact]:
    """A minimum coverage is enforced (fail_under / --cov-fail-under)."""
    setting = find_tests(repo).fail_under
    if setting is None or not setting.fail_under:
        return []
    return [Fact(Message("Coverage minimum enforced: {fail_under}% ({detail})",
                         fail_under=f"{setting.fail_under:g}", detail=setting.detail),
                 (Evidence(setting.path, setting.line),))]


def error_contract(repo: Repo) -> list[Fact]:
    """Every literal error payload has the same shape, and an exception handler is registered."""
    payloads = repo.derived(find_error_payloads)
    counts = shape_counts(payloads)
    if len(counts) != 1:
        return []
    handlers = _exception_handlers(repo)
    if not handlers:
        return []
    shape = next(iter(counts))
    return [Fact(Message("One error response shape ({{\"{shape}\": ...}}) in {n} place(s), with a registered "
                         "exception handler",
                         shape=shape, n=len(payloads)),
                 (*handlers[:2], *(Evidence(p.path, p.line) for p in payloads[:2])))]


def _exception_handlers(repo: Repo) -> list[Evidence]:
    out: list[Evidence] = []
    for path, facts in repo.python_items():
        if is_test_file(repo, path):
            continue
        out.extend(Evidence(path, c["line"]) for c in facts["calls"] if c["name"].endswith(_HANDLER_CALLS))
        out.extend(Evidence(path, d["line"]) for fn in facts["functions"] for d in fn["decorators"]
                   if d["name"].rsplit(".", 1)[-1] in _HANDLER_DECORATORS)
    return sorted(out)
