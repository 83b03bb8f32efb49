"""Dependencies and reproducibility: can the same build be made twice?"""

from archaudit.rules.base import Rule
from archaudit.rules.reproducibility import (
    conflicting_sources,
    manager_without_lock,
    stale_version_comment,
    ts_undeclared_dependency,
    ts_unused_dependency,
    undeclared_import,
    unpinned_without_lock,
    unused_dependency,
)

RULES: list[Rule] = [
    unused_dependency.RULE,
    undeclared_import.RULE,
    conflicting_sources.RULE,
    stale_version_comment.RULE,
    unpinned_without_lock.RULE,
    manager_without_lock.RULE,
    ts_undeclared_dependency.RULE, ts_unused_dependency.RULE,
]
