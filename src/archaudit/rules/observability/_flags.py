"""Settings that announce metrics or tracing (shared by OBS005 and OBS006)."""

from __future__ import annotations

import re

from archaudit.findings import Evidence, Hit, Message
from archaudit.repo import Repo
from archaudit.rules.observability._signals import setting_places

METRICS_FLAG = re.compile(r"^(enable_?metrics|metrics_?(enabled|port|path|endpoint|prefix)|prometheus_\w+|"
                          r"expose_?metrics|statsd_\w+)$", re.IGNORECASE)
TRACING_FLAG = re.compile(r"^(enable_?tracing|tracing(_?enabled)?|otel_\w+|opentelemetry_\w+|jaeger_\w+|zipkin_\w+|"
                          r"trace_?exporter\w*|tracing_\w+)$", re.IGNORECASE)


def flags(repo: Repo, pattern: re.Pattern[str]) -> list[tuple[str, int, str]]:
    """(path, line, name) of settings whose name matches `pattern`, sorted."""
    return [p for p in setting_places(repo) if pattern.match(p[2])]


def flag_hit(found: list[tuple[str, int, str]], claim: str) -> Hit:
    """One finding at the first flag, naming the others: "Setting X (and Y) suggests <claim>"."""
    path, line, name = found[0]
    others = ", ".join(sorted({n for _, _, n in found[1:]} - {name}))
    message = (Message("Setting {name} (and {others}) suggests {claim}", name=name, others=others, claim=claim)
               if others else Message("Setting {name} suggests {claim}", name=name, claim=claim))
    return Hit(path, line, message,
               also=tuple(Evidence(p, ln) for p, ln, _ in found[1:5]), key=name)
