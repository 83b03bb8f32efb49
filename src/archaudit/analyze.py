"""Per-file analysis: bytes in, plain cacheable facts out. Runs in worker processes.

A file yields a `FileResult` dict: its language's facts (Python: `ModuleFacts`; TS/JS: see
`languages.typescript`), findings of text-level scanners (e.g. secrets), or a `skip` reason.
Nothing here knows about other files; cross-file reasoning happens on the shared `Repo`.
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from typing import Any

from archaudit.findings import Message
from archaudit.languages.python.extract import extract as extract_python

MAX_SOURCE_BYTES = 2_000_000
FileResult = dict[str, Any]

# language -> extractor(source) -> facts; other languages register themselves here. An extractor with
# a true `wants_path` attribute is called as extractor(source, path) (e.g. .ts vs .tsx grammars).
EXTRACTORS: dict[str, Callable[..., Any]] = {"python": extract_python}
# Text scanners run on every decodable text file: (name, scan(path, text) -> list of plain records).
TEXT_SCANNERS: list[tuple[str, Callable[[str, str], list[Any]]]] = []


def _register_optional() -> None:
    """Import optional language/scanner modules that add themselves to the tables above."""
    import importlib

    for mod in ("archaudit.languages.typescript.extract", "archaudit.scan.secrets", "archaudit.scan.js_strings",
                "archaudit.scan.suppressions"):
        try:
            importlib.import_module(mod)
        except ImportError:  # a missing optional grammar must not stop the Python audit
            continue


_register_optional()


def decode(data: bytes) -> str | None:
    """UTF-8 text (BOM tolerated), or None for binary / undecodable content."""
    if b"\0" in data[:8192]:
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


def _minified(text: str) -> bool:
    """Bundler output (webpack chunks, *.min.js): long, with very long lines. Parsing it costs more
    than all the real source together and yields no architecture fact."""
    return len(text) > 20_000 and text.count("\n") < len(text) / 500


def skip(reason: Message) -> FileResult:
    """A skipped file's result: the English reason, and its template and fields for the report's
    languages (results cross processes and the cache as marshal data, which holds no Message)."""
    return {"skip": str(reason), "skip_message": [reason.template, [[k, v] for k, v in reason.params]]}


def skip_reason(result: FileResult) -> str:
    """The skip reason of a result as report text: a Message again when the worker gave its parts."""
    parts = result.get("skip_message")
    if not parts:
        return str(result["skip"])
    template, fields = parts
    return Message._make(template, "", "", tuple((k, v) for k, v in fields), True)


def analyze(path: str, language: str, data: bytes) -> FileResult:
    """Facts for one file. Never raises: a problem becomes `{"skip": reason}`."""
    if len(data) > MAX_SOURCE_BYTES:
        return skip(Message("too large (over {limit} bytes)", limit=f"{MAX_SOURCE_BYTES:,}"))
    text = decode(data)
    if text is None:
        return skip(Message("binary file") if b"\0" in data[:8192] else Message("not valid UTF-8"))
    if language in ("javascript", "typescript") and _minified(text):
        return skip(Message("minified or generated code (lines average over 500 characters): not source"))
    result: FileResult = {}
    extractor = EXTRACTORS.get(language)
    if extractor is not None:
        try:
            wants_path = getattr(extractor, "wants_path", False)
            result["facts"] = extractor(text, path) if wants_path else extractor(text)
        except SyntaxError as exc:
            return skip(Message("not valid {language}: {error} (line {line})", language=language, error=exc.msg,
                                line=str(exc.lineno)))
        except (ValueError, RecursionError, MemoryError) as exc:
            return skip(Message("could not be parsed ({error})", error=type(exc).__name__))
    for name, scan in TEXT_SCANNERS:
        records = scan(path, text)
        if records:
            result[name] = records
    return result


def analyze_batch(batch: list[tuple[str, str, str]]) -> list[tuple[str, bytes]]:
    """Worker entry point: (path, abs path, language) items -> (path, marshalled FileResult).

    The cyclic GC is paused while parsing: ASTs are acyclic garbage and the collector only slows
    parsing down (measured close to 2x on large trees).
    """
    import marshal

    gc.disable()
    out: list[tuple[str, bytes]] = []
    try:
        for rel, absolute, language in batch:
            try:
                with open(absolute, "rb") as fh:
                    data = fh.read(MAX_SOURCE_BYTES + 1)
            except OSError as exc:
                out.append((rel, marshal.dumps(skip(Message("unreadable ({error})", error=str(exc.strerror))))))
                continue
            out.append((rel, marshal.dumps(analyze(rel, language, data))))
    finally:
        gc.enable()
    return out
