"""Configuration security: are the defaults safe to ship?"""

from archaudit.rules.base import Rule
from archaudit.rules.config_security import (
    api_docs_exposed,
    debug_default,
    default_database,
    env_committed,
    env_example_missing,
    secret_default,
    sql_echo,
    ts_cors_wildcard,
    ts_debug_on,
    ts_tls_unverified,
    ts_typeorm_synchronize,
    unused_flag,
    wildcard_cors,
    wildcard_cors_credentials,
)

RULES: list[Rule] = [
    debug_default.RULE, secret_default.RULE, wildcard_cors.RULE, default_database.RULE, sql_echo.RULE,
    env_committed.RULE, unused_flag.RULE, api_docs_exposed.RULE, wildcard_cors_credentials.RULE,
    env_example_missing.RULE,
    ts_cors_wildcard.RULE, ts_typeorm_synchronize.RULE, ts_tls_unverified.RULE, ts_debug_on.RULE,
]
