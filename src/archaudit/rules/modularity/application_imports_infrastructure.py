"""MOD051 application-imports-infrastructure."""

from __future__ import annotations

from collections.abc import Iterator

from archaudit.detect.architecture.layers import layer_of
from archaudit.detect.architecture.patterns import find_ports
from archaudit.findings import Axis, Evidence, Hit, Severity
from archaudit.repo import Repo
from archaudit.rules.base import Rule
from archaudit.rules.modularity._layering import crossing, is_composition_root


def check(repo: Repo) -> Iterator[Hit]:
    """When the project declares ports (Protocol/ABC classes named *Repository/*Port/*Gateway... in
    the application or domain layer), looks for application-layer modules (application/, use_cases/,
    services/) that import an infrastructure module at module level anyway. Composition-root files
    (container.py, dependencies.py, bootstrap.py, main.py...) are skipped: wiring is their job."""
    ports = repo.derived(find_ports)
    if not ports:
        return
    port = Evidence(ports[0].path, ports[0].line)
    for path, layer in sorted(repo.derived(layer_of).items()):
        if layer != "application" or is_composition_root(path):
            continue
        for imp in crossing(repo, path, "infrastructure"):
            yield Hit(path, imp.line, f"Application module imports {imp.dotted} from the infrastructure "
                      f"layer although the project declares ports (e.g. {ports[0].name}).", also=(port,),
                      key=imp.dotted)


RULE = Rule(
    id="MOD051",
    name="application-imports-infrastructure",
    axis=Axis.MODULARITY,
    severity=Severity.MEDIUM,
    title="Use cases import infrastructure adapters directly although ports exist",
    impact="The ports are bypassed: the use case is bound to one adapter, cannot be unit-tested with a "
           "fake, and the architecture the project declares is not the one it runs.",
    action="Depend on the port type in the use case and receive the adapter through the constructor or a "
           "provider defined in the composition root (container, FastAPI dependency).",
    check=check,
    example_bad="# app/application/orders/place.py\nfrom app.infrastructure.db.repositories import "
                "SqlOrderRepository\nrepo = SqlOrderRepository()",
    example_good="# app/application/orders/place.py\nclass PlaceOrder:\n    def __init__(self, orders: "
                 "OrderRepository) -> None: ...",
)
