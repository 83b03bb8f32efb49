"""Configuration security: are the defaults safe to ship?"""

from archaudit.rules.base import Rule
from archaudit.rules.config_security import (
    api_docs_exposed,
    debug_default,
    default_database,
    django_admin_url,
    django_allowed_hosts,
    django_browser_protections,
    django_csp_unapplied,
    django_https,
    django_middleware_missing,
    django_secret_generated,
    env_committed,
    env_example_missing,
    fastapi_http_hardening,
    flask_csrf_disabled,
    flask_dev_server,
    flask_session_cookie,
    flask_upload_limit,
    health_leaks_debug,
    secret_default,
    setting_redefined,
    sql_echo,
    starlette_trusted_host,
    unused_flag,
    wildcard_cors,
    wildcard_cors_credentials,
)
from archaudit.rules.config_security.typescript import cookie_flags_off as ts_cookie_flags_off
from archaudit.rules.config_security.typescript import cors_wildcard as ts_cors_wildcard
from archaudit.rules.config_security.typescript import debug_on as ts_debug_on
from archaudit.rules.config_security.typescript import graphql_csrf_off as ts_graphql_csrf_off
from archaudit.rules.config_security.typescript import hsts_disabled as ts_hsts_disabled
from archaudit.rules.config_security.typescript import nest_config_unvalidated as ts_nest_config_unvalidated
from archaudit.rules.config_security.typescript import nest_validation_whitelist as ts_nest_validation_whitelist
from archaudit.rules.config_security.typescript import no_security_headers as ts_no_security_headers
from archaudit.rules.config_security.typescript import tls_unverified as ts_tls_unverified
from archaudit.rules.config_security.typescript import typeorm_synchronize as ts_typeorm_synchronize

RULES: list[Rule] = [
    debug_default.RULE, secret_default.RULE, wildcard_cors.RULE, default_database.RULE, sql_echo.RULE,
    env_committed.RULE, unused_flag.RULE, api_docs_exposed.RULE, wildcard_cors_credentials.RULE,
    env_example_missing.RULE, django_https.RULE, django_allowed_hosts.RULE, django_admin_url.RULE,
    setting_redefined.RULE, django_secret_generated.RULE, django_browser_protections.RULE,
    django_middleware_missing.RULE, flask_session_cookie.RULE, flask_csrf_disabled.RULE, flask_upload_limit.RULE,
    flask_dev_server.RULE, starlette_trusted_host.RULE, django_csp_unapplied.RULE,
    fastapi_http_hardening.RULE, health_leaks_debug.RULE,
    ts_cors_wildcard.RULE, ts_typeorm_synchronize.RULE, ts_tls_unverified.RULE, ts_debug_on.RULE,
    ts_no_security_headers.RULE, ts_nest_validation_whitelist.RULE, ts_cookie_flags_off.RULE,
    ts_graphql_csrf_off.RULE, ts_hsts_disabled.RULE, ts_nest_config_unvalidated.RULE,
]
