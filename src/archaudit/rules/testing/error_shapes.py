"""TST004 inconsistent-error-shapes."""

from __future__ import annotations

from collections.abc import Iterator

from archaudit.detect.api.error_shapes import ErrorPayload, find_error_payloads, shape_counts
from archaudit.findings import Axis, Evidence, Hit, Message, Severity
from archaudit.repo import Repo
from archaudit.rules.base import Rule


def check(repo: Repo) -> Iterator[Hit]:
    """Collects literal error payloads in web modules (dicts returned by handlers or given to
    JSONResponse/JsonResponse/jsonify/Response with an `error`/`errors` key, or a `detail`/`message`
    key with an error status or in an exception handler) and reports once when they use more than one
    key for the error, with the first place of each shape."""
    payloads = repo.derived(find_error_payloads)
    counts = shape_counts(payloads)
    if len(counts) < 2:
        return
    majority = sorted(counts, key=lambda s: (-counts[s], s))[0]
    first: dict[str, ErrorPayload] = {}
    for p in payloads:
        first.setdefault(p.shape, p)
    hit = min((p for s, p in first.items() if s != majority), key=lambda p: (p.path, p.line))
    shapes = ", ".join(f'{{"{s}": ...}} x{counts[s]}' for s in sorted(counts, key=lambda s: (-counts[s], s)))
    also = tuple(Evidence(p.path, p.line) for p in sorted(first.values()) if p is not hit)
    yield Hit(hit.path, hit.line, Message("Error responses use {n} different shapes: {shapes}.",
                                          n=len(counts), shapes=shapes),
              also=also, key="error-shapes")


RULE = Rule(
    id="TST004",
    name="inconsistent-error-shapes",
    axis=Axis.TESTING,
    severity=Severity.LOW,
    title="Error responses have no single shape",
    impact="Clients must handle several error formats, and tests cannot assert one error contract; "
           "an error built by hand in one handler drifts from the others.",
    action="Define one error contract (e.g. {\"error\": {\"code\", \"message\"}}) produced by a single helper "
           "or exception handler, and raise domain exceptions instead of building error dicts in handlers.",
    check=check,
    example_bad='return {"error": "not found"}, 404\n...\n'
                'return JSONResponse({"message": "forbidden"}, status_code=403)',
    example_good='raise NotFound("order")  # one exception handler renders {"error": {...}} everywhere',
)
