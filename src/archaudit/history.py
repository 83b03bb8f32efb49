"""What changed since a previous audit: findings matched by fingerprint (line moves don't matter)."""

from __future__ import annotations

from typing import Any

from archaudit.findings import Finding
from archaudit.model import Comparison


def compare_with(findings: list[Finding], previous: dict[str, Any], label: str) -> Comparison:
    old = {f.get("fingerprint"): f for f in previous.get("findings", []) if isinstance(f, dict)}
    current = {f.fingerprint for f in findings}
    new = tuple(f for f in findings if f.fingerprint not in old)
    fixed = tuple({"rule": f.get("rule", ""), "title": f.get("title", ""), "message": f.get("message", ""),
                   "fingerprint": fp} for fp, f in sorted(old.items(), key=lambda kv: str(kv[0]))
                  if fp not in current)
    return Comparison(previous=label, new=new, fixed=fixed, persisting=len(current & set(old)))
