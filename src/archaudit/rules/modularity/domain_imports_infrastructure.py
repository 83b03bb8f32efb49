"""MOD050 domain-imports-infrastructure."""

from __future__ import annotations

from collections.abc import Iterator

from archaudit.findings import Axis, Hit, Message, Severity
from archaudit.repo import Repo
from archaudit.rules.base import Rule
from archaudit.rules.modularity._layering import crossing, strict_domain_files


def check(repo: Repo) -> Iterator[Hit]:
    """Looks at module-level imports of modules under a `domain/` or `entities/` folder (an explicit
    layered layout) that resolve to a repository module of the infrastructure layer (folders
    infrastructure/, adapters/, repositories/, db/, connectors/, clients/...). Imports inside functions
    and under `if TYPE_CHECKING:` are ignored."""
    for path in strict_domain_files(repo):
        for imp in crossing(repo, path, "infrastructure"):
            yield Hit(path, imp.line, Message("Domain module imports {dotted} from the infrastructure layer "
                                              "({target}).",
                                              dotted=imp.dotted, target=imp.target), key=imp.dotted)


RULE = Rule(
    id="MOD050",
    name="domain-imports-infrastructure",
    axis=Axis.MODULARITY,
    severity=Severity.HIGH,
    title="The domain layer depends on the infrastructure layer",
    impact="Business rules can no longer be tested or reused without the database/SDK adapters; the "
           "dependency direction the layout promises is reversed, and changes in adapters ripple into the core.",
    action="Declare what the domain needs as a port (Protocol/ABC) in the domain or application layer, "
           "implement it in infrastructure, and inject the implementation from the composition root.",
    check=check,
    example_bad="# app/domain/orders.py\nfrom app.infrastructure.db.repositories import OrderRepository",
    example_good="# app/domain/orders.py\nclass OrderRepository(Protocol):\n    def get(self, id: str) -> Order: ...",
)
