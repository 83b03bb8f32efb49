"""Dependencies and reproducibility: can the same build be made twice?"""

from archaudit.rules.base import Rule
from archaudit.rules.reproducibility import (
    conflicting_sources,
    manager_without_lock,
    stale_version_comment,
    undeclared_import,
    unpinned_without_lock,
    unused_dependency,
)
from archaudit.rules.reproducibility.typescript import nest_shutdown_hooks as ts_nest_shutdown_hooks
from archaudit.rules.reproducibility.typescript import undeclared_dependency as ts_undeclared_dependency
from archaudit.rules.reproducibility.typescript import unused_dependency as ts_unused_dependency

RULES: list[Rule] = [
    unused_dependency.RULE,
    undeclared_import.RULE,
    conflicting_sources.RULE,
    stale_version_comment.RULE,
    unpinned_without_lock.RULE,
    manager_without_lock.RULE,
    ts_undeclared_dependency.RULE, ts_unused_dependency.RULE, ts_nest_shutdown_hooks.RULE,
]
