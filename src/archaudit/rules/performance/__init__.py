"""Runtime and performance: blocking calls, inline heavy work, shared state, pooling."""

from archaudit.rules.base import Rule
from archaudit.rules.performance import (
    blocking_in_async,
    client_per_request,
    engine_without_pool,
    in_memory_pagination,
    inline_heavy_work,
    migrations_at_start,
    query_in_loop,
    request_without_timeout,
    request_writes_module_state,
    scheduler_per_worker,
    session_two_ways,
    sync_session_one_hop,
    unlocked_shared_state,
)
from archaudit.rules.performance.typescript import no_compression as ts_no_compression
from archaudit.rules.performance.typescript import scheduler_per_worker as ts_scheduler_per_worker

RULES: list[Rule] = [
    client_per_request.RULE,
    blocking_in_async.RULE,
    inline_heavy_work.RULE,
    unlocked_shared_state.RULE,
    in_memory_pagination.RULE,
    engine_without_pool.RULE,
    query_in_loop.RULE,
    sync_session_one_hop.RULE,
    session_two_ways.RULE,
    request_without_timeout.RULE,
    scheduler_per_worker.RULE,
    migrations_at_start.RULE,
    request_writes_module_state.RULE,
    ts_scheduler_per_worker.RULE,
    ts_no_compression.RULE,
]
