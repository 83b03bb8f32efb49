"""Inventory detectors: each module turns the shared Repo into one report `Section` (facts only,
no judgement). `SECTIONS` is the report order; add a new section by adding its builder here."""

from __future__ import annotations

from collections.abc import Callable

from archaudit.detect import integrations, structure
from archaudit.detect import typescript_backends as ts_backend
from archaudit.detect.api import section as api
from archaudit.detect.architecture import section as architecture
from archaudit.detect.background import section as background
from archaudit.detect.cicd import section as cicd
from archaudit.detect.config import section as config
from archaudit.detect.data import section as data
from archaudit.detect.dependencies import stack
from archaudit.detect.deploy import section as deploy
from archaudit.detect.frontend import section as ts_frontend
from archaudit.detect.testing import section as tests_section
from archaudit.model import Section
from archaudit.repo import Repo

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
