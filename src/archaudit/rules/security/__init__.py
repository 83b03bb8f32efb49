"""Security: authentication, injection, secrets, error exposure."""

from archaudit.rules.base import Rule
from archaudit.rules.security import (
    committed_secret,
    exception_leak,
    jwt_no_expiry,
    jwt_unverified,
    no_rate_limit,
    sql_string_building,
    unchecked_upload,
    unguarded_sensitive_route,
    weak_password_hash,
)

RULES: list[Rule] = [
    weak_password_hash.RULE,
    jwt_no_expiry.RULE,
    jwt_unverified.RULE,
    unguarded_sensitive_route.RULE,
    no_rate_limit.RULE,
    sql_string_building.RULE,
    exception_leak.RULE,
    committed_secret.RULE,
    unchecked_upload.RULE,
]
