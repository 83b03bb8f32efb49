"""Which inventory rows stand out: the bounded view of each table (the Markdown report) shows its
count and these rows only; the JSON and HTML reports keep every row.

A reader of an audit wants the exceptions, not the census: the endpoints no authentication guards,
the models far larger than the others, the settings the environment must provide, the CI steps that
do something (checkout and setup-* steps are folded), the images that run as root, the rows whose
value could not be determined. Small tables that *are* the architecture (layers, clients, services,
processes) are notable as a whole. The choice is analysis, made here once per table key; renderers
only format it. A detector that chose its rows itself (`Table.notable` already set) is left alone."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from statistics import median
from typing import Any

from archaudit.findings import Message
from archaudit.model import Section, Table

Row = dict[str, Any]
ND = "not determined"


def _text(row: Row, column: str) -> str:
    return str(row.get(column, "") or "")


def _unguarded(row: Row) -> bool:
    auth = _text(row, "auth")
    return auth == "no" or auth.startswith(ND)


_TRIVIAL_STEP = re.compile(r"^uses ([\w.-]+/)?(checkout|setup-[\w-]+|cache)(@|$)", re.IGNORECASE)


def _trivial_step(row: Row) -> bool:
    """A CI step that only prepares the runner: check the code out, install a toolchain, restore a cache."""
    return bool(_TRIVIAL_STEP.match(_text(row, "runs")))


def _acting_step(row: Row) -> bool:
    kinds = _text(row, "kinds")
    return kinds not in ("", "-") and not _trivial_step(row)


def _fields(row: Row) -> int | None:
    value = row.get("fields")
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _pick(table: Table, keep: Callable[[Row], bool]) -> tuple[int, ...]:
    return tuple(i for i, row in enumerate(table.rows) if keep(row))


def _endpoints(t: Table) -> tuple[tuple[int, ...], str]:
    return _pick(t, _unguarded), Message("endpoints with no authentication found, or not determined")


def _settings(t: Table) -> tuple[tuple[int, ...], str]:
    return (_pick(t, lambda r: _text(r, "default") == "(required)"),
            Message("settings the environment must provide (no default)"))


def _ci_steps(t: Table) -> tuple[tuple[int, ...], str]:
    trivial = sum(1 for r in t.rows if _trivial_step(r))
    return (_pick(t, lambda r: _acting_step(r) or _text(r, "kinds") == ND),
            Message("steps that build, test, check or deploy; {n} trivial steps (checkout, setup-*, cache) folded",
                    n=trivial))


def _models(t: Table) -> tuple[tuple[int, ...], str]:
    sizes = [n for n in (_fields(r) for r in t.rows) if n is not None]
    if not sizes:
        return (), ""
    limit = max(20, 2 * median(sizes))
    return (_pick(t, lambda r: (_fields(r) or 0) > limit),
            Message("models with more than {limit} fields (twice the median, at least 20)", limit=int(limit)))


def _stack(t: Table) -> tuple[tuple[int, ...], str]:
    return _pick(t, lambda r: _text(r, "imported") == "no"), Message("declared packages no module imports")


def _dockerfiles(t: Table) -> tuple[tuple[int, ...], str]:
    return (_pick(t, lambda r: _text(r, "user").startswith(("root", "(root"))),
            Message("images whose process runs as root"))


def _compose(t: Table) -> tuple[tuple[int, ...], str]:
    def open_port(row: Row) -> bool:
        ports = [p.strip() for p in _text(row, "ports").split(",") if p.strip() not in ("", "-")]
        return any(not p.startswith(("127.0.0.1:", "localhost:", "[::1]:")) for p in ports)
    return _pick(t, open_port), Message("services publishing a port on every interface")


def _python_versions(t: Table) -> tuple[tuple[int, ...], str]:
    versions = {_text(r, "major.minor") for r in t.rows} - {"", "-"}
    if len(versions) < 2:
        return (), ""
    return _pick(t, lambda r: True), Message("the declared versions disagree")


def _folders(t: Table) -> tuple[tuple[int, ...], str]:
    return _pick(t, lambda r: _text(r, "role") == ND), Message("folders whose role was not determined")


def _whole(t: Table) -> tuple[tuple[int, ...], str]:
    return _pick(t, lambda r: True), ""


def _unmatched(t: Table) -> tuple[tuple[int, ...], str]:
    return _pick(t, lambda r: True), Message("front-end calls that match no back-end endpoint")


# table key -> (indices of the notable rows, what makes them notable). A key not listed: count only.
CHOOSERS: dict[str, Callable[[Table], tuple[tuple[int, ...], str]]] = {
    "endpoints": _endpoints,
    "ts_endpoints": _endpoints,
    "settings": _settings,
    "ci_steps": _ci_steps,
    "models": _models,
    "stack": _stack,
    "dockerfiles": _dockerfiles,
    "compose_services": _compose,
    "python_versions": _python_versions,
    "folders": _folders,
    "contract_unmatched_calls": _unmatched,
    # small tables that are the architecture itself: every row
    "layers": _whole,
    "layer_imports": _whole,
    "clients": _whole,
    "dependency_injection": _whole,
    "integrations": _whole,
    "outbound_hosts": _whole,
    "processes": _whole,
}


def with_notable(section: Section) -> Section:
    """`section` with each table's notable rows chosen (tables a detector already chose for are kept)."""
    tables = []
    for t in section.tables:
        choose = CHOOSERS.get(t.key)
        if t.notable or t.notable_why or not choose or not t.rows:
            tables.append(t)
            continue
        notable, why = choose(t)
        tables.append(replace(t, notable=notable, notable_why=why if notable else ""))
    return replace(section, tables=tuple(tables)) if tables != list(section.tables) else section
