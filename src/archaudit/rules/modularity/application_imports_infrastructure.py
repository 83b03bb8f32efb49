"""MOD051 application-imports-infrastructure."""

from __future__ import annotations

from collections.abc import Iterator

from archaudit.detect.architecture.layers import layer_of
from archaudit.detect.architecture.patterns import Port, find_ports
from archaudit.findings import Axis, Evidence, Hit, Message, Severity
from archaudit.repo import Repo
from archaudit.rules.base import Rule
from archaudit.rules.modularity._layering import crossing, is_composition_root


def adapters(repo: Repo) -> dict[str, Port]:
    """Class name -> the port it implements, for implementations in the infrastructure layer: the
    evidence that the project is built with ports and adapters (a port nobody implements, or one
    implemented outside infrastructure, says nothing about how the use cases should import)."""
    of = repo.derived(layer_of)
    out: dict[str, Port] = {}
    for port in repo.derived(find_ports):
        for path, _, name in port.implementations:
            if of.get(path) == "infrastructure":
                out.setdefault(name, port)
    return out


def check(repo: Repo) -> Iterator[Hit]:
    """Looks for application-layer modules (application/, use_cases/, services/) that import, at
    module level, an infrastructure class which implements one of the project's ports
    (Protocol/ABC classes named *Repository/*Port/*Gateway... in the application or domain layer):
    the use case names the adapter although the port it could depend on exists. Importing any other
    infrastructure name is not reported: that a port exists for something else (an email provider)
    does not establish that the project routes data access through ports. Composition-root files
    (container.py, dependencies.py, bootstrap.py, main.py...) are skipped: wiring is their job."""
    implemented = repo.derived(adapters)
    if not implemented:
        return
    for path, layer in sorted(repo.derived(layer_of).items()):
        if layer != "application" or is_composition_root(path):
            continue
        for imp in crossing(repo, path, "infrastructure"):
            port = implemented.get(imp.dotted.rsplit(".", 1)[-1])
            if port is None:
                continue
            yield Hit(path, imp.line, Message("Application module imports the adapter {dotted} from the "
                                              "infrastructure layer instead of the port it implements ({name}).",
                                              dotted=imp.dotted, name=port.name),
                      also=(Evidence(port.path, port.line),), key=imp.dotted)


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
