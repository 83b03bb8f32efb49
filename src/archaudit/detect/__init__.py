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

SECTIONS: list[Callable[[Repo], Section]] = [  # the order of a senior engineer's audit report
    structure.section,
    stack.section,
    architecture.section,
    api.section,
    ts_backend.section,
    data.section,
    background.section,
    integrations.section,
    config.section,
    tests_section.section,
    cicd.section,
    deploy.section,
    ts_frontend.section,
]
