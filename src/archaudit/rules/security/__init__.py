"""Security: authentication, injection, secrets, error exposure."""

from archaudit.rules.base import Rule
from archaudit.rules.security import (
    client_ip_from_forwarded,
    code_evaluation,
    committed_secret,
    exception_leak,
    jwt_no_expiry,
    jwt_unverified,
    mutation_without_ownership,
    no_rate_limit,
    path_from_request,
    secret_logged,
    shell_injection,
    sql_string_building,
    ssrf,
    unchecked_upload,
    unescaped_html,
    unguarded_sensitive_route,
    unsafe_deserialization,
    weak_password_hash,
)
from archaudit.rules.security.typescript import error_stack_response as ts_error_stack_response
from archaudit.rules.security.typescript import nest_validation_not_global as ts_nest_validation_not_global
from archaudit.rules.security.typescript import no_rate_limit as ts_no_rate_limit
from archaudit.rules.security.typescript import weak_password_dto as ts_weak_password_dto
from archaudit.rules.security.typescript import ws_gateway_unauthenticated as ts_ws_gateway_unauthenticated

RULES: list[Rule] = [
    mutation_without_ownership.RULE,
    weak_password_hash.RULE,
    jwt_no_expiry.RULE,
    jwt_unverified.RULE,
    unguarded_sensitive_route.RULE,
    no_rate_limit.RULE,
    sql_string_building.RULE,
    exception_leak.RULE,
    committed_secret.RULE,
    unchecked_upload.RULE,
    ts_no_rate_limit.RULE,
    ts_nest_validation_not_global.RULE,
    ts_weak_password_dto.RULE,
    ts_ws_gateway_unauthenticated.RULE,
    ts_error_stack_response.RULE,
    secret_logged.RULE,
    unescaped_html.RULE,
    unsafe_deserialization.RULE,
    shell_injection.RULE,
    code_evaluation.RULE,
    ssrf.RULE,
    path_from_request.RULE,
    client_ip_from_forwarded.RULE,
]
