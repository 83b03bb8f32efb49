"""Inventory detectors: each module turns the shared Repo into one report `Section` (facts only,
no judgement). `SECTIONS` is the report order; add a new section by adding its builder here."""

from __future__ import annotations

from collections.abc import Callable

from archaudit.detect import (
    api,
    architecture,
    background,
    cicd,
    config,
    data,
    deploy,
    integrations,
    stack,
    structure,
    ts_backend,
    ts_frontend,
)
from archaudit.detect import tests as tests_section
from archaudit.repo import Repo
from archaudit.report.model import Section

SECTIONS: list[Callable[[Repo], Section]] = [
    structure.section,
    stack.section,
    tests_section.section,
    api.section,
    architecture.section,
    integrations.section,
    config.section,
    cicd.section,
    deploy.section,
    data.section,
    background.section,
    ts_backend.section,
    ts_frontend.section,
]
