"""Modularity and layering: is business logic where it belongs, are boundaries respected?"""

from archaudit.rules.base import Rule
from archaudit.rules.modularity import (
    application_imports_infrastructure,
    domain_imports_framework,
    domain_imports_infrastructure,
    domain_raises_builtin_errors,
    duplicate_health,
    duplicate_route,
    duplicated_class,
    handler_business_logic,
    handler_raw_sql,
    handler_transaction,
    logging_at_import,
    monolithic_route_module,
    noop_service_enabled,
    noop_service_wired,
    package_import_cycle,
    sdk_in_handler,
    services_import_orm_models,
    unregistered_router,
    unused_scaffolding,
)
from archaudit.rules.modularity.typescript import controller_sql as ts_controller_sql
from archaudit.rules.modularity.typescript import domain_infra as ts_domain_infra
from archaudit.rules.modularity.typescript import fat_controller as ts_fat_controller
from archaudit.rules.modularity.typescript import oversized_class as ts_oversized_class

RULES: list[Rule] = [
    unregistered_router.RULE,
    handler_raw_sql.RULE, handler_transaction.RULE, handler_business_logic.RULE, monolithic_route_module.RULE,
    duplicate_route.RULE, duplicate_health.RULE, sdk_in_handler.RULE,
    application_imports_infrastructure.RULE,
    domain_imports_framework.RULE,
    domain_imports_infrastructure.RULE,
    domain_raises_builtin_errors.RULE,
    noop_service_enabled.RULE,
    noop_service_wired.RULE,
    package_import_cycle.RULE,
    services_import_orm_models.RULE,
    unused_scaffolding.RULE,
    duplicated_class.RULE,
    logging_at_import.RULE,
    ts_domain_infra.RULE, ts_controller_sql.RULE, ts_fat_controller.RULE, ts_oversized_class.RULE,
]
