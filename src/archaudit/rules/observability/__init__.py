"""Observability: can operators see what the system does?"""

from archaudit.rules.base import Rule
from archaudit.rules.observability import (
    log_file_relative,
    metrics_flag_unused,
    no_error_tracking,
    no_request_id,
    no_structured_logging,
    print_calls,
    swallowed_exceptions,
    teardown_can_raise,
    tracing_flag_unused,
)
from archaudit.rules.observability.typescript import no_request_logging as ts_no_request_logging

RULES: list[Rule] = [
    no_structured_logging.RULE,
    print_calls.RULE,
    no_request_id.RULE,
    no_error_tracking.RULE,
    metrics_flag_unused.RULE,
    tracing_flag_unused.RULE,
    teardown_can_raise.RULE,
    log_file_relative.RULE,
    swallowed_exceptions.RULE,
    ts_no_request_logging.RULE,
]
