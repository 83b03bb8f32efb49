"""MOD056 noop-service-wired."""

from __future__ import annotations

from collections.abc import Iterator

from archaudit.findings import Axis, Hit, Message, Severity
from archaudit.repo import Repo
from archaudit.rules.base import Rule
from archaudit.rules.modularity._noop import find_noop_services


def check(repo: Repo) -> Iterator[Hit]:
    """Looks for classes whose every own method body is `pass`, `...`, a bare/empty return or only a
    docstring, that are instantiated, returned or injected (`Depends(X)`) in non-test code, are not
    subclassed, inherit nothing but interfaces, and are not the null-object sibling of a real
    implementation. Classes named as deliberate null objects (Noop*, Null*, Dummy*) are skipped; cases
    where a settings flag enables the feature by default are reported by MOD058 instead."""
    for svc in repo.derived(find_noop_services):
        if svc.flag is None and not svc.named_null:
            yield Hit(svc.path, svc.line, Message("{name}: all {methods} methods do nothing, yet it is used as a "
                                                  "service at {ref}.",
                                                  name=svc.name, methods=svc.methods, ref=svc.used_at.ref),
                      also=(svc.used_at,), key=svc.name)


RULE = Rule(
    id="MOD056",
    name="noop-service-wired",
    axis=Axis.MODULARITY,
    severity=Severity.LOW,
    title="A do-nothing implementation is wired as the real service",
    impact="Callers believe the work is done (metrics recorded, events published, mails sent) while "
           "nothing happens; the gap is invisible until someone needs the data.",
    action="Implement the service, or name it explicitly as a null object (NoopMetrics) chosen by "
           "configuration next to a real implementation, or remove it and its call sites.",
    check=check,
    example_bad="class MetricsService:\n    def record(self, name, value):\n        pass\n\nmetrics = MetricsService()",
    example_good="class PrometheusMetrics:\n    def record(self, name, value):\n"
                 "        self.histograms[name].observe(value)",
)
