"""MOD058 noop-service-enabled-by-default."""

from __future__ import annotations

from collections.abc import Iterator

from archaudit.findings import Axis, Hit, Message, Severity
from archaudit.repo import Repo
from archaudit.rules.base import Rule
from archaudit.rules.modularity._noop import find_noop_services


def check(repo: Repo) -> Iterator[Hit]:
    """Same detection as MOD056 (a class whose every method does nothing, used as a service), limited
    to the cases where a settings flag named after it (`metrics_enabled`, `ENABLE_METRICS`...) defaults
    to True: configuration claims the feature is on while the implementation records nothing."""
    for svc in repo.derived(find_noop_services):
        if svc.flag is not None:
            yield Hit(svc.path, svc.line, Message("{name}: all {methods} methods do nothing, yet the flag at {ref} "
                                                  "enables it by default (used at {ref2}).",
                                                  name=svc.name, methods=svc.methods, ref=svc.flag.ref,
                                                  ref2=svc.used_at.ref),
                      also=(svc.flag, svc.used_at), key=svc.name)


RULE = Rule(
    id="MOD058",
    name="noop-service-enabled-by-default",
    axis=Axis.MODULARITY,
    severity=Severity.MEDIUM,
    title="A feature flag defaults to on, but its service does nothing",
    impact="Operators read `metrics_enabled=True` and trust dashboards or audit trails that are never fed; "
           "incidents are investigated without the data everyone assumed was collected.",
    action="Implement the service behind the flag (e.g. Prometheus/OpenTelemetry for metrics) or default "
           "the flag to False and document that the feature is not available yet.",
    check=check,
    example_bad="class Settings(BaseSettings):\n    metrics_enabled: bool = True\n\nclass MetricsService:\n"
                "    def increment(self, name): pass",
    example_good="class MetricsService:\n    def increment(self, name):\n        self.counter.labels(name).inc()",
)
