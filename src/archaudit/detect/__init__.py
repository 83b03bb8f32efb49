"""Inventory detectors: each module turns the shared Repo into one report `Section` (facts only,
no judgement). `SECTIONS` is the report order; add a new section by adding its builder here."""

from __future__ import annotations

from collections.abc import Callable

from archaudit.detect import structure
from archaudit.repo import Repo
from archaudit.report.model import Section

SECTIONS: list[Callable[[Repo], Section]] = [
    structure.section,
]
